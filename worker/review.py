"""The managers' review page: one template for the live worker pages and the static report.

Views are plain functions from scores (and, when known, transcripts) to HTML fragments;
``page`` wraps them in the shared layout. The live pages link views by URL
(``/calls/{id}``), the static report by anchor (``#call-...``). No external CSS, font or
script: the page works offline. Colours are from the Okabe-Ito palette (safe for
colour-blind readers) and every colour mark also carries a text label.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from models import CallScore, DealCall, DealScore, Transcript
from worker.deals import score_deal, upsert_call

__all__ = ["AnchorLinks", "Filters", "Links", "ReviewData", "UrlLinks", "call_view",
           "deal_view", "index_json", "index_view", "page", "static_report"]

KIND_LABEL = {"probing": "P", "canned": "C", "other": "O"}
MENTION_LABEL = {"decision_maker": "DM", "impact": "$"}


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def slug(value: str) -> str:
    """An id-safe form of a call or deal id (stable, unique enough for anchors)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", value)


class Links(Protocol):
    def index(self) -> str: ...
    def call(self, call_id: str) -> str: ...
    def deal(self, deal_id: str) -> str: ...


class UrlLinks:
    """Links of the live pages on the worker's web server."""

    def __init__(self, base: str = "") -> None:
        self.base = base.rstrip("/")

    def index(self) -> str:
        return f"{self.base}/review"

    def call(self, call_id: str) -> str:
        from urllib.parse import quote

        return f"{self.base}/calls/{quote(call_id, safe='')}"

    def deal(self, deal_id: str) -> str:
        from urllib.parse import quote

        return f"{self.base}/deals/{quote(deal_id, safe='')}"


class AnchorLinks:
    """Links inside the single-file static report."""

    def index(self) -> str:
        return "#top"

    def call(self, call_id: str) -> str:
        return f"#call-{slug(call_id)}"

    def deal(self, deal_id: str) -> str:
        return f"#deal-{slug(deal_id)}"


@dataclass
class Filters:
    rep: str | None = None
    deal: str | None = None
    flag: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        return cls(rep=query.get("rep") or None, deal=query.get("deal") or None,
                   flag=query.get("flag") or None)

    def keep(self, s: CallScore) -> bool:
        return ((not self.rep or self.rep in s.rep) and (not self.deal or s.deal_id == self.deal)
                and (not self.flag or any(f.code == self.flag for f in s.flags)))


@dataclass
class ReviewData:
    """What the review page shows: call scores, their transcripts when known, deal scores.

    A call score may be added as its JSON bytes: it is parsed only when a page needs it,
    so the worker's hot path never parses a full score.
    """

    _calls: dict[str, CallScore | bytes] = field(default_factory=dict)
    transcripts: dict[str, Transcript] = field(default_factory=dict)
    deals: dict[str, DealScore] = field(default_factory=dict)
    limit: int | None = None  # most calls kept (live worker); None keeps all

    @property
    def calls(self) -> dict[str, CallScore]:
        """The call scores, oldest first (JSON added is parsed now, once)."""
        for call_id, value in self._calls.items():
            if isinstance(value, bytes | str):
                self._calls[call_id] = CallScore.model_validate_json(value)
        return self._calls  # type: ignore[return-value]

    def call(self, call_id: str) -> CallScore | None:
        """One call score, parsing only that one if it was added as JSON."""
        value = self._calls.get(call_id)
        if isinstance(value, bytes | str):
            value = self._calls[call_id] = CallScore.model_validate_json(value)
        return value

    def add_call(self, score: CallScore | bytes, transcript: Transcript | None = None,
                 *, call_id: str | None = None) -> None:
        """Keep a call score (``call_id`` is needed when ``score`` is JSON bytes)."""
        key = score.call_id if isinstance(score, CallScore) else call_id
        if key is None:
            raise ValueError("add_call: call_id is needed for a score given as JSON")
        self._calls.pop(key, None)
        self._calls[key] = score
        if transcript is not None:
            self.transcripts[key] = transcript
        while self.limit is not None and len(self._calls) > self.limit:
            oldest = next(iter(self._calls))
            del self._calls[oldest]
            self.transcripts.pop(oldest, None)

    def add_deal(self, deal: DealScore) -> None:
        old = self.deals.get(deal.deal_id)
        if old is None or deal.version >= old.version:
            self.deals[deal.deal_id] = deal
        while self.limit is not None and len(self.deals) > self.limit:
            del self.deals[next(iter(self.deals))]

    def derive_deals(self) -> None:
        """Deal scores from the call scores held (the static report has no deal topic)."""
        by_deal: dict[str, dict[str, DealCall]] = {}
        for s in self.calls.values():
            by_deal[s.deal_id] = upsert_call(by_deal.get(s.deal_id, {}), s)
        for deal_id, calls in by_deal.items():
            self.deals[deal_id] = score_deal(deal_id, calls.values(),
                                             version=len(calls))

    def ordered_calls(self, filters: Filters | None = None) -> list[CallScore]:
        """Flagged calls first, then newest first."""
        f = filters or Filters()
        kept = [s for s in self.calls.values() if f.keep(s)]
        return sorted(kept, key=lambda s: (not s.flags, -_ts(s.started_at), s.call_id))


def _ts(d: datetime | None) -> float:
    if d is None:
        return 0.0
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()


def _date(d: datetime | None) -> str:
    return d.strftime("%Y-%m-%d %H:%M") if d else "—"


# --------------------------------------------------------------------------- layout

CSS = """
:root{--probing:#0072B2;--probing-bg:#d4e9f7;--canned:#D55E00;--canned-bg:#fbe0cc;
--other:#6b6b6b;--other-bg:#ececec;--dm:#009E73;--impact:#CC79A7;--flag:#a33b00;
--ink:#1b1b1b;--muted:#595959;--line:#d0d0d0}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
margin:0;background:#fafafa}
header.top{background:#1f2937;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.5rem;
align-items:baseline;flex-wrap:wrap}
header.top a{color:#fff}
main{max-width:1100px;margin:0 auto;padding:1rem 1.2rem 3rem}
h1{font-size:1.4rem;margin:.4rem 0}h2{font-size:1.15rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.flag{display:inline-block;border:1px solid var(--flag);color:var(--flag);border-radius:3px;
padding:0 .3rem;margin:.1rem .2rem .1rem 0;font-size:.85em;font-family:ui-monospace,monospace}
.reason{color:var(--muted);font-size:.9em;margin:.1rem 0}
.legend{display:flex;flex-wrap:wrap;gap:.8rem;background:#fff;border:1px solid var(--line);
padding:.4rem .7rem;margin:.6rem 0;font-size:.9em}
mark.q{border-radius:3px;padding:0 .1rem;color:inherit}
mark.q-probing{background:var(--probing-bg);border-bottom:2px solid var(--probing)}
mark.q-canned{background:var(--canned-bg);border-bottom:2px dashed var(--canned)}
mark.q-other{background:var(--other-bg);border-bottom:2px dotted var(--other)}
sup.tag{font-size:.7em;font-weight:700;margin-left:.1rem}
sup.tag-probing{color:var(--probing)}sup.tag-canned{color:var(--canned)}
sup.tag-other{color:var(--other)}
span.m-decision_maker{text-decoration:underline double var(--dm);text-underline-offset:3px;
font-weight:600}
span.m-impact{text-decoration:underline wavy var(--impact);text-underline-offset:3px;
font-weight:600}
sup.tag-decision_maker{color:var(--dm)}sup.tag-impact{color:#8a3c6e}
.utt{display:grid;grid-template-columns:5.5rem 9rem 1fr;gap:.5rem;padding:.3rem .4rem;
border-bottom:1px solid #eee;background:#fff}
.utt.rep{background:#f7fbff}
.utt .who{font-weight:600}.utt .when{color:var(--muted);font-variant-numeric:tabular-nums}
.utt:target{outline:3px solid var(--probing)}
a.follow{font-size:.8em;margin-left:.3rem}
.score{font-size:2rem;font-weight:700}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card.wide{flex:1 1 420px}
.card{background:#fff;border:1px solid var(--line);border-radius:4px;padding:.6rem .8rem}
.bar{height:.7rem;background:#e5e5e5;border-radius:2px;min-width:6rem}
.bar>span{display:block;height:100%;background:var(--probing);border-radius:2px}
svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
form.filters{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end;margin:.5rem 0}
form.filters label{display:flex;flex-direction:column;font-size:.85em}
.muted{color:var(--muted)}
section.view{display:none}section.view:target{display:block}
figure{margin:0}
main:has(section.view:target) .index{display:none}
@media print{section.view{display:block}}
"""

LEGEND = (
    '<div class="legend" role="note" aria-label="Legend">'
    '<strong>Legend:</strong>'
    '<span><mark class="q q-probing">probing question</mark><sup class="tag tag-probing">P</sup>'
    '</span><span><mark class="q q-canned">canned pitch question</mark>'
    '<sup class="tag tag-canned">C</sup></span>'
    '<span><mark class="q q-other">other question</mark><sup class="tag tag-other">O</sup></span>'
    '<span><span class="m-decision_maker">decision-maker talk</span>'
    '<sup class="tag tag-decision_maker">DM</sup></span>'
    '<span><span class="m-impact">impact talk</span><sup class="tag tag-impact">$</sup></span>'
    '<span><a class="follow" href="#top">↩ follows</a> a follow-up question, linked to what '
    'it follows</span></div>'
)


def page(title: str, body: str, *, links: Links, script: str = "") -> str:
    """The shared layout around a view."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<link rel=\"icon\" href=\"data:,\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header class=\"top\" id=\"top\"><strong>callscore</strong>"
        f"<a href=\"{esc(links.index())}\">Review</a><span>{esc(title)}</span></header>"
        f"<main>{body}</main>{script}</body></html>\n"
    )


def _flags_html(flags: Iterable[Any], reasons: bool = True) -> str:
    out = []
    for f in flags:
        out.append(f'<span class="flag" title="{esc(f.message)}">{esc(f.code)}</span>')
        if reasons:
            out.append(f'<div class="reason">{esc(f.message)}</div>')
    return "".join(out)


# --------------------------------------------------------------------------- index

def index_view(data: ReviewData, links: Links, filters: Filters | None = None,
               *, form_action: str | None = None) -> str:
    """The list of calls (flagged first, newest first) and of deals, with filters."""
    filters = filters or Filters()
    calls = data.ordered_calls(filters)
    reps = sorted({r for s in data.calls.values() for r in s.rep})
    deals = sorted(data.deals) or sorted({s.deal_id for s in data.calls.values()})
    codes = sorted({f.code for s in data.calls.values() for f in s.flags})

    def select(name: str, label: str, options: list[str], current: str | None) -> str:
        opts = "".join(f'<option value="{esc(o)}"{" selected" if o == current else ""}>'
                       f"{esc(o)}</option>" for o in options)
        return (f'<label>{esc(label)}<select name="{name}" data-filter="{name}">'
                f'<option value="">all</option>{opts}</select></label>')

    action = f' action="{esc(form_action)}"' if form_action else ""
    parts = [
        "<h1>Calls to review</h1>",
        f'<p class="muted">{len(calls)} of {len(data.calls)} call(s); flagged calls first, '
        "newest first.</p>",
        f'<form class="filters" method="get"{action}>',
        select("rep", "Rep", reps, filters.rep), select("deal", "Deal", deals, filters.deal),
        select("flag", "Flag", codes, filters.flag),
        '<button type="submit">Filter</button></form>',
        '<table id="calls"><thead><tr><th>Call</th><th>Deal</th><th>Rep</th><th>Date</th>'
        '<th class="num">Score</th><th>Flags and reasons</th></tr></thead><tbody>',
    ]
    for s in calls:
        parts.append(
            f'<tr class="call-row{" flagged" if s.flags else ""}" data-rep="{esc("|".join(s.rep))}"'
            f' data-deal="{esc(s.deal_id)}" data-flag="{esc("|".join(f.code for f in s.flags))}">'
            f'<td><a class="call-link" href="{esc(links.call(s.call_id))}">{esc(s.call_id)}</a>'
            f'<div class="muted">{esc(s.title or "")}</div></td>'
            f'<td><a href="{esc(links.deal(s.deal_id))}">{esc(s.deal_id)}</a></td>'
            f"<td>{esc(', '.join(s.rep))}</td><td>{esc(_date(s.started_at))}</td>"
            f'<td class="num">{s.score:.0f}</td><td>{_flags_html(s.flags) or "—"}</td></tr>')
    if not calls:
        parts.append('<tr><td colspan="6" class="muted">No calls match.</td></tr>')
    parts.append("</tbody></table><h2>Deals</h2>"
                 '<table id="deals"><thead><tr><th>Deal</th><th class="num">Calls</th>'
                 '<th class="num">Score</th><th>Flags</th></tr></thead><tbody>')
    for d in sorted(data.deals.values(), key=lambda d: (not d.flags, d.score, d.deal_id)):
        parts.append(
            f'<tr><td><a class="deal-link" href="{esc(links.deal(d.deal_id))}">'
            f'{esc(d.deal_id)}</a></td><td class="num">{d.call_count}</td>'
            f'<td class="num">{d.score:.0f}</td><td>{_flags_html(d.flags) or "—"}</td></tr>')
    if not data.deals:
        parts.append('<tr><td colspan="4" class="muted">No deals yet.</td></tr>')
    parts.append("</tbody></table>")
    return "".join(parts)


def index_json(data: ReviewData, filters: Filters | None = None) -> dict[str, Any]:
    """The JSON twin of the index."""
    return {
        "calls": [{"call_id": s.call_id, "deal_id": s.deal_id, "rep": s.rep,
                   "started_at": s.started_at.isoformat() if s.started_at else None,
                   "score": s.score, "flags": [f.model_dump(mode="json") for f in s.flags]}
                  for s in data.ordered_calls(filters)],
        "deals": [{"deal_id": d.deal_id, "score": d.score, "call_count": d.call_count,
                   "version": d.version, "flags": [f.code for f in d.flags]}
                  for d in sorted(data.deals.values(), key=lambda d: d.deal_id)],
    }


# --------------------------------------------------------------------------- call

def _highlight(text: str, spans: list[tuple[int, int, str, str, str]], prefix: str,
               utterance: int) -> str:
    """``text`` with question marks and mention spans; spans: (start, end, cls, label, extra)."""
    cuts = {0, len(text)}
    for s, e, *_ in spans:
        cuts.update((max(0, min(s, len(text))), max(0, min(e, len(text)))))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a == b:
            continue
        seg = esc(text[a:b])
        covering = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        for _s, e, cls, label, _ in covering:
            if cls.startswith("m-"):
                seg = f'<span class="{cls}">{seg}</span>'
                if b == e:
                    seg += f'<sup class="tag tag-{cls[2:]}">{esc(label)}</sup>'
        for s, e, cls, label, extra in covering:
            if cls.startswith("q-"):
                qid = f' id="{prefix}q{utterance}-{s}"' if a == s else ""
                seg = f'<mark class="q {cls}"{qid} title="{esc(label)}">{seg}</mark>'
                if b == e:
                    seg += f'<sup class="tag tag-{cls[2:]}">{KIND_LABEL[cls[2:]]}</sup>' + extra
        out.append(seg)
    return "".join(out)


def _talk_chart(score: CallScore) -> str:
    t = score.talk
    total = max(1, t.rep_words + t.prospect_words + t.other_words)
    parts = [("rep", t.rep_words, "var(--probing)"), ("prospect", t.prospect_words,
                                                      "var(--canned)"),
             ("other", t.other_words, "var(--other)")]
    x = 0.0
    rects, labels = [], []
    for name, words, colour in parts:
        w = 300 * words / total
        if w > 0:
            rects.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="18" fill="{colour}">'
                         f"<title>{name}: {words} words</title></rect>")
        labels.append(f"{name} {100 * words / total:.0f}%")
        x += w
    return ('<figure class="card"><figcaption>Talk share</figcaption>'
            '<svg role="img" aria-label="Talk share: ' + esc(", ".join(labels)) + '" width="300"'
            ' height="20" viewBox="0 0 300 20">' + "".join(rects) + "</svg>"
            f'<div class="muted">{esc(" · ".join(labels))} (target: rep at most about '
            "half)</div></figure>")


def _monologue_chart(score: CallScore, transcript: Transcript | None, prefix: str) -> str:
    t = score.talk
    cap = f"Longest rep monologue: {t.longest_rep_monologue_words} words" + (
        f", {t.longest_rep_monologue_seconds:.0f} s" if t.longest_rep_monologue_seconds else "")
    if transcript is None or not transcript.utterances:
        w = min(300, 2 * t.longest_rep_monologue_words)
        body = (f'<svg role="img" aria-label="{esc(cap)}" width="300" height="20">'
                f'<rect x="0" y="0" width="{w}" height="18" fill="var(--probing)"></rect></svg>')
    else:
        reps = transcript.speakers_with_role("rep")
        words = [len(u.text.split()) for u in transcript.utterances]
        top = max(words) or 1
        n = len(words)
        bw = max(1.0, 300 / n)
        bars = []
        for i, (u, w) in enumerate(zip(transcript.utterances, words, strict=True)):
            h = 40 * w / top
            colour = "var(--probing)" if u.speaker in reps else "var(--canned)"
            outline = ' stroke="#000"' if i == t.longest_monologue_utterance else ""
            bars.append(
                f'<a href="#{prefix}u{i}"><rect x="{i * bw:.1f}" y="{40 - h:.1f}" '
                f'width="{max(bw - 0.5, 0.5):.1f}" height="{h:.1f}" fill="{colour}"'
                f"{outline}><title>#{i} {esc(u.speaker)}: {w} "
                "words</title></rect></a>")
        body = (f'<svg role="img" aria-label="Words per turn; {esc(cap)}" width="300" '
                f'height="42" viewBox="0 0 {n * bw:.0f} 42" preserveAspectRatio="none">'
                + "".join(bars) + "</svg>")
    return (f'<figure class="card"><figcaption>Turns (words per turn; blue rep, orange '
            f'prospect)</figcaption>{body}<div class="muted">{esc(cap)}</div></figure>')


def call_view(score: CallScore, transcript: Transcript | None, links: Links,
              *, prefix: str = "") -> str:
    """A call: score, components with points, flags, charts, and the highlighted transcript."""
    parts = [
        f'<h1>Call {esc(score.call_id)}</h1>',
        f'<p>{esc(score.title or "")} <span class="muted">deal </span>'
        f'<a href="{esc(links.deal(score.deal_id))}">{esc(score.deal_id)}</a>'
        f'<span class="muted"> · rep {esc(", ".join(score.rep))} · '
        f'{esc(_date(score.started_at))} · prospects: '
        f'{esc(", ".join(score.prospects) or "—")}</span></p>',
        '<div class="cards"><div class="card"><div class="muted">Questioning score</div>'
        f'<div class="score">{score.score:.0f}<span class="muted">/100</span></div></div>',
        _talk_chart(score), _monologue_chart(score, transcript, prefix), "</div>",
    ]
    if score.flags:
        parts.append('<h2>Flags</h2><ul class="flags">')
        for f in score.flags:
            parts.append(f'<li><span class="flag">{esc(f.code)}</span> {esc(f.message)}</li>')
        parts.append("</ul>")
    parts.append('<h2>Score components</h2><table class="components"><thead><tr>'
                 '<th>Component</th><th class="num">Points</th><th></th><th>Measured</th>'
                 '<th>Target</th><th>Why</th></tr></thead><tbody>')
    for c in score.components:
        pct = 100 * c.points / c.max_points if c.max_points else 0
        parts.append(
            f'<tr><td>{esc(c.name.replace("_", " "))}</td><td class="num">{c.points:.1f} / '
            f'{c.max_points:.0f}</td><td><div class="bar" role="img" aria-label="{pct:.0f}%">'
            f'<span style="width:{pct:.0f}%"></span></div></td><td class="num">{c.value:g}</td>'
            f"<td>{esc(c.target)}</td><td>{esc(c.explanation)}</td></tr>")
    parts.append("</tbody></table>")
    parts.append("<h2>Transcript</h2>" + LEGEND)
    parts.append(_transcript_html(score, transcript, prefix))
    return "".join(parts)


def _spans_by_utterance(score: CallScore, prefix: str
                        ) -> dict[int, list[tuple[int, int, str, str, str]]]:
    spans: dict[int, list[tuple[int, int, str, str, str]]] = {}
    for q in score.questions:
        if q.role != "rep":
            continue
        extra = ""
        if q.follow_up and q.follows_utterance is not None:
            extra = (f'<a class="follow" href="#{prefix}u{q.follows_utterance}" '
                     f'title="follows what was said in turn #{q.follows_utterance}">↩ follows '
                     f"#{q.follows_utterance}</a>")
        label = f"{q.kind} {q.form} question ({q.kind_reason})"
        spans.setdefault(q.utterance, []).append((q.start, q.end, f"q-{q.kind}", label, extra))
    for m in score.mentions:
        spans.setdefault(m.utterance, []).append(
            (m.start, m.end, f"m-{m.type}", MENTION_LABEL[m.type], ""))
    return spans


def _transcript_html(score: CallScore, transcript: Transcript | None, prefix: str) -> str:
    spans = _spans_by_utterance(score, prefix)
    out = ['<div class="transcript">']
    if transcript is None:
        out.append('<p class="muted">The transcript is not available here; showing the '
                   "sentences the score is based on.</p>")
        rows: list[tuple[int, str, str, float | None]] = []
        seen: set[int] = set()
        for q in score.questions:
            if q.utterance not in seen:
                rows.append((q.utterance, q.speaker, q.role, q.time))
                seen.add(q.utterance)
        for m in score.mentions:
            if m.utterance not in seen:
                rows.append((m.utterance, m.speaker, m.role, None))
                seen.add(m.utterance)
        for i, speaker, role, when in sorted(rows):
            # Without the utterance text, highlight each finding's own text.
            items = [(q.start, q.text, f"q-{q.kind}") for q in score.questions
                     if q.utterance == i and q.role == "rep"]
            texts = []
            for _, text, cls in sorted(items):
                texts.append(f'<mark class="q {cls}">{esc(text)}</mark>'
                             f'<sup class="tag tag-{cls[2:]}">{KIND_LABEL[cls[2:]]}</sup>')
            for m in score.mentions:
                if m.utterance == i:
                    texts.append(f'<span class="m-{m.type}">{esc(m.text)}</span>'
                                 f'<sup class="tag tag-{m.type}">{MENTION_LABEL[m.type]}</sup>')
            if not texts:
                texts = [esc(q.text) for q in score.questions if q.utterance == i]
            out.append(_utt_row(prefix, i, speaker, role, when, " … ".join(texts)))
    else:
        roles = {p.speaker: p.role for p in transcript.participants}
        names = {p.speaker: p.name for p in transcript.participants}
        for i, u in enumerate(transcript.utterances):
            body = _highlight(u.text, spans.get(i, []), prefix, i)
            out.append(_utt_row(prefix, i, names.get(u.speaker, u.speaker),
                                roles.get(u.speaker, "other"), u.start, body))
    out.append("</div>")
    return "".join(out)


def _utt_row(prefix: str, i: int, speaker: str, role: str, when: float | None,
             body: str) -> str:
    ts = f"{int(when) // 60}:{int(when) % 60:02d}" if when is not None else ""
    return (f'<div class="utt {esc(role)}" id="{prefix}u{i}"><span class="when">#{i} {ts}</span>'
            f'<span class="who">{esc(speaker)} <span class="muted">({esc(role)})</span></span>'
            f"<span>{body}</span></div>")


# --------------------------------------------------------------------------- deal

def _timeline(deal: DealScore, links: Links) -> str:
    calls = deal.calls
    n = len(calls)
    width, height, pad = 640, 160, 80
    xs = [pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    ys = [height - 24 - (height - 48) * c.score / 100 for c in calls]
    grid = "".join(
        f'<line x1="{pad}" x2="{width - pad}" y1="{height - 24 - (height - 48) * v / 100:.1f}" '
        f'y2="{height - 24 - (height - 48) * v / 100:.1f}" stroke="#ddd"></line>'
        f'<text x="4" y="{height - 20 - (height - 48) * v / 100:.1f}">{v}</text>'
        for v in (0, 50, 100))
    line = ('<polyline fill="none" stroke="var(--probing)" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True)) + '"></polyline>'
            if n > 1 else "")
    dots = "".join(
        f'<a href="{esc(links.call(c.call_id))}"><circle cx="{x:.1f}" cy="{y:.1f}" r="6" '
        f'fill="{"var(--canned)" if c.flags else "var(--probing)"}"><title>{esc(c.call_id)}: '
        f"{c.score:.0f}</title></circle></a>"
        f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">{esc(c.call_id[-18:])}</text>'
        f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle">{c.score:.0f}</text>'
        for c, x, y in zip(calls, xs, ys, strict=True))
    label = "; ".join(f"{c.call_id} {c.score:.0f}" for c in calls)
    return (f'<figure class="card wide"><figcaption>Calls over time (score 0–100; orange = call '
            f'has flags)</figcaption><svg role="img" aria-label="Timeline: {esc(label)}" '
            f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">'
            f"{grid}{line}{dots}</svg></figure>")


def deal_view(deal: DealScore, links: Links) -> str:
    """A deal: score, components, flags with evidence, the calls on a timeline."""
    parts = [
        f"<h1>Deal {esc(deal.deal_id)}</h1>",
        '<div class="cards"><div class="card"><div class="muted">Deal score</div>'
        f'<div class="score">{deal.score:.0f}<span class="muted">/100</span></div>'
        f'<div class="muted">{deal.call_count} call(s) · version {deal.version}</div></div>'
        f"{_timeline(deal, links)}</div>",
    ]
    parts.append("<h2>Deal flags</h2>")
    if deal.flags:
        parts.append("<ul>")
        for f in deal.flags:
            ev = ", ".join(f'<a href="{esc(links.call(e.call_id))}">{esc(e.call_id)}</a>'
                           for e in f.evidence if e.call_id)
            parts.append(f'<li><span class="flag">{esc(f.code)}</span> {esc(f.message)}'
                         + (f' <span class="muted">evidence: {ev}</span>' if ev else "")
                         + "</li>")
        parts.append("</ul>")
    else:
        parts.append('<p class="muted">None.</p>')
    parts.append('<h2>Components</h2><table class="components"><thead><tr><th>Component</th>'
                 '<th class="num">Points</th><th>Target</th><th>Why</th></tr></thead><tbody>')
    for c in deal.components:
        parts.append(f'<tr><td>{esc(c.name.replace("_", " "))}</td><td class="num">'
                     f"{c.points:.1f} / {c.max_points:.0f}</td><td>{esc(c.target)}</td>"
                     f"<td>{esc(c.explanation)}</td></tr>")
    parts.append('</tbody></table><h2>Calls</h2><table><thead><tr><th>Call</th><th>Date</th>'
                 '<th class="num">Score</th><th class="num">Probing</th>'
                 '<th class="num">Canned</th><th>Decision-maker</th><th>Impact quantified</th>'
                 "<th>Prospects</th><th>Flags</th></tr></thead><tbody>")
    for c in deal.calls:
        parts.append(
            f'<tr><td><a class="call-link" href="{esc(links.call(c.call_id))}">'
            f"{esc(c.call_id)}</a></td><td>{esc(_date(c.started_at))}</td>"
            f'<td class="num">{c.score:.0f}</td><td class="num">{c.probing_questions}</td>'
            f'<td class="num">{c.canned_questions}</td>'
            f'<td>{"asked" if c.decision_maker_asked else ("discussed" if c.decision_maker_discussed else "no")}</td>'  # noqa: E501
            f'<td>{"yes" if c.impact_quantified else "no"}</td>'
            f"<td>{esc(', '.join(c.prospects))}</td>"
            f'<td>{" ".join(f"<span class=flag>{esc(x)}</span>" for x in c.flags) or "—"}</td>'
            "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


# --------------------------------------------------------------------------- static report

_FILTER_SCRIPT = """<script>
(function(){
  var form=document.querySelector('form.filters');
  if(!form){return;}
  function apply(ev){
    if(ev){ev.preventDefault();}
    var want={};
    form.querySelectorAll('select[data-filter]').forEach(function(s){want[s.name]=s.value;});
    document.querySelectorAll('#calls tr.call-row').forEach(function(r){
      var ok=['rep','deal','flag'].every(function(k){
        return !want[k] || r.getAttribute('data-'+k).split('|').indexOf(want[k])>=0;});
      r.style.display=ok?'':'none';
    });
  }
  form.addEventListener('submit',apply);
  form.querySelectorAll('select').forEach(function(s){s.addEventListener('change',apply);});
})();
</script>"""


def static_report(data: ReviewData, title: str = "callscore review") -> str:
    """One self-contained HTML file: the index, then every call and deal view (by anchor)."""
    links = AnchorLinks()
    if not data.deals:
        data.derive_deals()
    body = ['<div class="index">', index_view(data, links),
            '<p class="muted">Generated ' + esc(datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
            + " by callscore. Click a call or a deal to open it.</p></div>"]
    for s in data.ordered_calls():
        prefix = f"c-{slug(s.call_id)}-"
        body.append(f'<section class="view" id="call-{slug(s.call_id)}">'
                    + call_view(s, data.transcripts.get(s.call_id), links, prefix=prefix)
                    + "</section>")
    for d in sorted(data.deals.values(), key=lambda d: d.deal_id):
        body.append(f'<section class="view" id="deal-{slug(d.deal_id)}">'
                    + deal_view(d, links) + "</section>")
    return page(title, "".join(body), links=links, script=_FILTER_SCRIPT)


def load_scores(texts: Sequence[tuple[str, str]]) -> list[CallScore]:
    """CallScores from ``callscore score`` output (json array, jsonl or one object) by file.

    Raises:
        InputError: naming the file and record that is not a call score.
    """
    from pydantic import ValidationError

    from worker.errors import InputError

    scores: list[CallScore] = []
    for name, text in texts:
        stripped = text.strip()
        if not stripped:
            raise InputError(f"{name}: empty file (expected `callscore score --format json` "
                             "or jsonl output)")
        try:
            if stripped.startswith("["):
                records = json.loads(stripped)
            elif "\n" in stripped and not stripped.startswith("{\n"):
                records = [json.loads(line) for line in stripped.splitlines() if line.strip()]
            else:
                records = [json.loads(stripped)]
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}: not JSON or JSON lines (line {exc.lineno}: {exc.msg}); "
                             "write scores with `callscore score --format json -o FILE`") \
                from None
        for i, rec in enumerate(records):
            try:
                scores.append(CallScore.model_validate(rec))
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"])
                raise InputError(f"{name}: record {i} is not a call score ({where}: "
                                 f"{err['msg']})") from None
    return scores
