"""The PostgreSQL sink against real PostgreSQL: idempotent upserts, the CRM view, outages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from models import CallScore, DealCall
from tests.factories import GOOD_CALL, PITCH_CALL, transcript
from tests.integration.pg import FreshDatabase, PrivateServer
from worker.cli import main
from worker.db import Database
from worker.deals import score_deal
from worker.tansu import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def database() -> Iterator[FreshDatabase]:
    db = FreshDatabase()
    yield db
    db.drop()


def query(url: str, sql: str, *args):
    import asyncpg

    async def run():
        conn = await asyncpg.connect(url, timeout=10)
        try:
            return [dict(r) for r in await conn.fetch(sql, *args)]
        finally:
            await conn.close()

    return asyncio.run(run())


def write(url: str, calls=(), deals=()) -> None:
    async def run() -> None:
        db = Database(url, public_url="https://callscore.example.com")
        await db.connect()
        try:
            await db.write(list(calls), list(deals))
        finally:
            await db.close()

    asyncio.run(run())


def test_db_upgrade_creates_the_tables_once(database) -> None:
    assert main(["db", "upgrade", "--url", database.url]) == 0
    assert main(["db", "upgrade", "--url", database.url]) == 0
    tables = {r["table_name"] for r in query(
        database.url, "SELECT table_name FROM information_schema.tables "
                      "WHERE table_schema = 'public'")}
    assert {"call_scores", "deal_scores", "flags", "questions", "crm_deal_view",
            "callscore_migrations"} <= tables
    assert query(database.url, "SELECT version FROM callscore_migrations") == [{"version": 1}]


def test_db_upgrade_names_the_problem_when_the_database_is_away(capsys) -> None:
    assert main(["db", "upgrade", "--url", f"postgresql://postgres@127.0.0.1:{free_port()}/x"]) \
        == 1
    assert "cannot connect to the database" in capsys.readouterr().err


def test_scoring_the_same_call_twice_leaves_one_row(database, scorer) -> None:
    t = transcript(PITCH_CALL, call_id="c1", deal_id="d1")
    first = scorer.score(t, scored_at=datetime(2026, 11, 1, tzinfo=UTC))
    again = scorer.score(t, scored_at=datetime(2026, 11, 2, tzinfo=UTC))
    write(database.url, [first])
    write(database.url, [again])
    write(database.url, [again])
    rows = query(database.url, "SELECT call_id, scored_at FROM call_scores")
    assert rows == [{"call_id": "c1", "scored_at": again.scored_at}]
    n_flags = len(again.flags)
    assert n_flags and len(query(database.url, "SELECT * FROM flags WHERE scope='call'")) \
        == n_flags
    assert len(query(database.url, "SELECT * FROM questions")) == len(again.questions)
    # an older result arriving late does not replace the newer one
    write(database.url, [first.model_copy(update={"score": 1.0})])
    assert query(database.url, "SELECT score FROM call_scores")[0]["score"] == again.score


def test_the_crm_view_follows_the_deals_calls(database, scorer) -> None:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    calls = [scorer.score(transcript(PITCH_CALL, call_id=f"p{i}", deal_id="acme",
                                     started_at=start + timedelta(days=7 * i)))
             for i in range(2)]
    summaries = [DealCall.from_call_score(c) for c in calls]
    v1 = score_deal("acme", summaries[:1], version=1)
    v2 = score_deal("acme", summaries, version=2)
    write(database.url, calls[:1], [v1])
    row = query(database.url, "SELECT * FROM crm_deal_view")[0]
    assert row["call_count"] == 1 and row["open_flags"] == [] and row["version"] == 1
    write(database.url, calls[1:], [v2])
    write(database.url, [], [v1])  # a redelivered older version changes nothing
    row = query(database.url, "SELECT * FROM crm_deal_view")[0]
    assert row["version"] == 2 and row["call_count"] == 2
    assert row["latest_deal_score"] == v2.score
    assert row["latest_call_id"] == "p1" and row["last_call_at"] == calls[1].started_at
    assert row["decision_maker_identified"] is False and row["impact_quantified"] is False
    assert set(row["open_flags"]) == {f.code for f in v2.flags} and "pitch_pattern" in \
        row["open_flags"]
    assert row["review_url"] == "https://callscore.example.com/deals/acme"

    good = scorer.score(transcript(GOOD_CALL, call_id="g2", deal_id="acme",
                                   started_at=start + timedelta(days=30)))
    v3 = score_deal("acme", [*summaries, DealCall.from_call_score(good)], version=3)
    write(database.url, [good], [v3])
    row = query(database.url, "SELECT * FROM crm_deal_view")[0]
    assert row["decision_maker_identified"] is True and row["impact_quantified"] is True
    assert "no_decision_maker_after_calls" not in row["open_flags"]
    assert row["latest_call_id"] == "g2"


@pytest.fixture
def private_pg() -> Iterator[PrivateServer]:
    server = PrivateServer(free_port())
    server.start()
    yield server
    server.remove()


def test_worker_writes_every_score_across_a_database_stop_and_restart(stack, private_pg
                                                                      ) -> None:
    url = private_pg.url
    stack.extra_env["CALLSCORE_DATABASE_URL"] = url
    stack.extra_env["CALLSCORE_SINK_MAX_BACKOFF"] = "1"
    first = [(f"deal-{i % 2}".encode(), transcript(
        GOOD_CALL if i % 2 else PITCH_CALL, call_id=f"a{i}", deal_id=f"deal-{i % 2}")
        .model_dump_json().encode()) for i in range(4)]
    stack.publish(first)
    stack.start_worker()
    wait_for(lambda: count(url, "call_scores") == 4, "the first 4 calls in the database")

    private_pg.stop()
    later = [(f"deal-{i % 2}".encode(), transcript(
        GOOD_CALL if i % 2 else PITCH_CALL, call_id=f"b{i}", deal_id=f"deal-{i % 2}")
        .model_dump_json().encode()) for i in range(6)]
    stack.publish(later)
    # Scoring goes on while the database is down.
    out = stack.collect(lambda o: len({CallScore.model_validate_json(v).call_id
                                       for _, v, _ in o["call"]}) >= 10)
    assert len(out["call"]) >= 10
    time.sleep(2)  # a few failed write attempts
    private_pg.start()
    wait_for(lambda: count(url, "call_scores") == 10, "all 10 calls after the restart")
    ids = {r["call_id"] for r in query(url, "SELECT call_id FROM call_scores")}
    assert ids == {f"a{i}" for i in range(4)} | {f"b{i}" for i in range(6)}
    wait_for(lambda: {r["call_count"] for r in query(url, "SELECT * FROM crm_deal_view")}
             == {5}, "both deals at 5 calls")


def test_a_worker_stopped_while_the_database_is_down_loses_nothing(stack, private_pg
                                                                   ) -> None:
    url = private_pg.url
    stack.extra_env["CALLSCORE_DATABASE_URL"] = url
    stack.extra_env["CALLSCORE_SINK_MAX_BACKOFF"] = "1"
    private_pg.stop()
    records = [(b"deal-x", transcript(GOOD_CALL, call_id=f"x{i}", deal_id="deal-x")
                .model_dump_json().encode()) for i in range(3)]
    stack.publish(records)
    w = stack.start_worker()
    stack.collect(lambda o: len({CallScore.model_validate_json(v).call_id
                                 for _, v, _ in o["call"]}) >= 3)
    time.sleep(2)
    started = time.monotonic()
    assert w.stop() == 0  # graceful: not held up by the sink's retries
    assert time.monotonic() - started < 25
    private_pg.start()
    stack.start_worker()
    wait_for(lambda: count(url, "call_scores") == 3, "the 3 calls after the restart")
    wait_for(lambda: [r["call_count"] for r in query(url, "SELECT * FROM crm_deal_view")]
             == [3], "the deal at 3 calls")


def count(url: str, table: str) -> int:
    try:
        return query(url, f"SELECT count(*) AS n FROM {table}")[0]["n"]
    except Exception:  # not created yet, or the server is down
        return -1


def wait_for(cond, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")
