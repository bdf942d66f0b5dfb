"""Our labelled sales-call lines (tests/data/sales_utterances.tsv) hold their figures.

The lines were written for the project; the figures guard against regressions (the
held-out sets that judge the NLP are not in the repository).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "sales_utterances.tsv"
ROWS = list(csv.DictReader(DATA.open(encoding="utf-8"), delimiter="\t"))


@pytest.fixture(scope="module")
def tagged(tag):
    return [tag(r["text"], role=r["role"]) for r in ROWS]


def f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_sales_lines_cover_every_kind_and_unpunctuated_variants() -> None:
    kinds = {r["kind"] for r in ROWS if r["is_question"] == "1"}
    assert kinds == {"probing", "canned", "other"}
    assert sum(r["text"] == r["text"].lower() and "?" not in r["text"] for r in ROWS) >= 20


def test_question_detection_on_sales_lines(tagged) -> None:
    pairs = [(r["is_question"] == "1", t["is_question"]) for r, t in zip(ROWS, tagged, strict=True)]
    assert f1(pairs) >= 0.9


def test_kind_macro_f1_on_sales_questions(tagged) -> None:
    found = [(r["kind"], t["kind"]) for r, t in zip(ROWS, tagged, strict=True)
             if r["is_question"] == "1" and t["is_question"]]
    scores = [f1([(g == k, p == k) for g, p in found]) for k in ("probing", "canned", "other")]
    assert sum(scores) / 3 >= 0.85, scores


@pytest.mark.parametrize("mention", ["decision_maker", "impact"])
def test_mention_f1_on_sales_lines(tagged, mention: str) -> None:
    pairs = [(r[mention] == "1", any(m["type"] == mention for m in t["mentions"]))
             for r, t in zip(ROWS, tagged, strict=True)]
    assert f1(pairs) >= 0.85
