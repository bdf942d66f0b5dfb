"""The review page's template: ordering, filters, highlights, escaping, and the CLI."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.factories import GOOD_CALL, PITCH_CALL, transcript
from worker.cli import main
from worker.errors import InputError
from worker.review import (
    AnchorLinks,
    Filters,
    ReviewData,
    UrlLinks,
    call_view,
    deal_view,
    index_json,
    index_view,
    load_scores,
    static_report,
)


class _Balanced(HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def balanced(html: str) -> list[str]:
    p = _Balanced()
    p.feed(html)
    return p.errors + [f"unclosed <{t}>" for t in p.stack]


@pytest.fixture(scope="module")
def data(scorer) -> ReviewData:
    d = ReviewData()
    calls = [
        transcript(GOOD_CALL, call_id="good-1", deal_id="deal-a",
                   started_at=datetime(2026, 10, 1, tzinfo=UTC)),
        transcript(PITCH_CALL, call_id="pitch-1", deal_id="deal-b",
                   started_at=datetime(2026, 10, 2, tzinfo=UTC)),
        transcript(PITCH_CALL, call_id="pitch-2", deal_id="deal-b",
                   started_at=datetime(2026, 10, 9, tzinfo=UTC)),
        transcript(GOOD_CALL, call_id="good-2", deal_id="deal-a",
                   started_at=datetime(2026, 10, 20, tzinfo=UTC)),
    ]
    for t in calls:
        d.add_call(scorer.score(t), t)
    d.derive_deals()
    return d


def test_flagged_calls_come_first_then_newest(data) -> None:
    order = [s.call_id for s in data.ordered_calls()]
    assert order == ["pitch-2", "pitch-1", "good-2", "good-1"]
    assert all(data.calls[c].flags for c in order[:2])


def test_filters_by_rep_deal_and_flag(data) -> None:
    assert {s.call_id for s in data.ordered_calls(Filters(deal="deal-a"))} == {"good-1",
                                                                               "good-2"}
    assert {s.call_id for s in data.ordered_calls(Filters(flag="canned_pitch_heavy"))} == {
        "pitch-1", "pitch-2"}
    assert data.ordered_calls(Filters(rep="Nobody")) == []
    assert len(data.ordered_calls(Filters.from_query({"rep": "Dana Rep", "flag": ""}))) == 4


def test_index_lists_reasons_and_links_and_is_well_formed(data) -> None:
    html = index_view(data, UrlLinks())
    assert balanced(html) == []
    assert 'href="/calls/pitch-2"' in html and 'href="/deals/deal-b"' in html
    assert "rep questions are canned pitch lines" in html
    js = index_json(data, Filters(deal="deal-b"))
    assert [c["call_id"] for c in js["calls"]] == ["pitch-2", "pitch-1"]
    assert "pitch_pattern" in next(d["flags"] for d in js["deals"] if d["deal_id"] == "deal-b")


def test_call_view_highlights_each_rep_question_by_kind(data) -> None:
    s = data.calls["good-1"]
    html = call_view(s, data.transcripts["good-1"], UrlLinks())
    assert balanced(html) == []
    rep_qs = [q for q in s.questions if q.role == "rep"]
    starts = re.findall(r'<mark class="q q-(\w+)" id="q(\d+)-(\d+)"', html)
    assert sorted((int(u), int(st), k) for k, u, st in starts) == sorted(
        (q.utterance, q.start, q.kind) for q in rep_qs)
    # the highlighted text is the question's own text
    q = rep_qs[0]
    assert q.text.split()[0] in html
    # mentions are marked, follow-ups link to the turn they follow
    assert 'class="m-decision_maker"' in html and 'class="m-impact"' in html
    follow = [q for q in rep_qs if q.follow_up and q.follows_utterance is not None]
    assert follow and f'href="#u{follow[0].follows_utterance}"' in html
    assert f'id="u{follow[0].follows_utterance}"' in html
    for c in s.components:
        assert f"{c.points:.1f} / {c.max_points:.0f}" in html


def test_call_view_without_transcript_shows_the_scored_sentences(data) -> None:
    s = data.calls["pitch-1"]
    html = call_view(s, None, AnchorLinks())
    assert balanced(html) == []
    assert "not available" in html
    body = html.split('class="transcript"', 1)[1]  # after the legend
    assert body.count('class="q q-canned"') == sum(
        q.kind == "canned" for q in s.questions if q.role == "rep")


def test_text_from_transcripts_is_escaped(scorer) -> None:
    evil = [("rep", "What happens when <script>alert(1)</script> breaks?"),
            ("pro", "It costs us $5,000 a day & more.")]
    t = transcript(evil, call_id='x"><img src=x>', deal_id="<b>deal</b>")
    d = ReviewData()
    d.add_call(scorer.score(t), t)
    html = static_report(d)
    assert "<script>alert" not in html and "<img src=x>" not in html and "<b>deal" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert balanced(html) == []


def test_deal_view_has_timeline_points_and_flag_evidence(data) -> None:
    deal = data.deals["deal-b"]
    html = deal_view(deal, AnchorLinks())
    assert balanced(html) == []
    assert html.count("<circle") == 2
    assert "pitch_pattern" in html and 'href="#call-pitch-1"' in html


def test_live_store_is_bounded_and_keeps_the_latest(scorer) -> None:
    d = ReviewData(limit=2)
    for i in range(3):
        t = transcript(GOOD_CALL, call_id=f"c{i}")
        d.add_call(scorer.score(t), t)
    assert list(d.calls) == ["c1", "c2"] and set(d.transcripts) == {"c1", "c2"}


def test_static_report_is_offline_and_self_contained(data) -> None:
    html = static_report(data)
    assert "http://" not in html and "https://" not in html and "src=" not in html
    for s in data.calls.values():
        assert f'id="call-{s.call_id}"' in html
    assert 'id="deal-deal-a"' in html and "Legend" in html


def test_load_scores_reads_json_and_jsonl_and_names_bad_files(data) -> None:
    one = data.calls["good-1"].model_dump_json()
    assert len(load_scores([("a.jsonl", one + "\n" + one + "\n")])) == 2
    assert len(load_scores([("a.json", "[" + one + "]")])) == 1
    with pytest.raises(InputError, match=r"b\.json: not JSON"):
        load_scores([("b.json", "{nope")])
    with pytest.raises(InputError, match=r"c\.json: record 0 is not a call score \(call_id"):
        load_scores([("c.json", '[{"deal_id": "x"}]')])


def test_cli_review_writes_the_report(tmp_path: Path, capsys) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "c.txt").write_text("Dana: How do you handle dispatch today?\n"
                                 "Tom: Spreadsheets, mostly.\n")
    scores = tmp_path / "scores.json"
    assert main(["score", str(calls), "--rep", "Dana", "-f", "json", "-o", str(scores)]) == 0
    out = tmp_path / "r.html"
    assert main(["review", str(scores), "--transcripts", str(calls), "-o", str(out)]) == 0
    html = out.read_text()
    assert "How do you handle dispatch today?" in html and 'class="q q-probing"' in html
    assert main(["review", str(tmp_path / "missing.json"), "-o", str(out)]) == 1
    assert "missing.json: no such file" in capsys.readouterr().err
