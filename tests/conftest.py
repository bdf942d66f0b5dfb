"""Shared fixtures: the NLP pipeline loads once per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from worker.core import Scorer
from worker.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def _restore_environment() -> Iterator[None]:
    """CLI commands run in-process set CALLSCORE_* variables; keep them out of later tests
    (and out of the worker processes those start)."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def scorer(settings: Settings) -> Scorer:
    return Scorer(settings)


@pytest.fixture(scope="session")
def pipeline(scorer: Scorer):
    return scorer.pipeline


@pytest.fixture(scope="session")
def tag(scorer: Scorer):
    """Tag one utterance as the `callscore tag` contract does."""

    def run(text: str, role: str = "rep") -> dict:
        return next(iter(scorer.tag([text], role=role)))

    return run
