"""Deal scores: pure functions over a deal's calls, ordered by call time.

A deal is won or lost early: whether the first calls were good discovery, whether
the rep found out who decides and what the impact is, and whether more people on
the prospect's side were drawn in. Each call counts once (keyed by call id): a
re-sent call replaces its earlier result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from models import CallScore, Component, DealCall, DealScore, Evidence, Flag

__all__ = ["DEAL_FLAG_CODES", "order_calls", "score_deal", "upsert_call"]

DEAL_FLAG_CODES = (
    "no_decision_maker_after_calls",
    "impact_never_quantified",
    "single_threaded",
    "score_dropped",
    "pitch_pattern",
)
_DM_TITLE = re.compile(
    r"\b(ceo|cfo|coo|cto|cio|cro|cmo|chief|president|vp|vice president|svp|evp|head of|"
    r"director|owner|founder|partner|general manager|managing director|board)\b",
    re.IGNORECASE,
)
WEIGHTS = {"discovery_quality": 40, "decision_maker": 20, "impact": 15, "multi_threading": 10,
           "trend": 15}
MIN_CALLS_FOR_DEAL_FLAGS = 2
SCORE_DROP = 15.0


def _sort_key(c: DealCall) -> tuple[datetime, datetime, str]:
    far = datetime.max.replace(tzinfo=UTC)
    return (_aware(c.started_at) or far, _aware(c.scored_at) or far, c.call_id)


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def order_calls(calls: Iterable[DealCall]) -> list[DealCall]:
    """Calls in the order they happened (start time, then scoring time, then id)."""
    return sorted(calls, key=_sort_key)


def upsert_call(calls: Mapping[str, DealCall], score: CallScore) -> dict[str, DealCall]:
    """The deal's calls with ``score`` added, or replacing the same call's earlier result."""
    out = dict(calls)
    out[score.call_id] = DealCall.from_call_score(score)
    return out


def _comp(name: str, value: float, frac: float, target: str, explanation: str,
          evidence: list[Evidence] | None = None) -> Component:
    w = WEIGHTS[name]
    return Component(name=name, value=round(value, 3), target=target,
                     points=round(w * max(0.0, min(1.0, frac)), 2), max_points=w,
                     explanation=explanation, evidence=evidence or [])


def _call_ev(calls: Iterable[DealCall], text: str) -> list[Evidence]:
    return [Evidence(text=text, call_id=c.call_id) for c in calls]


def score_deal(deal_id: str, calls: Iterable[DealCall], *, version: int = 1,
               updated_at: datetime | None = None) -> DealScore:
    """Score a deal from its calls (any order; each call id once)."""
    ordered = order_calls({c.call_id: c for c in calls}.values())
    n = len(ordered)
    comps: list[Component] = []

    weights = [1 / (i + 1) for i in range(n)]
    quality = sum(w * c.score for w, c in zip(weights, ordered, strict=True)) / sum(weights) \
        if n else 0.0
    comps.append(_comp(
        "discovery_quality", quality, quality / 100, "high call scores, early calls first",
        f"Call scores weighted toward the first calls: {quality:.0f}/100 over {n} call(s).",
        _call_ev(ordered[:3], "early call")))

    discussed = [c for c in ordered if c.decision_maker_discussed]
    asked = [c for c in ordered if c.decision_maker_asked]
    titled = sorted({t for c in ordered for t in c.prospect_titles if _DM_TITLE.search(t)})
    frac = (0.5 if discussed else 0.0) + (0.25 if asked else 0.0) + (0.25 if titled else 0.0)
    comps.append(_comp(
        "decision_maker", frac, frac, "decision process asked about; a decision-maker attends",
        ("Decision-makers were discussed" if discussed else "No decision-maker was discussed")
        + (", the rep asked who decides" if asked else "")
        + (f", and {', '.join(titled)} attended." if titled else "."),
        [e for c in discussed[:3] for e in c.evidence if e.text][:6]))

    quantified = [c for c in ordered if c.impact_quantified]
    comps.append(_comp(
        "impact", 1.0 if quantified else 0.0, 1.0 if quantified else 0.0,
        "the prospect quantifies impact in some call",
        f"The prospect quantified impact in {len(quantified)} of {n} call(s).",
        _call_ev(quantified, "impact quantified")))

    people = sorted({p for c in ordered for p in c.prospects})
    frac = {0: 0.0, 1: 0.0, 2: 0.7}.get(len(people), 1.0)
    comps.append(_comp(
        "multi_threading", len(people), frac, "3+ people on the prospect's side",
        f"{len(people)} prospect-side people across the calls: {', '.join(people) or 'none'}."))

    if n >= 2:
        delta = ordered[-1].score - ordered[0].score
        frac = 1.0 + delta / 20 if delta < 0 else 1.0
        trend_text = f"From the first call to the latest the score moved {delta:+.0f} points."
    else:
        delta, frac = 0.0, 1.0
        trend_text = "One call so far: no trend yet."
    comps.append(_comp("trend", delta, frac, "scores hold or rise across calls", trend_text,
                       _call_ev([ordered[0], ordered[-1]], "first/latest") if n >= 2 else []))

    flags = _deal_flags(ordered, discussed, quantified, people)
    return DealScore(
        deal_id=deal_id, score=round(sum(c.points for c in comps), 1), call_count=n,
        calls=ordered, components=comps, flags=flags, version=version,
        updated_at=updated_at or datetime.now(UTC),
    )


def _deal_flags(ordered: list[DealCall], discussed: list[DealCall], quantified: list[DealCall],
                people: list[str]) -> list[Flag]:
    n = len(ordered)
    flags: list[Flag] = []
    if n < MIN_CALLS_FOR_DEAL_FLAGS:
        return flags
    ids = [c.call_id for c in ordered]
    if not discussed:
        flags.append(Flag(code="no_decision_maker_after_calls",
                          message=f"After {n} calls nobody has discussed who decides or signs.",
                          evidence=_call_ev(ordered, "no decision-maker talk")))
    if not quantified:
        flags.append(Flag(code="impact_never_quantified",
                          message=f"After {n} calls the prospect has not put a number on the "
                                  "impact.", evidence=_call_ev(ordered, "impact not quantified")))
    if len(people) <= 1:
        flags.append(Flag(code="single_threaded",
                          message=f"Only {people[0] if people else 'one person'} on the "
                                  f"prospect's side across {n} calls.",
                          evidence=_call_ev(ordered, "same single contact")))
    best_before = max(c.score for c in ordered[:-1])
    if ordered[-1].score < best_before - SCORE_DROP:
        flags.append(Flag(code="score_dropped",
                          message=f"The latest call ({ids[-1]}) scored {ordered[-1].score:.0f}, "
                                  f"down from {best_before:.0f}.",
                          evidence=_call_ev([ordered[-1]], "latest call")))
    pitchy = [c for c in ordered if "canned_pitch_heavy" in c.flags]
    if len(pitchy) >= 2:
        flags.append(Flag(code="pitch_pattern",
                          message=f"Canned pitch dominated {len(pitchy)} of {n} calls.",
                          evidence=_call_ev(pitchy, "canned-heavy call")))
    return flags
