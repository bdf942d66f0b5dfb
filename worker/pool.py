"""Analysis off the event loop: a process pool whose processes load the NLP once each."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from models import CallScore, DealCall, Transcript
from worker.errors import CallscoreError
from worker.settings import Settings

__all__ = ["AnalysisPool", "results_of", "score_payloads"]

_scorer = None


def _init(settings_json: str) -> None:
    global _scorer
    from worker.core import Scorer

    _scorer = Scorer(Settings.model_validate_json(settings_json))


def score_payloads(payloads: list[str]) -> list[tuple[str, str, str]]:
    """Score transcript JSON payloads.

    Returns, per payload, ("ok", CallScore JSON, DealCall JSON) or ("error", "Class: reason",
    ""). The deal summary is made here, so the event loop never parses a full score.
    """
    assert _scorer is not None, "pool process not initialised"
    return results_of(_scorer.score_each([Transcript.model_validate_json(p) for p in payloads]))


def results_of(results: list[CallScore | CallscoreError]) -> list[tuple[str, str, str]]:
    """Scores or errors as the stream service takes them (see :func:`score_payloads`)."""
    out: list[tuple[str, str, str]] = []
    for result in results:
        if isinstance(result, CallscoreError):
            out.append(("error", f"{result.__class__.__name__}: {result}", ""))
        else:
            out.append(("ok", result.model_dump_json(),
                        DealCall.from_call_score(result).model_dump_json()))
    return out


def _warm() -> bool:
    return _scorer is not None


class AnalysisPool:
    """``concurrency`` spawned processes; a batch is split across them."""

    def __init__(self, settings: Settings) -> None:
        self.size = settings.concurrency
        self.executor = ProcessPoolExecutor(
            max_workers=self.size, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init, initargs=(settings.model_dump_json(),),
        )

    async def warm_up(self) -> None:
        """Start every process and load its model before the first message."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self.executor, _warm)
                               for _ in range(self.size)))

    async def __call__(self, payloads: list[str]) -> list[tuple[str, str, str]]:
        loop = asyncio.get_running_loop()
        n = max(1, min(self.size, len(payloads)))
        chunks = [payloads[i::n] for i in range(n)]
        parts = await asyncio.gather(*(loop.run_in_executor(self.executor, score_payloads, c)
                                       for c in chunks))
        # undo the round-robin split
        out: list[tuple[str, str, str]] = [("", "", "")] * len(payloads)
        for i, part in enumerate(parts):
            out[i::n] = part
        return out

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=False)
