"""The PostgreSQL sink: scores into tables a CRM or a warehouse can read.

``callscore db upgrade`` (or the worker at start) creates or migrates the tables:

- ``call_scores``: one row per call (latest result wins, by ``scored_at``), the full
  record as ``jsonb`` next to the columns people filter on;
- ``deal_scores``: one row per deal (latest ``version`` wins);
- ``flags``: the open flags of each call and deal (``scope`` = call | deal);
- ``questions``: the questions found in each call;
- ``crm_deal_view``: one row per deal with what a CRM opportunity wants.

Writes are idempotent: writing the same record again, or an older one, changes nothing.
The worker writes from the output topics (see worker/agents.py), so a database that is
down delays the writes (they are retried; the topic offsets are not committed) without
losing them or holding up scoring.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from models import CallScore, DealScore
from worker.errors import ServiceError

__all__ = ["MIGRATIONS", "Database", "upgrade"]

log = logging.getLogger("callscore.db")

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "scores, flags, questions and the CRM deal view", """
CREATE TABLE IF NOT EXISTS call_scores (
    call_id          text PRIMARY KEY,
    deal_id          text NOT NULL,
    rep              text[] NOT NULL,
    started_at       timestamptz,
    scored_at        timestamptz,
    score            double precision NOT NULL,
    rep_questions    integer NOT NULL,
    probing_questions integer NOT NULL,
    canned_questions integer NOT NULL,
    decision_maker_discussed boolean NOT NULL,
    impact_quantified boolean NOT NULL,
    schema_version   text NOT NULL,
    analyser_version text NOT NULL,
    record           jsonb NOT NULL,
    written_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS call_scores_deal ON call_scores (deal_id);
CREATE INDEX IF NOT EXISTS call_scores_started ON call_scores (started_at);

CREATE TABLE IF NOT EXISTS deal_scores (
    deal_id          text PRIMARY KEY,
    version          integer NOT NULL,
    score            double precision NOT NULL,
    call_count       integer NOT NULL,
    decision_maker_identified boolean NOT NULL,
    impact_quantified boolean NOT NULL,
    last_call_at     timestamptz,
    latest_call_id   text,
    latest_call_score double precision,
    review_url       text,
    updated_at       timestamptz,
    schema_version   text NOT NULL,
    record           jsonb NOT NULL,
    written_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS flags (
    scope    text NOT NULL CHECK (scope IN ('call', 'deal')),
    id       text NOT NULL,
    code     text NOT NULL,
    message  text NOT NULL,
    evidence jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (scope, id, code)
);

CREATE TABLE IF NOT EXISTS questions (
    call_id    text NOT NULL REFERENCES call_scores (call_id) ON DELETE CASCADE,
    n          integer NOT NULL,
    utterance  integer NOT NULL,
    speaker    text NOT NULL,
    role       text NOT NULL,
    text       text NOT NULL,
    form       text NOT NULL,
    kind       text NOT NULL,
    cue        text NOT NULL,
    kind_reason text NOT NULL,
    follow_up  boolean NOT NULL,
    follows_utterance integer,
    time_s     double precision,
    PRIMARY KEY (call_id, n)
);

CREATE OR REPLACE VIEW crm_deal_view AS
SELECT d.deal_id,
       d.score AS latest_deal_score,
       d.latest_call_id,
       d.latest_call_score,
       d.call_count,
       d.decision_maker_identified,
       d.impact_quantified,
       COALESCE((SELECT array_agg(f.code ORDER BY f.code) FROM flags f
                 WHERE f.scope = 'deal' AND f.id = d.deal_id), '{}') AS open_flags,
       d.last_call_at,
       d.review_url,
       d.version,
       d.updated_at
FROM deal_scores d;
"""),
]

_UPSERT_CALL = """
INSERT INTO call_scores (call_id, deal_id, rep, started_at, scored_at, score, rep_questions,
    probing_questions, canned_questions, decision_maker_discussed, impact_quantified,
    schema_version, analyser_version, record)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
ON CONFLICT (call_id) DO UPDATE SET
    deal_id = EXCLUDED.deal_id, rep = EXCLUDED.rep, started_at = EXCLUDED.started_at,
    scored_at = EXCLUDED.scored_at, score = EXCLUDED.score,
    rep_questions = EXCLUDED.rep_questions, probing_questions = EXCLUDED.probing_questions,
    canned_questions = EXCLUDED.canned_questions,
    decision_maker_discussed = EXCLUDED.decision_maker_discussed,
    impact_quantified = EXCLUDED.impact_quantified, schema_version = EXCLUDED.schema_version,
    analyser_version = EXCLUDED.analyser_version, record = EXCLUDED.record, written_at = now()
WHERE call_scores.scored_at IS NULL OR EXCLUDED.scored_at IS NULL
   OR EXCLUDED.scored_at >= call_scores.scored_at
RETURNING call_id
"""

_UPSERT_DEAL = """
INSERT INTO deal_scores (deal_id, version, score, call_count, decision_maker_identified,
    impact_quantified, last_call_at, latest_call_id, latest_call_score, review_url, updated_at,
    schema_version, record)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
ON CONFLICT (deal_id) DO UPDATE SET
    version = EXCLUDED.version, score = EXCLUDED.score, call_count = EXCLUDED.call_count,
    decision_maker_identified = EXCLUDED.decision_maker_identified,
    impact_quantified = EXCLUDED.impact_quantified, last_call_at = EXCLUDED.last_call_at,
    latest_call_id = EXCLUDED.latest_call_id, latest_call_score = EXCLUDED.latest_call_score,
    review_url = EXCLUDED.review_url, updated_at = EXCLUDED.updated_at,
    schema_version = EXCLUDED.schema_version, record = EXCLUDED.record, written_at = now()
WHERE EXCLUDED.version >= deal_scores.version
RETURNING deal_id
"""


async def upgrade(conn: Any) -> list[int]:
    """Apply the migrations not applied yet (under an advisory lock); returns those applied."""
    applied: list[int] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(7419203)")
        await conn.execute("CREATE TABLE IF NOT EXISTS callscore_migrations ("
                           "version integer PRIMARY KEY, description text NOT NULL, "
                           "applied_at timestamptz NOT NULL DEFAULT now())")
        done = {r["version"] for r in await conn.fetch("SELECT version FROM "
                                                        "callscore_migrations")}
        for version, description, sql in MIGRATIONS:
            if version in done:
                continue
            await conn.execute(sql)
            await conn.execute("INSERT INTO callscore_migrations (version, description) "
                               "VALUES ($1, $2)", version, description)
            applied.append(version)
    return applied


def _call_row(s: CallScore) -> tuple[Any, ...]:
    from models import DealCall

    summary = DealCall.from_call_score(s)
    return (s.call_id, s.deal_id, s.rep, s.started_at, s.scored_at, s.score,
            summary.rep_questions, summary.probing_questions, summary.canned_questions,
            summary.decision_maker_discussed, summary.impact_quantified, s.schema_version,
            s.analyser_version, s.model_dump_json())


def _deal_row(d: DealScore, public_url: str) -> tuple[Any, ...]:
    from urllib.parse import quote

    latest = d.calls[-1] if d.calls else None
    starts = [c.started_at for c in d.calls if c.started_at]
    return (d.deal_id, d.version, d.score, d.call_count,
            any(c.decision_maker_discussed or c.decision_maker_asked for c in d.calls),
            any(c.impact_quantified for c in d.calls), max(starts) if starts else None,
            latest.call_id if latest else None, latest.score if latest else None,
            f"{public_url.rstrip('/')}/deals/{quote(d.deal_id, safe='')}", d.updated_at,
            d.schema_version, d.model_dump_json())


def _flag_rows(scope: str, key: str, flags: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [(scope, key, f.code, f.message,
             json.dumps([e.model_dump(mode="json") for e in f.evidence])) for f in flags]


class Database:
    """An asyncpg pool and the idempotent writes of the sink."""

    def __init__(self, url: str, *, public_url: str = "http://localhost:6066") -> None:
        self.url = url
        self.public_url = public_url
        self.pool: Any = None

    async def connect(self, *, upgrade_schema: bool = True) -> None:
        import asyncpg

        try:
            self.pool = await asyncpg.create_pool(self.url, min_size=1, max_size=2,
                                                  timeout=10, command_timeout=30)
        except (OSError, asyncpg.PostgresError) as exc:
            raise ServiceError(f"cannot connect to the database at CALLSCORE_DATABASE_URL "
                               f"({_redact(self.url)}): {exc}") from exc
        if upgrade_schema:
            async with self.pool.acquire() as conn:
                await upgrade(conn)

    async def close(self) -> None:
        if self.pool is not None:
            pool, self.pool = self.pool, None
            await pool.close()

    async def write(self, calls: Sequence[CallScore], deals: Sequence[DealScore]) -> None:
        """Upsert a batch in one transaction (all or nothing)."""
        if self.pool is None:
            await self.connect()
        async with self.pool.acquire() as conn, conn.transaction():
            for s in calls:
                if await conn.fetchval(_UPSERT_CALL, *_call_row(s)) is None:
                    continue  # an older result than the stored one: keep the stored one
                await conn.execute("DELETE FROM flags WHERE scope = 'call' AND id = $1",
                                   s.call_id)
                await conn.executemany("INSERT INTO flags VALUES ($1, $2, $3, $4, $5::jsonb)",
                                       _flag_rows("call", s.call_id, s.flags))
                await conn.execute("DELETE FROM questions WHERE call_id = $1", s.call_id)
                await conn.executemany(
                    "INSERT INTO questions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                    "$11, $12, $13)",
                    [(s.call_id, n, q.utterance, q.speaker, q.role, q.text, q.form, q.kind,
                      q.cue, q.kind_reason, q.follow_up, q.follows_utterance, q.time)
                     for n, q in enumerate(s.questions)])
            for d in deals:
                if await conn.fetchval(_UPSERT_DEAL, *_deal_row(d, self.public_url)) is None:
                    continue
                await conn.execute("DELETE FROM flags WHERE scope = 'deal' AND id = $1",
                                   d.deal_id)
                await conn.executemany("INSERT INTO flags VALUES ($1, $2, $3, $4, $5::jsonb)",
                                       _flag_rows("deal", d.deal_id, d.flags))


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
