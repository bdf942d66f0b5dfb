"""Ingestion of every format, metadata, rep resolution and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.demo import sample_paths
from worker.errors import InputError, TooLargeError, UnknownRepError
from worker.ingest import detect_format, load_transcript, parse_transcript

VTT_VOICE = """WEBVTT

NOTE
call_id: c-9
deal_id: d-9
started_at: 2026-10-05T15:00:00Z
rep: Dana Whitfield
participant: Tom Becker; prospect; CFO; Acme

1
00:00:01.000 --> 00:00:04.500
<v Dana Whitfield>Hi Tom, thanks for the time.</v>

2
00:00:04.500 --> 00:00:08.000 align:start
<v.loud Dana Whitfield>How are you handling &amp; tracking dispatch?</v>

3
00:00:08.500 --> 00:00:12.000
<v Tom Becker><i>Mostly</i> spreadsheets.</v>
"""

VTT_NAMES = """WEBVTT

00:01.000 --> 00:04.000
Dana: Hi Tom.

00:04.000 --> 00:06.000
a second line of the same cue
that wraps

00:06.500 --> 00:09.000
Tom: Hello.
"""

SRT = """# call_id: s-1
# rep: Dana

1
00:00:01,000 --> 00:00:03,000
Dana: Hello there.

2
00:00:03,500 --> 00:00:05,000
Tom: Hi.
"""

TXT = """# deal_id: deal-x
# participant: Tom; prospect; VP Operations; Acme
[00:00:01] Dana: Hi Tom.
[00:00:05] Tom: Hi Dana.
and this line continues Tom's turn
[00:00:12] Dana: What does a normal day look like?
"""


def parse(text: str, name: str, **kw):
    return parse_transcript(text.encode(), source=name, **kw)


def test_webvtt_voice_tags_metadata_and_merging() -> None:
    t = parse(VTT_VOICE, "call.vtt")
    assert (t.call_id, t.deal_id) == ("c-9", "d-9")
    assert t.started_at is not None and t.started_at.year == 2026
    assert [u.text for u in t.utterances] == [
        "Hi Tom, thanks for the time. How are you handling & tracking dispatch?",
        "Mostly spreadsheets.",
    ]
    assert (t.utterances[0].start, t.utterances[0].end) == (1.0, 8.0)
    roles = {p.name: (p.role, p.title) for p in t.participants}
    assert roles == {"Dana Whitfield": ("rep", None), "Tom Becker": ("prospect", "CFO")}


def test_webvtt_name_prefixed_cues_and_continuations() -> None:
    t = parse(VTT_NAMES, "meet.vtt", reps=["dana"])
    assert [u.text for u in t.utterances] == [
        "Hi Tom. a second line of the same cue that wraps", "Hello."]
    assert t.call_id == "meet" and t.deal_id == "meet"
    assert {p.name: p.role for p in t.participants} == {"Dana": "rep", "Tom": "prospect"}


def test_srt_with_metadata_and_crlf() -> None:
    t = parse(SRT.replace("\n", "\r\n"), "x.srt")
    assert t.call_id == "s-1"
    assert [(u.text, u.start) for u in t.utterances] == [("Hello there.", 1.0), ("Hi.", 3.5)]


def test_plain_text_with_stamps_continuations_and_participant_titles() -> None:
    t = parse(TXT, "notes.txt", reps=["Dana"])
    assert [u.text for u in t.utterances] == [
        "Hi Tom.", "Hi Dana. and this line continues Tom's turn",
        "What does a normal day look like?"]
    assert [u.start for u in t.utterances] == [1.0, 5.0, 12.0]
    assert t.utterances[0].end == 5.0 and t.utterances[-1].end is None
    tom = next(p for p in t.participants if p.name == "Tom")
    assert tom.title == "VP Operations" and tom.role == "prospect"


def test_bom_is_accepted() -> None:
    t = parse("\ufeff" + SRT, "bom.srt")
    assert t.call_id == "s-1"


def test_rep_flag_overrides_roles_in_the_file() -> None:
    t = parse(VTT_VOICE, "call.vtt", reps=["Tom Becker"])
    assert {p.name: p.role for p in t.participants} == {
        "Dana Whitfield": "prospect", "Tom Becker": "rep"}


def test_default_rep_names_apply_when_the_file_is_silent() -> None:
    t = parse(VTT_NAMES, "meet.vtt", default_reps=["Tom", "Someone Else"])
    assert {p.name: p.role for p in t.participants} == {"Dana": "prospect", "Tom": "rep"}


def test_unknown_rep_names_the_speakers() -> None:
    with pytest.raises(UnknownRepError, match=r"rep 'Zed' is not a speaker .*Dana, Tom"):
        parse(VTT_NAMES, "meet.vtt", reps=["Zed"])


def test_no_rep_says_how_to_fix_it() -> None:
    with pytest.raises(UnknownRepError, match="pass --rep NAME, set CALLSCORE_REP_NAMES"):
        parse(VTT_NAMES, "meet.vtt")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"{broken", "a.json", r"a.json: invalid JSON at line 1 column 2"),
        (b'{"call_id": "x"}', "b.json", r"b.json: deal_id: Field required"),
        (b"\xff\xfeabc", "c.txt", r"c.txt: not UTF-8 text \(invalid byte 0xff at offset 0\)"),
        (b"", "d.txt", "d.txt: the file is empty"),
        (b"just some words without a speaker", "e.txt", "e.txt: line .* has no speaker"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nno speaker here\n", "f.vtt", "cue 1 names no"),
        (b"hello", "g.vtt", "must start with 'WEBVTT'"),
        (b'{"call_id":"x","deal_id":"y","participants":[{"speaker":"a","name":"A","role":"rep"}],'
         b'"utterances":[{"speaker":"a","text":" "}]}', "h.json", "the transcript is empty"),
        (b"# started_at: yesterday\nA: hi\n", "i.txt", "started_at 'yesterday' is not ISO 8601"),
    ],
)
def test_bad_input_gives_one_line_error_naming_file_and_cause(data, name, message) -> None:
    with pytest.raises(InputError, match=message) as err:
        parse_transcript(data, source=name, reps=["A"])
    assert "\n" not in str(err.value) and str(err.value).startswith(name)


def test_oversize_input_is_rejected_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.seek(50 * 1024 * 1024)
        fh.write(b"\0")
    with pytest.raises(TooLargeError, match=r"big.json: 52428801 bytes is over the limit"):
        load_transcript(big)
    with pytest.raises(TooLargeError):
        parse_transcript(b"x" * 100, source="s.txt", max_bytes=10)


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [("a.json", b"", "json"), ("a.VTT", b"", "vtt"), ("a.srt", b"", "srt"), ("a.log", b"", "txt"),
     ("a", b'  {"x": 1}', "json"), ("a", b"WEBVTT\n", "vtt"),
     ("a", b"1\n00:00:01,000 --> 00:00:02,000\nA: x\n", "srt"), ("a", b"A: hi", "txt")],
)
def test_detect_format(name: str, data: bytes, fmt: str) -> None:
    assert detect_format(name, data) == fmt


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_every_sample_parses_with_rep_and_prospect(path: Path) -> None:
    t = load_transcript(path)
    roles = {p.role for p in t.participants}
    assert {"rep", "prospect"} <= roles
    assert len(t.utterances) >= 15
    assert t.deal_id != t.call_id


def test_samples_cover_every_format_and_several_deals() -> None:
    suffixes = {p.suffix for p in sample_paths()}
    assert suffixes == {".json", ".vtt", ".srt", ".txt"}
    deals = {load_transcript(p).deal_id for p in sample_paths()}
    assert len(deals) >= 3


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Ann", "Bob", "x y z", "1", "Ann:"]),
                          st.text(min_size=0, max_size=80).filter(lambda s: "\n" not in s
                                                                  and "\r" not in s)),
                min_size=0, max_size=8),
       st.sampled_from(["t.txt", "t.srt", "t.vtt", "t.json"]))
def test_parsing_arbitrary_text_never_raises_anything_but_input_error(lines, name) -> None:
    body = "\n".join(f"{who}: {text}" for who, text in lines)
    try:
        parse_transcript(body.encode("utf-8", "surrogatepass"), source=name, reps=["Ann"])
    except InputError as exc:
        assert str(exc).startswith(name)
