"""Throughput of callscore's analysis vs the full en_core_web_sm pipeline, same text, same run.

    python -m benchmarks.throughput [--copies 12]

Builds a corpus from the bundled samples (each sample repeated ``--copies`` times with
fresh call ids), scores it with the analysis core that ``callscore score`` uses, and
runs the full statistical pipeline (tok2vec, tagger, parser, NER, lemmatizer) over the
same utterance texts. Prints words per second of both, the ratio, and the peak memory
(RSS) of this process. The machine is noisy: both sides run in one process, back to
back, twice, and the better run of each counts.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from worker.core import Scorer
from worker.demo import sample_paths
from worker.ingest import load_transcript


def corpus(copies: int):  # type: ignore[no-untyped-def]
    base = [load_transcript(p) for p in sample_paths()]
    return [t.model_copy(update={"call_id": f"{t.call_id}-{i}"}) for i in range(copies)
            for t in base]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=12, help="repeats of the sample set")
    ap.add_argument("--batch", type=int, default=16, help="transcripts per scoring batch")
    args = ap.parse_args(argv)

    transcripts = corpus(args.copies)
    texts = [u.text for t in transcripts for u in t.utterances]
    words = sum(len(t.split()) for t in texts)
    scorer = Scorer()
    import spacy

    full = spacy.load(scorer.settings.model)  # every component of the model
    scorer.score_many(transcripts[:2])  # warm up both
    list(full.pipe(texts[:50]))

    best_ours = best_full = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        for i in range(0, len(transcripts), args.batch):
            scorer.score_many(transcripts[i : i + args.batch])
        best_ours = min(best_ours, time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _doc in full.pipe(texts, batch_size=64):
            pass
        best_full = min(best_full, time.perf_counter() - t0)

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ours, theirs = words / best_ours, words / best_full
    print(f"corpus: {len(transcripts)} transcripts, {len(texts)} utterances, {words} words")
    print(f"callscore analysis+scoring : {ours:10.0f} words/s  ({best_ours:.2f} s)")
    print(f"full {scorer.pipeline.model_name} pipeline : {theirs:10.0f} words/s  "
          f"({best_full:.2f} s; components {', '.join(full.pipe_names)})")
    print(f"ratio                      : {ours / theirs:10.1f}x   (target >= 5x)")
    print(f"peak RSS of this process   : {rss_mb:10.0f} MB (holds both pipelines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
