"""Measure kind and mention finding on labelled sales-call lines through ``callscore tag``.

    python -m benchmarks.eval_sales [FILE.tsv ...] [--errors 20]

The file (written for this project; see its header) has columns
role, is_question, form, kind, decision_maker, impact, text. Kind is labelled as a
sales manager would judge it: probing (information-seeking), canned (leading,
scripted, pitch-driven), other (logistics and rapport). Mentions are judged per line:
does the line talk about a decision-maker, about business impact.

Prints: question detection P/R/F1 (and on the punctuated lines beside "?" alone, which
the detector must never do worse than); form accuracy and kind macro-F1 (with
per-class figures and a confusion matrix) on the gold questions found;
decision-maker and impact mention F1 per line; and the errors.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from benchmarks.eval_questions import prf, tag

KINDS = ("probing", "canned", "other")
DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
COLUMNS = {"role", "is_question", "form", "kind", "decision_maker", "impact", "text"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tsv", type=Path, nargs="*",
                    help="labelled files (default: every tests/data/sales_*.tsv)")
    ap.add_argument("--errors", type=int, default=20, help="errors listed per file")
    ap.add_argument("--kind-role", choices=("all", "rep"), default="all",
                    help="whose questions the kind figures cover (default: all; the score "
                         "uses the rep's)")
    args = ap.parse_args(argv)
    files = args.tsv or sorted(DATA.glob("sales_*.tsv"))
    for path in files:
        report(path.name, read_rows(path), args.errors, kind_role=args.kind_role)
        print()
    return 0


def read_rows(path: Path) -> list[dict]:
    """The rows of one labelled sales file.

    Raises:
        SystemExit: the file is missing or lacks a column.
    """
    if not path.is_file():
        raise SystemExit(f"{path}: no such file")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    missing = COLUMNS - set(rows[0] if rows else ())
    if missing:
        raise SystemExit(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    return rows


def report(name: str, rows: list[dict], n_errors: int, *, kind_role: str = "all") -> None:
    """Tag ``rows`` and print their figures and first ``n_errors`` errors."""
    results = tag_rows(rows)
    tp = fp = fn = 0
    form_ok = form_n = 0
    confusion: Counter[tuple[str, str]] = Counter()
    errors: list[str] = []
    mention: dict[str, list[tuple[bool, bool]]] = {t: [] for t in ("decision_maker", "impact")}
    for r, res in zip(rows, results, strict=True):
        gold_q = r["is_question"] == "1"
        if gold_q and res["is_question"]:
            tp += 1
            form_n += 1
            form_ok += res["form"] == r["form"]
            if kind_role in ("all", r["role"]):
                confusion[(r["kind"], res["kind"])] += 1
                if res["kind"] != r["kind"]:
                    errors.append(f"kind {r['kind']}->{res['kind']}: {r['text']}")
        elif res["is_question"]:
            fp += 1
            errors.append(f"not a question, found one: {r['text']}")
        elif gold_q:
            fn += 1
            errors.append(f"missed question: {r['text']}")
        for t, pairs in mention.items():
            gold, pred = mention_pair(r, res, t)
            pairs.append((gold, pred))
            if gold != pred:
                errors.append(f"{t} {'missed' if gold else 'false'}: {r['text']} "
                              f"{[m['text'] for m in res['mentions'] if m['type'] == t]}")
    p, rc, f = prf(tp, fp, fn)
    print(f"== {name}: {len(rows)} lines")
    print(f"question detection  P={p:.3f} R={rc:.3f} F1={f:.3f}  (tp={tp} fp={fp} fn={fn})")
    # The rule: on punctuated text the detector never does worse than "?" alone.
    punctuated = [(r["is_question"] == "1", res["is_question"], "?" in r["text"])
                  for r, res in zip(rows, results, strict=True)
                  if any(c in r["text"] for c in ".,?!")]
    if punctuated:
        ours = prf(*confusion_counts((g, found) for g, found, _ in punctuated))
        mark = prf(*confusion_counts((g, has_mark) for g, _, has_mark in punctuated))
        print(f"  punctuated lines  F1={ours[2]:.3f} (P={ours[0]:.3f} R={ours[1]:.3f}); "
              f"'?' alone F1={mark[2]:.3f} (P={mark[0]:.3f} R={mark[1]:.3f}; "
              f"n={len(punctuated)})")
    print(f"form accuracy       {form_ok / max(form_n, 1):.3f}  (n={form_n})")
    f1s = []
    for k in KINDS:
        ktp = confusion[(k, k)]
        kfp = sum(v for (g, pr), v in confusion.items() if pr == k and g != k)
        kfn = sum(v for (g, pr), v in confusion.items() if g == k and pr != k)
        kp, kr, kf = prf(ktp, kfp, kfn)
        f1s.append(kf)
        print(f"  kind {k:<8} P={kp:.3f} R={kr:.3f} F1={kf:.3f}")
    print(f"kind macro-F1       {sum(f1s) / len(f1s):.3f}")
    print("confusion (gold rows, predicted columns): " + "  ".join(
        f"{g}->{pr}:{v}" for (g, pr), v in sorted(confusion.items())))
    for t, pairs in mention.items():
        mp, mr, mf = prf(*confusion_counts(pairs))
        print(f"{t:<15} mention P={mp:.3f} R={mr:.3f} F1={mf:.3f}")
    for e in errors[:n_errors]:
        print("  " + e)


def tag_rows(rows: list[dict], tagger: Callable[..., Iterable[dict]] = tag) -> list[dict]:
    """One ``tagger`` result per row, each line tagged with its own row's role.

    ``tagger(texts, role=...)`` is ``callscore tag`` by default; a benchmark measuring a
    variant of the system passes its own (``Scorer().tag`` in process, say).

    Raises:
        SystemExit: a row's role is neither "rep" nor "prospect".
    """
    bad = next((r["role"] for r in rows if r["role"] not in ("rep", "prospect")), None)
    if bad is not None:
        raise SystemExit(f"role {bad!r}: a labelled line's role is rep or prospect")
    results: list[dict] = [{}] * len(rows)
    for role in ("rep", "prospect"):
        idx = [i for i, r in enumerate(rows) if r["role"] == role]
        for i, res in zip(idx, tagger([rows[i]["text"] for i in idx], role=role),
                          strict=True):
            results[i] = res
    return results


def mention_pair(row: dict, result: dict, label: str) -> tuple[bool, bool]:
    """(gold, predicted) for one line and one mention label: any mention of it counts."""
    return row[label] == "1", any(m["type"] == label for m in result["mentions"])


def confusion_counts(pairs: Iterable[tuple[bool, bool]]) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of (gold, predicted) pairs."""
    tp = fp = fn = 0
    for gold, pred in pairs:
        tp += gold and pred
        fp += pred and not gold
        fn += gold and not pred
    return tp, fp, fn


if __name__ == "__main__":
    sys.exit(main())
