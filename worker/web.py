"""Web endpoints on the faust web server: /health, Prometheus /metrics and the review pages.

The review pages (``/review``, ``/calls/{call_id}``, ``/deals/{deal_id}``, each with a JSON
twin at ``?format=json``) show what this worker process has scored since it started (the
latest ``CALLSCORE_REVIEW_KEEP`` calls). They share their template with
``callscore review`` (see worker/review.py).
"""

from __future__ import annotations

from typing import Any

from faust.web import Request, Response, View

from worker.agents import service, sinks
from worker.app import app
from worker.review import Filters, UrlLinks, call_view, deal_view, index_json, index_view, page

__all__ = ["CallView", "DealView", "HealthView", "MetricsView", "ReviewView"]

LINKS = UrlLinks()


def _wants_json(request: Request) -> bool:
    return request.query.get("format") == "json"


@app.page("/health")
class HealthView(View):
    """Liveness and a few counters."""

    async def get(self, request: Request) -> Response:
        m = service.metrics
        body: dict[str, Any] = {"status": "ok", "scored": m.scored_total,
                                "dead_lettered": sum(m.dlq_total.values())}
        return self.json(body)


@app.page("/metrics")
class MetricsView(View):
    """Prometheus text exposition."""

    async def get(self, request: Request) -> Response:
        from worker.sinks import render_metrics

        return self.text(service.metrics.render() + render_metrics(sinks),
                         content_type="text/plain")


@app.page("/review")
class ReviewView(View):
    """Calls to review: flagged first, newest first; ?rep= ?deal= ?flag= filter."""

    async def get(self, request: Request) -> Response:
        filters = Filters.from_query(request.query)
        if _wants_json(request):
            return self.json(index_json(service.review, filters))
        body = index_view(service.review, LINKS, filters, form_action=LINKS.index())
        return self.html(page("callscore review", body, links=LINKS))


@app.page("/calls/{call_id}")
class CallView(View):
    """One call: highlighted transcript, components, charts."""

    async def get(self, request: Request, call_id: str) -> Response:
        score = service.review.call(call_id)
        if score is None:
            return self.notfound(f"call {call_id!r} is not among the calls this worker has "
                                 "scored since it started")
        transcript = service.review.transcripts.get(call_id)
        if _wants_json(request):
            return self.json({"score": score.model_dump(mode="json"),
                              "transcript": transcript.model_dump(mode="json")
                              if transcript else None})
        return self.html(page(f"Call {call_id}", call_view(score, transcript, LINKS),
                              links=LINKS))


@app.page("/deals/{deal_id}")
class DealView(View):
    """One deal: calls on a timeline, components, flags with evidence."""

    async def get(self, request: Request, deal_id: str) -> Response:
        deal = service.review.deals.get(deal_id)
        if deal is None:
            return self.notfound(f"deal {deal_id!r} is not among the deals this worker has "
                                 "scored since it started")
        if _wants_json(request):
            return self.json(deal.model_dump(mode="json"))
        return self.html(page(f"Deal {deal_id}", deal_view(deal, LINKS), links=LINKS))
