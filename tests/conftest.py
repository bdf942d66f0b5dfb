"""Shared fixtures: the NLP pipeline loads once per test session."""

from __future__ import annotations

import pytest

from worker.core import Scorer
from worker.settings import Settings


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
