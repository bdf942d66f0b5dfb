"""docker/: Docker cannot run here, so check what can be checked without it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from worker.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()


def test_compose_has_kafka_in_kraft_mode_postgres_and_two_workers() -> None:
    services = COMPOSE["services"]
    assert {"kafka", "postgres", "worker"} <= set(services)
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert "KAFKA_CONTROLLER_QUORUM_VOTERS" in kafka["environment"]
    assert not any("ZOOKEEPER" in k for k in kafka["environment"])
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["worker"]["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_compose_worker_env_names_only_real_settings() -> None:
    fields = {f"CALLSCORE_{name.upper()}" for name in Settings.model_fields}
    env = COMPOSE["services"]["worker"]["environment"]
    unknown = set(env) - fields
    assert not unknown, f"compose sets unknown settings: {unknown}"
    assert env["CALLSCORE_BROKER_URL"].startswith("kafka://kafka:")


def test_compose_build_context_and_dockerfile_exist() -> None:
    build = COMPOSE["services"]["worker"]["build"]
    context = (ROOT / "docker" / build["context"]).resolve()
    assert context == ROOT
    assert (context / build["dockerfile"]).is_file()


def test_dockerfile_copies_existing_paths_runs_non_root_with_healthcheck() -> None:
    for src in re.findall(r"^COPY (?!--from)(.+?) \S+$", DOCKERFILE, flags=re.M):
        for part in src.split():
            assert (ROOT / part).exists(), f"Dockerfile copies missing path {part}"
    assert re.search(r"^USER (?!root)\S+", DOCKERFILE, flags=re.M)
    assert "HEALTHCHECK" in DOCKERFILE and "/health" in DOCKERFILE
    assert DOCKERFILE.startswith("#") and "python:3.11-slim" in DOCKERFILE
    assert 'ENTRYPOINT ["callscore"]' in DOCKERFILE


def test_compose_worker_writes_to_the_compose_postgres() -> None:
    from urllib.parse import urlsplit

    env = COMPOSE["services"]["worker"]["environment"]
    pg = COMPOSE["services"]["postgres"]["environment"]
    url = urlsplit(env["CALLSCORE_DATABASE_URL"])
    assert url.scheme == "postgresql" and url.hostname == "postgres"
    assert (url.username, url.password, url.path.lstrip("/")) == (
        pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_DB"])
