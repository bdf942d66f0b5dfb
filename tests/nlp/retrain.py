"""Checks that a bundled model is what its training command makes of the tuning sets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from worker.nlp.mention_model import read_labelled
from worker.nlp.textcat import TextModel

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
TUNING = [DATA / "sales_utterances.tsv", *sorted(DATA.glob("sales_blind_*.tsv"))]


def assert_bundled_is_retrained(command: str, model: type[TextModel], tmp_path: Path) -> None:
    """Retrain with ``callscore COMMAND`` and compare with the bundled weights.

    On the machine that trained it the bytes are equal; elsewhere (another CPU, BLAS or
    numpy) float sums may differ in their last bits, so the test compares what the two
    models say about every labelled line: a model trained on other lines differs by far
    more than 1e-4.
    """
    out = tmp_path / "model.bin.gz"
    proc = subprocess.run([sys.executable, "-m", "worker", command, *map(str, TUNING),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "from" in proc.stderr and str(out) in proc.stderr
    bundled = ROOT / "lexicons" / model.resource
    stale = (f"lexicons/{model.resource} is stale: retrain it "
             f"(callscore {command} --help)")
    if out.read_bytes() == bundled.read_bytes():
        return
    texts = [text for text, _ in read_labelled(DATA.glob("sales_*.tsv"))]
    fresh = model(out.read_bytes()).scores(texts)
    shipped = model(bundled.read_bytes()).scores(texts)
    worst = max(abs(a[k] - b[k]) for a, b in zip(fresh, shipped, strict=True) for k in a)
    assert worst < 1e-4, f"{stale}: scores differ by up to {worst:.3g}"
