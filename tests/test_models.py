"""The wire models: strict validation with messages naming the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models import CallScore, Transcript

BASE = {
    "call_id": "c1", "deal_id": "d1",
    "participants": [{"speaker": "a", "name": "Ann", "role": "rep"},
                     {"speaker": "b", "name": "Bob", "role": "prospect"}],
    "utterances": [{"speaker": "a", "text": "Hi Bob, how are things?"}],
}


def test_valid_transcript_parses() -> None:
    t = Transcript.model_validate(BASE)
    assert t.speakers_with_role("rep") == {"a"}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"call_id": None}, "call_id"),
        ({"participants": [{"speaker": "a", "name": "Ann", "role": "boss"}]},
         "participants.0.role"),
        ({"utterances": [{"speaker": "zed", "text": "hi"}]}, "zed"),
        ({"utterances": [{"speaker": "a", "text": "   "}]}, "empty"),
        ({"utterances": [{"speaker": "a", "text": "x", "start": 5, "end": 1}]}, "before start"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_transcript_error_names_the_field(patch: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        Transcript.model_validate({**BASE, **patch})
    assert field in str(err.value)


def test_call_score_schema_lists_required_fields() -> None:
    schema = CallScore.model_json_schema()
    for name in ("call_id", "deal_id", "score", "components", "flags", "questions", "mentions",
                 "talk", "analyser_version", "lexicon_version"):
        assert name in schema["properties"]
