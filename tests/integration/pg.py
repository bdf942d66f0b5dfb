"""PostgreSQL for tests: fresh databases on the local service, and a private server to stop.

The local service (127.0.0.1:5432, trust auth, as on the CI machine) holds a fresh
database per test. The stop-and-restart test needs a server it may stop: it runs its own
(``initdb`` + ``pg_ctl`` from the same installation) on a free port in a temp directory.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

LOCAL = os.environ.get("CALLSCORE_TEST_DATABASE_ADMIN_URL",
                       "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        try:
            conn = await asyncpg.connect(LOCAL, timeout=10)
        except OSError as exc:
            pytest.fail(f"PostgreSQL is not reachable at {LOCAL} ({exc}); start it with "
                        "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main "
                        "start` (.ci/run does this)")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


class FreshDatabase:
    """A new, empty database on the local service; dropped by ``drop``."""

    def __init__(self) -> None:
        self.name = f"callscore_test_{uuid.uuid4().hex[:10]}"
        _admin(f'CREATE DATABASE "{self.name}"')
        self.url = LOCAL.rsplit("/", 1)[0] + f"/{self.name}"

    def drop(self) -> None:
        _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(
        f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        pytest.fail(f"{name} (PostgreSQL server binaries) not found; install postgresql")
    return found


class PrivateServer:
    """A throwaway PostgreSQL server on ``port`` that a test may stop and start."""

    def __init__(self, port: int) -> None:
        # Not under pytest's temp directory: the server runs as `postgres` when we are root,
        # and pytest's directories are private to their owner.
        root = Path(tempfile.mkdtemp(prefix="callscore-pg-"))
        self.root = root
        self.dir = root / "pgdata"
        self.port = port
        self.log = root / "postgres.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(root, "postgres")
        self._run([_bin("initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres",
                   "--no-sync", "-E", "UTF8"])
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _run(self, cmd: list[str]) -> None:
        done = subprocess.run(self.as_postgres + cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd[:2])} failed ({done.returncode}): "
                               f"{done.stderr.strip()[-800:]}")

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run([_bin("pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-o", opts,
                   "-w", "start"])

    def stop(self) -> None:
        self._run([_bin("pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "stop"])

    def running(self) -> bool:
        return (self.dir / "postmaster.pid").exists()

    def remove(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
