"""The command line as a user runs it: real subprocesses, real files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from worker.demo import sample_paths

SAMPLES = Path(sample_paths()[0]).parent


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "worker", *args], input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_help_explains_every_command() -> None:
    out = run("--help").stdout
    for cmd in ("score", "tag", "schema", "worker", "publish", "broker", "demo", "review", "db"):
        assert cmd in out
    for cmd in ("score", "tag", "schema", "worker", "publish", "broker", "demo", "review", "db"):
        r = run(cmd, "--help")
        assert r.returncode == 0 and "usage: callscore" in r.stdout and len(r.stdout) > 200


def test_score_samples_as_jsonl_ranks_good_questioning_above_pitch() -> None:
    r = run("score", str(SAMPLES), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    scores = {s["call_id"]: s for s in map(json.loads, r.stdout.splitlines())}
    assert len(scores) == len(sample_paths())
    good = [v["score"] for k, v in scores.items() if k.startswith("acme")]
    pitch = [v["score"] for k, v in scores.items() if k.startswith("brightpath")]
    assert min(good) > max(pitch) + 40
    assert "canned_pitch_heavy" in {f["code"] for f in scores["brightpath-dental-1"]["flags"]}


def test_score_csv_has_one_row_per_call_and_component_columns(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    r = run("score", str(SAMPLES), "--format", "csv", "--out", str(out))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == len(sample_paths())
    assert {"call_id", "score", "probing_questions_points", "talk_share_value",
            "flag_canned_pitch_heavy"} <= set(rows[0])


def test_bad_files_are_reported_and_the_others_still_scored(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{nope")
    (tmp_path / "missing.json").write_text('{"call_id": "x"}')
    (tmp_path / "latin1.txt").write_bytes("Ana: ¿qué tal?".encode("latin-1"))
    (tmp_path / "empty.vtt").write_text("")
    (tmp_path / "norep.txt").write_text("Ann: hi\nBob: hello\n")
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.seek(50 * 1024 * 1024)
        fh.write(b"\n")
    good = tmp_path / "good.json"
    good.write_text((SAMPLES / "acme-logistics-1.json").read_text())
    r = run("score", str(tmp_path), "--format", "jsonl")
    assert r.returncode == 1
    assert [json.loads(x)["call_id"] for x in r.stdout.splitlines()] == ["acme-logistics-1"]
    errors = [x for x in r.stderr.splitlines() if x.startswith("callscore: ")]
    assert len(errors) == 6, r.stderr
    assert "Traceback" not in r.stderr
    text = "\n".join(errors)
    for name, cause in [("broken.json", "invalid JSON"), ("missing.json", "Field required"),
                        ("latin1.txt", "not UTF-8"), ("empty.vtt", "empty"),
                        ("norep.txt", "cannot tell who the rep is"), ("big.txt", "over the limit")]:
        assert any(name in e and cause in e for e in errors), (name, text)


def test_score_rep_option_marks_the_rep() -> None:
    r = run("score", str(SAMPLES / "northwind-foods-1.txt"), "--rep", "Sam Okafor",
            "--format", "json")
    (s,) = json.loads(r.stdout)
    assert s["rep"] == ["Sam Okafor"]


def test_tag_follows_the_contract_line_by_line() -> None:
    lines = ["How are you handling dispatch today?", "we use spreadsheets", "",
             "wouldnt you agree this is great", "Our CFO signs anything over $50k.",
             "Late trucks cost us $50k a month."]
    r = run("tag", stdin="\n".join(lines) + "\n")
    assert r.returncode == 0
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["text"] for o in out] == lines
    for o in out:
        assert set(o) == {"text", "is_question", "form", "kind", "mentions"}
        if not o["is_question"]:
            assert o["form"] is None and o["kind"] is None
    assert out[0] == {"text": lines[0], "is_question": True, "form": "open",
                      "kind": "probing", "mentions": []}
    assert out[3]["kind"] == "canned"
    # A sum is impact where it is lost or spent, not as a signing limit.
    assert {(m["type"], m["text"]) for m in out[4]["mentions"]} == {
        ("decision_maker", "CFO"), ("decision_maker", "signs")}
    assert ("impact", "$50k") in {(m["type"], m["text"]) for m in out[5]["mentions"]}
    m = out[4]["mentions"][0]
    assert lines[4][m["start"]:m["end"]] == m["text"]


def test_tag_role_prospect_and_streams_many_lines() -> None:
    lines = ["does that make sense?"] * 20000
    r = run("tag", "--role", "prospect", stdin="\n".join(lines) + "\n")
    out = r.stdout.splitlines()
    assert len(out) == 20000
    assert json.loads(out[-1])["kind"] == "other"


@pytest.mark.parametrize("args", [(), ("--out", "DIR")])
def test_schema_prints_or_writes_input_and_output_schemas(tmp_path: Path, args) -> None:
    args = tuple(str(tmp_path) if a == "DIR" else a for a in args)
    r = run("schema", *args)
    assert r.returncode == 0
    if args:
        names = {p.name for p in tmp_path.iterdir()}
        assert {"transcript.schema.json", "call-score.schema.json"} <= names
    else:
        doc = json.loads(r.stdout)
        assert doc["input"]["title"] == "Transcript" and doc["output"]["title"] == "CallScore"
