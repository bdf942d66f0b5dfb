"""Measure question detection and form on SwDA-style TSV data through ``callscore tag``.

    python -m benchmarks.eval_questions ../shared/eval/swda_dev.tsv [--split val] [--errors 30]

Protocol (../shared/eval/README.md): an utterance is a question when its act is one of
qy qw qy^d qw^d qo qrr ^g; qh and bh are left out; qw qo qw^d are open, the rest closed.
Two conditions: the text as given, and stripped (lower-case; only letters, digits,
apostrophes and spaces). Prints precision, recall and F1 of detection, the accuracy of
the form on the gold questions found, and a confusion list of errors. The "?"-only
baseline is printed beside it for orientation.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

QUESTION_ACTS = {"qy", "qw", "qy^d", "qw^d", "qo", "qrr", "^g"}
IGNORED_ACTS = {"qh", "bh"}
OPEN_ACTS = {"qw", "qo", "qw^d"}
_STRIP = re.compile(r"[^a-z0-9' ]")


def strip(text: str) -> str:
    """The 'stripped' condition: lower-case, only letters, digits, apostrophes, spaces."""
    return _STRIP.sub("", text.lower())


def tag(lines: list[str], role: str = "rep") -> list[dict]:
    """Run ``callscore tag`` in a subprocess over ``lines``; one result per line."""
    clean = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    proc = subprocess.run(
        [sys.executable, "-m", "worker", "tag", "--role", role],
        input="\n".join(clean) + "\n", capture_output=True, text=True, check=True,
    )
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    if len(out) != len(lines):
        raise SystemExit(f"callscore tag returned {len(out)} lines for {len(lines)} inputs")
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(rows: list[dict], results: list[dict], texts: list[str]) -> dict:
    tp = fp = fn = 0
    form_ok = form_n = 0
    errors: dict[str, list] = {"false_positive": [], "false_negative": [], "wrong_form": []}
    for row, res, text in zip(rows, results, texts, strict=True):
        gold = row["act"] in QUESTION_ACTS
        pred = res["is_question"]
        if gold and pred:
            tp += 1
            form_n += 1
            gold_form = "open" if row["act"] in OPEN_ACTS else "closed"
            if res["form"] == gold_form:
                form_ok += 1
            else:
                errors["wrong_form"].append((row["act"], res["form"], text))
        elif pred:
            fp += 1
            errors["false_positive"].append((row["act"], text))
        elif gold:
            fn += 1
            errors["false_negative"].append((row["act"], text))
    p, r, f = prf(tp, fp, fn)
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn,
            "form_accuracy": form_ok / form_n if form_n else 0.0, "form_n": form_n,
            "errors": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tsv", type=Path, 
                    help="SwDA-style TSV (split, conversation, speaker, act, text)")
    ap.add_argument("--split", default="val", help="which split to measure (default: val; 'all')")
    ap.add_argument("--errors", type=int, default=15, help="errors listed per kind and condition")
    ap.add_argument("--json", action="store_true", help="print figures as JSON only")
    args = ap.parse_args(argv)
    with args.tsv.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t")
                if (args.split == "all" or r["split"] == args.split)
                and r["act"] not in IGNORED_ACTS]
    if not rows:
        raise SystemExit(f"{args.tsv}: no rows for split {args.split!r}")
    figures = {}
    for condition in ("given", "stripped"):
        texts = [r["text"] if condition == "given" else strip(r["text"]) for r in rows]
        res = evaluate(rows, tag(texts), texts)
        base = evaluate(rows, [{"is_question": "?" in t, "form": None} for t in texts], texts)
        figures[condition] = res
        if args.json:
            continue
        print(f"== {condition}: {len(rows)} utterances, "
              f"{res['tp'] + res['fn']} gold questions (split {args.split})")
        print(f"   detection  P={res['precision']:.3f} R={res['recall']:.3f} F1={res['f1']:.3f}"
              f"   (tp={res['tp']} fp={res['fp']} fn={res['fn']})")
        print(f"   '?' alone  P={base['precision']:.3f} R={base['recall']:.3f} F1={base['f1']:.3f}")
        print(f"   form accuracy on found gold questions: {res['form_accuracy']:.3f} "
              f"(n={res['form_n']})")
        for kind, items in res["errors"].items():
            acts = Counter(item[0] for item in items)
            print(f"   -- {kind}: {len(items)} (by act: {dict(acts.most_common(6))})")
            for item in items[: args.errors]:
                print(f"      {item}")
    if args.json:
        print(json.dumps({c: {k: v for k, v in r.items() if k != "errors"}
                          for c, r in figures.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
