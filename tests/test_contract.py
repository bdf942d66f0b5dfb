"""The published contract: versioned schemas, every field documented, docs kept in step."""

from __future__ import annotations

import json
from pathlib import Path

from models import SCHEMA_VERSION, CallScore, DeadLetter
from worker.cli import main
from worker.contract import field_docs, schemas

ROOT = Path(__file__).resolve().parents[1]


def _objects(schema: dict) -> list[tuple[str, dict]]:
    return [(schema["title"], schema), *schema.get("$defs", {}).items()]


def test_every_record_is_versioned_and_every_field_is_documented() -> None:
    all_schemas = schemas()
    assert set(all_schemas) == {"transcript.schema.json", "call-score.schema.json",
                                "deal-score.schema.json", "dead-letter.schema.json"}
    for name, schema in all_schemas.items():
        assert schema["$id"].endswith(f":{SCHEMA_VERSION}")
        if name != "transcript.schema.json":  # outputs carry their version
            assert schema["properties"]["schema_version"]["default"] == SCHEMA_VERSION
        for obj_name, obj in _objects(schema):
            for prop, spec in obj.get("properties", {}).items():
                assert spec.get("description"), f"{name}: {obj_name}.{prop} has no description"


def test_field_docs_cover_every_field() -> None:
    docs = field_docs()
    for schema in schemas().values():
        for obj_name, obj in _objects(schema):
            for prop in obj.get("properties", {}):
                assert f"| `{prop}` |" in docs, f"{obj_name}.{prop} missing from FIELDS.md"


def test_schema_out_writes_the_schemas_and_the_docs(tmp_path: Path) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    written = {p.name for p in tmp_path.iterdir()}
    assert written == set(schemas()) | {"FIELDS.md"}
    call = json.loads((tmp_path / "call-score.schema.json").read_text())
    assert call["title"] == "CallScore" and call == json.loads(json.dumps(
        CallScore.model_json_schema())) | {k: call[k] for k in call if k.startswith(("$", "x-"))}
    dlq = json.loads((tmp_path / "dead-letter.schema.json").read_text())
    assert set(dlq["required"]) >= {"reason", "error_class", "source_topic",
                                    "source_partition", "source_offset"}
    assert dlq["properties"].keys() == DeadLetter.model_fields.keys()


def test_the_published_docs_are_up_to_date() -> None:
    published = ROOT / "docs" / "schema"
    for name, schema in schemas().items():
        assert json.loads((published / name).read_text()) == schema, (
            f"docs/schema/{name} is stale: run `callscore schema --out docs/schema`")
    assert (published / "FIELDS.md").read_text() == field_docs(), (
        "docs/schema/FIELDS.md is stale: run `callscore schema --out docs/schema`")
