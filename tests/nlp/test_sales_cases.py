"""Our labelled sales-call lines (tests/data/sales_*.tsv) hold their figures.

The lines were written for the project (tests/data/README.md says by whom and how);
the figures guard against regressions. The held-out sets that judge the NLP are not
in the repository.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

FILES = sorted((Path(__file__).resolve().parents[1] / "data").glob("sales_*.tsv"))


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module", params=FILES, ids=[f.stem for f in FILES])
def labelled(request, scorer) -> tuple[list[dict], list[dict]]:
    rows = _rows(request.param)
    tagged: list[dict] = [{}] * len(rows)
    for role in ("rep", "prospect"):
        idx = [i for i, r in enumerate(rows) if r["role"] == role]
        for i, t in zip(idx, scorer.tag([rows[i]["text"] for i in idx], role=role),
                        strict=True):
            tagged[i] = t
    return rows, tagged


def f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_there_are_several_labelled_sets() -> None:
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_sales_lines_cover_every_kind_and_unpunctuated_variants(path: Path) -> None:
    rows = _rows(path)
    kinds = {r["kind"] for r in rows if r["is_question"] == "1"}
    assert kinds == {"probing", "canned", "other"}
    assert sum(r["text"] == r["text"].lower() and "?" not in r["text"] for r in rows) >= 20


def test_question_detection_on_sales_lines(labelled, request) -> None:
    rows, tagged = labelled
    pairs = [(r["is_question"] == "1", t["is_question"]) for r, t in zip(rows, tagged, strict=True)]
    assert f1(pairs) >= FLOORS.get((request.node.callspec.id, "detection"), 0.9)


# The writers of sets l-o were told that probing asks about the prospect's situation, so
# they labelled every prospect question "other"; their kinds are judged on the rep's
# questions (the ones a score uses).
REP_KINDS_ONLY = {"sales_blind_l", "sales_blind_m", "sales_blind_n", "sales_blind_o"}


def test_kind_macro_f1_on_sales_questions(labelled, request) -> None:
    rows, tagged = labelled
    name = request.node.callspec.id
    found = [(r["kind"], t["kind"]) for r, t in zip(rows, tagged, strict=True)
             if r["is_question"] == "1" and t["is_question"]
             and (name not in REP_KINDS_ONLY or r["role"] == "rep")]
    scores = [f1([(g == k, p == k) for g, p in found]) for k in ("probing", "canned", "other")]
    assert sum(scores) / 3 >= FLOORS.get((name, "kind"), 0.85), scores


# The held-out sets were last measured with the lexicons of the commit that set these
# floors and never tuned on; they stay at what they measured (tests/data/README.md),
# where that is below the 0.85 target.
FLOORS = {("sales_blind_w", "impact"): 0.83, ("sales_blind_zk", "decision_maker"): 0.77,
          # The ninth round, as first measured, before any tuning on it.
          ("sales_blind_zn", "kind"): 0.83, ("sales_blind_zn", "decision_maker"): 0.83,
          ("sales_blind_zn", "impact"): 0.82, ("sales_blind_zo", "decision_maker"): 0.83,
          ("sales_blind_zo", "impact"): 0.80, ("sales_blind_zp", "kind"): 0.84,
          ("sales_blind_zp", "impact"): 0.82, ("sales_blind_zq", "impact"): 0.78,
          # The tenth round, as first measured, before any tuning on it.
          ("sales_blind_zr", "decision_maker"): 0.78, ("sales_blind_zr", "impact"): 0.82,
          ("sales_blind_zt", "decision_maker"): 0.80, ("sales_blind_zt", "impact"): 0.82,
          ("sales_blind_zu", "decision_maker"): 0.81,
          # The eleventh round, as first measured, before any tuning on it.
          ("sales_blind_zv", "decision_maker"): 0.81, ("sales_blind_zv", "impact"): 0.75,
          ("sales_blind_zw", "impact"): 0.84, ("sales_blind_zx", "impact"): 0.75,
          ("sales_heldout_zy", "decision_maker"): 0.82,
          # The twelfth round, as first measured, before any tuning on it.
          ("sales_blind_zz", "impact"): 0.73, ("sales_blind_zza", "impact"): 0.80,
          ("sales_blind_zzb", "impact"): 0.80, ("sales_heldout_zzc", "decision_maker"): 0.75,
          ("sales_heldout_zzc", "impact"): 0.78,
          # The thirteenth round, as first measured, before any tuning on it.
          ("sales_blind_zzd", "impact"): 0.82, ("sales_blind_zze", "decision_maker"): 0.82,
          ("sales_blind_zze", "impact"): 0.82, ("sales_blind_zzf", "decision_maker"): 0.83,
          ("sales_blind_zzf", "impact"): 0.81,
          # zzg measured 0.81 / 0.82 when first measured and 0.80 / 0.80 once the mention
          # model's veto came in (chosen by cross-validation on the tuning sets; it raised
          # the held-out means from 0.886 / 0.865 to 0.892 / 0.878).
          ("sales_heldout_zzg", "decision_maker"): 0.79, ("sales_heldout_zzg", "impact"): 0.80,
          # The fourteenth round's held-out set and the fifteenth round (all four held
          # out), with the models trained on the fourteenth round's other three sets.
          ("sales_heldout_zzl", "impact"): 0.83, ("sales_heldout_zzm", "impact"): 0.75,
          ("sales_heldout_zzn", "decision_maker"): 0.81, ("sales_heldout_zzn", "impact"): 0.81,
          ("sales_heldout_zzo", "impact"): 0.81,
          # Its writer's unpunctuated copies run questions on after small talk ("three
          # years is too long anyhow what's it cost roughly per truck"): splitting short
          # stretches there costs SwDA's precision more than it gains here.
          ("sales_blind_zzi", "detection"): 0.89,
          # The sixteenth round's held-out set, and two older held-out sets that fell a
          # little when the models were retrained with the sixteenth round and eight older
          # held-out sets (the nine still held out rose on average: DM 0.858 -> 0.868,
          # impact 0.817 -> 0.834; tests/data/README.md).
          ("sales_heldout_zzq", "decision_maker"): 0.84, ("sales_heldout_zy", "impact"): 0.84,
          ("sales_heldout_zzk", "impact"): 0.82,
          # The seventeenth round's held-out set, first measured 0.90 / 0.89 / 0.79.
          ("sales_heldout_zzw", "impact"): 0.78,
          # The nineteenth round's held-out set, first measured 0.88 / 0.81 / 0.78.
          ("sales_heldout_zzzd", "decision_maker"): 0.80, ("sales_heldout_zzzd", "impact"): 0.77,
          # Its writer put "?" only on declarative questions ("Six hours every week, on a
          # Sunday?") and none on wh- and yes/no questions, which end without any mark;
          # the rules trust a "?"-writing source's missing "?" (README, "How questions
          # are found"), so most of its questions go unfound.
          ("sales_blind_zzze", "detection"): 0.62,
          # The eighteenth round, kept aside unread and measured once, with the system
          # of commit "Mentions: what a third person would want ...".
          ("sales_heldout_zzx", "decision_maker"): 0.79,  # 0.80 before "Models: apostrophes"
          ("sales_heldout_zzx", "impact"): 0.80, ("sales_heldout_zzy", "decision_maker"): 0.80,
          ("sales_heldout_zzy", "impact"): 0.84, ("sales_heldout_zzza", "decision_maker"): 0.83,
          ("sales_heldout_zzza", "impact"): 0.81,
          # The twentieth round's held-out set, first measured 0.85 / 0.85 / 0.87 with
          # the same system, 0.84 / 0.85 / 0.86 after the retraining with the others
          # (kind 0.87 since the kind threshold is 0.5; zzx's kind went 0.80 -> 0.86); DM
          # 0.84 -> 0.83 with "Models: apostrophes".
          ("sales_heldout_zzzh", "decision_maker"): 0.83,
          # After that retraining: zzq's impact 0.87 -> 0.85, zzz's DM 0.88 -> 0.85 (the
          # sixteen held-out sets' DM mean rose 0.862 -> 0.868, impact held at 0.831).
          ("sales_heldout_zzq", "impact"): 0.84, ("sales_heldout_zzz", "decision_maker"): 0.84,
          # The twenty-first round, all four held out, first measured with the models
          # trained with the twentieth round.
          ("sales_heldout_zzzk", "impact"): 0.76, ("sales_heldout_zzzl", "impact"): 0.82,
          ("sales_heldout_zzzm", "decision_maker"): 0.80,
          # The models read "don't", "don’t" and "dont" as one word since commit
          # "Models: apostrophes ..." (the twenty-one held-out sets: impact mean 0.834 ->
          # 0.841, DM 0.869 -> 0.868); four sets fell a little (zzx and zzzh above, zzzk
          # impact 0.77 -> 0.765, zzzj impact 0.85 -> 0.84).
          ("sales_heldout_zzzj", "impact"): 0.84,
          # The twenty-second round, all four held out, first measured with the system
          # of commit "Questions: a request to repeat ..." (tests/data/README.md).
          ("sales_heldout_zzzn", "detection"): 0.89, ("sales_heldout_zzzn", "impact"): 0.81,
          ("sales_heldout_zzzp", "decision_maker"): 0.83, ("sales_heldout_zzzp", "impact"): 0.83,
          # The twenty-third round, all six held out, first measured with the system of
          # commit "eval_sales: detection on the punctuated lines ..." (zzzt-zzzw were
          # written to a brief heavy in mentions; training on them moved the other held-out
          # sets within seed noise, so they are not trained on; tests/data/README.md).
          ("sales_heldout_zzzr", "decision_maker"): 0.82, ("sales_heldout_zzzr", "impact"): 0.75,
          ("sales_heldout_zzzu", "decision_maker"): 0.84, ("sales_heldout_zzzu", "impact"): 0.79,
          # The twenty-fourth round (24 sets, all trained on) retrained both models: the
          # thirty held-out sets' means went DM 0.869 -> 0.875, impact 0.844 -> 0.843, kind
          # 0.914 -> 0.921, and four sets fell below their floors (zzk DM 0.889 -> 0.841;
          # impact zzn 0.872 -> 0.816, zzzl 0.841 -> 0.824, zzzn 0.842 -> 0.812).
          ("sales_heldout_zzk", "decision_maker"): 0.84,
          # Its writer's committee calls repeat long turns unpunctuated that open with the
          # listener's name or small talk ("priya walk me through ...").
          ("sales_blind_r24x", "detection"): 0.87,
          # The twenty-fifth round, held out, first measured with the models trained with
          # the twenty-fourth (tests/data/README.md).
          ("sales_heldout_r25d", "impact"): 0.80, ("sales_heldout_r25f", "decision_maker"): 0.82}


@pytest.mark.parametrize("mention", ["decision_maker", "impact"])
def test_mention_f1_on_sales_lines(labelled, mention: str, request) -> None:
    rows, tagged = labelled
    pairs = [(r[mention] == "1", any(m["type"] == mention for m in t["mentions"]))
             for r, t in zip(rows, tagged, strict=True)]
    name = request.node.callspec.id.split("-")[0]
    assert f1(pairs) >= FLOORS.get((name, mention), 0.85)
