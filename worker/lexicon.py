"""Lexicons: the phrase lists the NLP reads, as validated data.

Each ``*.jsonl`` file holds one entry per line. An entry has an ``id``, a ``label``
and either a ``phrase`` (matched on normalised words, so "wouldn't" also matches
"wouldnt") or a spaCy Matcher ``pattern``. Entries marked ``fuzzy`` are pitch-script
lines matched against whole questions with rapidfuzz. A company directory
(``CALLSCORE_LEXICON_DIR``) is merged over the defaults: an entry with a known id
replaces it; a plain ``pitch_script.txt`` there adds one fuzzy canned line per line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rapidfuzz import fuzz, process, utils

from worker.errors import LexiconError

__all__ = ["FuzzyScript", "Lexicon", "LexiconEntry", "load_lexicon"]

Label = Literal["canned", "other", "probing", "decision_maker", "impact"]
KIND_LABELS = frozenset({"canned", "other", "probing"})
MENTION_LABELS = frozenset({"decision_maker", "impact"})


class LexiconEntry(BaseModel):
    """One lexicon line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=100)
    label: Label
    phrase: str | None = Field(default=None, min_length=1, max_length=500)
    pattern: list[dict[str, Any]] | None = Field(default=None, min_length=1)
    fuzzy: bool = False
    scope: Literal["anywhere", "whole", "sentence"] = Field(
        default="anywhere",
        description="'whole': the phrase must make up most of the question ('how are you'); "
        "'sentence' (block entries only): no entry of its label counts anywhere in the "
        "sentence (a rep's 'my manager signs off on discounts' is the vendor's side).",
    )
    tier: Literal["strong", "weak", "cue", "block"] = Field(
        default="strong",
        description=(
            "Mentions only. 'strong' counts on its own ('final say'); 'weak' counts only in "
            "a sentence that also holds a strong or cue entry of its label, or (decision "
            "makers) a second weak one ('your CFO' + 'approve'); 'cue' is never a mention "
            "itself, it only lets weak ones count; 'block' is a phrase in which no entry of "
            "its label counts ('I lost you there' is no loss)."
        ),
    )
    roles: list[Literal["rep", "prospect", "other"]] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_matcher(self) -> LexiconEntry:
        if (self.phrase is None) == (self.pattern is None):
            raise ValueError("give exactly one of 'phrase' or 'pattern'")
        if self.fuzzy and self.phrase is None:
            raise ValueError("'fuzzy' entries need a 'phrase'")
        if self.tier != "strong" and self.label not in MENTION_LABELS:
            raise ValueError("'tier' applies to decision_maker and impact entries only")
        if self.scope == "sentence" and self.tier != "block":
            raise ValueError("scope 'sentence' applies to block entries only")
        return self


@dataclass(frozen=True)
class Lexicon:
    """The merged, validated entries and a version digest of them."""

    entries: tuple[LexiconEntry, ...]
    version: str
    sources: tuple[str, ...] = field(default=())

    def with_labels(self, labels: Iterable[str], *, fuzzy: bool = False) -> list[LexiconEntry]:
        """Entries whose label is in ``labels`` (fuzzy or exact ones)."""
        wanted = set(labels)
        return [e for e in self.entries if e.label in wanted and e.fuzzy == fuzzy]


class FuzzyScript:
    """Whole-question fuzzy matching against pitch-script lines (one rapidfuzz setup)."""

    def __init__(self, entries: Sequence[LexiconEntry], *, threshold: float) -> None:
        self.entries = list(entries)
        self.threshold = threshold
        self._choices = [utils.default_process(e.phrase or "") for e in self.entries]

    def match(self, text: str) -> tuple[LexiconEntry, float] | None:
        """The best pitch-script line at or above the threshold, with its score."""
        if not self._choices:
            return None
        query = utils.default_process(text)
        if len(query) < 8:
            return None
        hit = process.extractOne(
            query, self._choices, scorer=fuzz.token_sort_ratio, processor=None,
            score_cutoff=self.threshold,
        )
        if hit is None:
            return None
        _, score, index = hit
        return self.entries[index], float(score)


def _read_jsonl(text: str, source: str) -> list[LexiconEntry]:
    entries = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(f"{source}:{lineno}: not valid JSON ({exc.msg})") from None
        try:
            entries.append(LexiconEntry.model_validate(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "entry"
            raise LexiconError(
                f"{source}:{lineno}: field '{where}': {err['msg']} "
                "(fix or remove the line; see lexicons/README.md)"
            ) from None
    return entries


def _read_pitch_script(text: str, source: str) -> list[LexiconEntry]:
    entries = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append(
                LexiconEntry(id=f"script:{Path(source).name}:{lineno}", label="canned",
                             phrase=line, fuzzy=True, roles=["rep"])
            )
    return entries


def _default_files() -> list[tuple[str, str]]:
    root = resources.files("lexicons")
    return sorted(
        (f"lexicons/{p.name}", p.read_text(encoding="utf-8"))
        for p in root.iterdir()
        if p.name.endswith(".jsonl")
    )


def load_lexicon(extra_dir: Path | None = None) -> Lexicon:
    """Load the default lexicons, merged with ``extra_dir`` if given.

    Raises:
        LexiconError: a file is unreadable or an entry is invalid (file, line, field).
    """
    files = _default_files()
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise LexiconError(
                f"{extra_dir}: lexicon directory not found (check CALLSCORE_LEXICON_DIR)"
            )
        for path in sorted(extra_dir.iterdir()):
            if path.suffix in {".jsonl", ".txt"}:
                try:
                    files.append((str(path), path.read_text(encoding="utf-8")))
                except (OSError, UnicodeDecodeError) as exc:
                    raise LexiconError(f"{path}: cannot read lexicon file ({exc})") from None
    merged: dict[str, LexiconEntry] = {}
    for source, text in files:
        reader = _read_pitch_script if source.endswith(".txt") else _read_jsonl
        for entry in reader(text, source):
            merged[entry.id] = entry
    digest = hashlib.sha256(
        "\n".join(e.model_dump_json() for e in merged.values()).encode()
    ).hexdigest()[:12]
    return Lexicon(tuple(merged.values()), digest, tuple(s for s, _ in files))
