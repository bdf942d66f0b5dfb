"""Ingestion: the transcript formats people actually have → :class:`models.Transcript`.

Formats: native JSON; WebVTT (``<v Name>`` voice tags or ``Name: text`` cue text);
SRT; plain text (``Name: text`` lines, optional ``[hh:mm:ss]`` stamps). Metadata for
the text formats comes from a WebVTT ``NOTE`` block or ``# key: value`` lines at the top
(``call_id``, ``deal_id``, ``started_at``, ``title``, ``rep``, ``participant: Name; role;
title; company``). Consecutive cues or lines of one speaker are merged.

Every error is an :class:`~worker.errors.InputError` with a one-line message that starts
with the source name and says what to do.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from models import Participant, Transcript
from worker.errors import FormatError, InputError, TooLargeError, UnknownRepError

__all__ = ["FORMATS", "detect_format", "load_transcript", "parse_transcript", "resolve_reps"]

FORMATS = ("json", "vtt", "srt", "txt")
_EXT = {".json": "json", ".vtt": "vtt", ".webvtt": "vtt", ".srt": "srt", ".txt": "txt",
        ".text": "txt", ".log": "txt"}
_SRT_START = re.compile(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", re.M)
_TIMING = re.compile(
    r"^\s*(?P<a>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\s*-->\s*"
    r"(?P<b>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.S)
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>")
_SPEAKER = re.compile(r"^(?P<name>[^\s:\[\]#][^:\[\]]{0,59}?)\s*:\s+(?P<text>.*)$")
_STAMP = re.compile(r"^\s*\[(?P<t>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\]\s*(?P<rest>.*)$")
_META = re.compile(r"^\s*#\s*(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
_META_KEYS = {"call_id", "deal_id", "started_at", "title", "rep", "participant"}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def detect_format(name: str, data: bytes) -> str:
    """The format of a file, by extension or else by its first bytes."""
    ext = Path(name).suffix.lower()
    if ext in _EXT:
        return _EXT[ext]
    head = data[:2048].decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "json"
    if head.startswith("WEBVTT"):
        return "vtt"
    if _SRT_START.search(head):
        return "srt"
    return "txt"


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for p in parts:
        total = total * 60 + float(p)
    return total


def _norm_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "speaker"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@dataclass
class _Doc:
    """What a text format yields before it becomes a Transcript."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    turns: list[tuple[str, float | None, float | None, str]] = field(default_factory=list)

    def add_meta(self, key: str, value: str) -> None:
        key = key.lower().replace("-", "_")
        if key in _META_KEYS:
            self.meta.setdefault(key, []).append(value)

    def add(self, speaker: str, start: float | None, end: float | None, text: str) -> None:
        text = _one_line(text)
        if not text:
            return
        if self.turns and self.turns[-1][0] == speaker:  # merge one speaker's consecutive cues
            s0, st, en, tx = self.turns[-1]
            self.turns[-1] = (s0, st, end if end is not None else en, f"{tx} {text}")
        else:
            self.turns.append((speaker, start, end, text))


def _parse_cues(text: str, source: str, *, vtt: bool) -> _Doc:
    doc = _Doc()
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    speaker: str | None = None
    cue_no = 0
    for block in blocks:
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if vtt and lines[0].startswith("WEBVTT"):
            lines = lines[1:]
            if not lines:
                continue
        if vtt and lines[0].startswith("NOTE"):
            first = lines[0][4:].strip()
            for ln in ([first] if first else []) + lines[1:]:
                if ":" in ln:
                    k, v = ln.split(":", 1)
                    doc.add_meta(k.strip(), v.strip())
            continue
        if vtt and lines[0].startswith(("STYLE", "REGION")):
            continue
        timing_at = next((i for i, ln in enumerate(lines[:2]) if _TIMING.match(ln)), None)
        if timing_at is None:
            if not vtt:
                for ln in lines:
                    m = _META.match(ln)
                    if m:
                        doc.add_meta(m["key"], m["value"])
                if all(_META.match(ln) for ln in lines):
                    continue
            raise FormatError(f"{source}: block {block.strip()[:40]!r} has no timing line "
                              "'00:00:01.000 --> 00:00:04.000'; is this really "
                              f"{'WebVTT' if vtt else 'SRT'}?")
        cue_no += 1
        m = _TIMING.match(lines[timing_at])
        assert m is not None
        start, end = _seconds(m["a"]), _seconds(m["b"])
        body = "\n".join(lines[timing_at + 1 :])
        voices = _VOICE.findall(body) if vtt else []
        if voices:
            for name, said in voices:
                speaker = _one_line(name)
                doc.add(speaker, start, end, html.unescape(_TAGS.sub("", said)))
            continue
        body = html.unescape(_TAGS.sub("", body))
        sm = _SPEAKER.match(_one_line(body))
        if sm and _plausible_name(sm["name"]):
            speaker = _one_line(sm["name"])
            doc.add(speaker, start, end, sm["text"])
        elif speaker is not None:
            doc.add(speaker, start, end, body)
        elif body.strip():
            raise FormatError(f"{source}: cue {cue_no} names no speaker; expected "
                              "'<v Name>text' or 'Name: text'")
    return doc


def _plausible_name(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 5 and not name.strip().isdigit() and "http" not in name.lower()


def _parse_txt(text: str, source: str) -> _Doc:
    doc = _Doc()
    speaker: str | None = None
    header = True
    stamps: list[float | None] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        meta = _META.match(line)
        if meta and header:
            doc.add_meta(meta["key"], meta["value"])
            continue
        if line.startswith("#"):
            continue
        header = False
        start = None
        sm = _STAMP.match(line)
        if sm:
            start, line = _seconds(sm["t"]), sm["rest"]
        m = _SPEAKER.match(line)
        if m and _plausible_name(m["name"]):
            speaker = _one_line(m["name"])
            before = len(doc.turns)
            doc.add(speaker, start, None, m["text"])
            if len(doc.turns) > before:
                stamps.append(start)
        elif speaker is not None:
            doc.add(speaker, None, None, line)
        else:
            raise FormatError(f"{source}: line {line[:40]!r} has no speaker; expected lines "
                              "like 'Dana: Hello' or '[00:01:05] Dana: Hello'")
    if not doc.turns:
        raise FormatError(f"{source}: no 'Name: text' lines found; expected lines like "
                          "'Dana: Hello' or '[00:01:05] Dana: Hello'")
    # A stamped line's end is the next stamped line's start.
    for i, (sp, st, _en, tx) in enumerate(doc.turns):
        nxt = doc.turns[i + 1][1] if i + 1 < len(doc.turns) else None
        doc.turns[i] = (sp, st, nxt if st is not None and nxt is not None and nxt >= st else None,
                        tx)
    return doc


def _build(doc: _Doc, source: str) -> Transcript:
    meta = {k: v[-1] for k, v in doc.meta.items()}
    taken: set[str] = set()
    people: dict[str, dict] = {}  # normalised name -> participant fields
    for entry in doc.meta.get("participant", []):
        parts = [p.strip() for p in entry.split(";")]
        name = parts[0]
        role = (parts[1].lower() if len(parts) > 1 and parts[1] else None)
        if role is not None and role not in {"rep", "prospect", "other"}:
            raise InputError(f"{source}: participant {name!r}: role {role!r} must be rep, "
                             "prospect or other")
        people[_norm_name(name)] = {"name": name, "role": role,
                                    "title": parts[2] if len(parts) > 2 and parts[2] else None,
                                    "company": parts[3] if len(parts) > 3 and parts[3] else None}
    for rep in doc.meta.get("rep", []):
        people.setdefault(_norm_name(rep), {"name": rep, "title": None, "company": None})
        people[_norm_name(rep)]["role"] = "rep"
    for sp, *_ in doc.turns:
        people.setdefault(_norm_name(sp), {"name": sp, "role": None, "title": None,
                                           "company": None})
    has_rep = any(p["role"] == "rep" for p in people.values())
    ids = {}
    participants = []
    for key, p in people.items():
        ids[key] = _slug(p["name"], taken)
        role = p["role"] or ("prospect" if has_rep else "other")
        participants.append({"speaker": ids[key], "name": p["name"], "role": role,
                             "title": p["title"], "company": p["company"]})
    started_at = meta.get("started_at")
    if started_at:
        try:
            datetime.fromisoformat(started_at.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{source}: started_at {started_at!r} is not ISO 8601; write it "
                             "like 2026-10-05T15:00:00Z") from None
    call_id = meta.get("call_id") or Path(source).stem
    data = {
        "call_id": call_id, "deal_id": meta.get("deal_id") or call_id,
        "started_at": started_at or None, "title": meta.get("title") or None,
        "participants": participants,
        "utterances": [{"speaker": ids[_norm_name(sp)], "start": st, "end": en, "text": tx}
                       for sp, st, en, tx in doc.turns],
    }
    transcript = _validate(data, source)
    # Participants without a role in the file: unresolved until a rep is known.
    unresolved = {ids[k] for k, p in people.items() if p["role"] is None}
    if not has_rep and unresolved:
        transcript = transcript.model_copy(update={"participants": [
            p.model_copy(update={"role": "other"}) if p.speaker in unresolved else p
            for p in transcript.participants]})
    return transcript


def _validate(data: object, source: str) -> Transcript:
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{source}: {_describe(exc)}") from None


def _describe(exc: ValidationError) -> str:
    errors = exc.errors()
    parts = []
    for err in errors[:3]:
        where = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more


def resolve_reps(t: Transcript, reps: Sequence[str], default_reps: Sequence[str],
                 source: str) -> Transcript:
    """Mark the rep(s): ``reps`` (explicit) first, else roles in the file, else defaults.

    Raises:
        UnknownRepError: an explicit rep is not a speaker, or no rep can be identified.
    """
    speakers = ", ".join(p.name for p in t.participants)

    def matches(p: Participant, names: set[str]) -> bool:
        return _norm_name(p.name) in names or _norm_name(p.speaker) in names

    if reps:
        wanted = {_norm_name(r) for r in reps}
        for r in reps:
            if not any(matches(p, {_norm_name(r)}) for p in t.participants):
                raise UnknownRepError(
                    f"{source}: rep {r!r} is not a speaker (speakers: {speakers}); check the "
                    "spelling or pass --rep with one of these names")
        parts = []
        for p in t.participants:
            if matches(p, wanted):
                p = p.model_copy(update={"role": "rep"})
            elif p.role == "rep":  # the file said rep; the command line says otherwise
                p = p.model_copy(update={"role": "prospect"})
            parts.append(p)
        return _promote_others(t.model_copy(update={"participants": parts}))
    if any(p.role == "rep" for p in t.participants):
        return t
    defaults = {_norm_name(r) for r in default_reps}
    if defaults and any(matches(p, defaults) for p in t.participants):
        parts = [p.model_copy(update={"role": "rep"}) if matches(p, defaults) else p
                 for p in t.participants]
        return _promote_others(t.model_copy(update={"participants": parts}))
    raise UnknownRepError(
        f"{source}: cannot tell who the rep is (speakers: {speakers}): pass --rep NAME, set "
        "CALLSCORE_REP_NAMES, or give the participants roles")


def _promote_others(t: Transcript) -> Transcript:
    """Once a rep is known, the other speakers of a text transcript are the prospect side."""
    if all(p.role != "prospect" for p in t.participants):
        return t.model_copy(update={"participants": [
            p.model_copy(update={"role": "prospect"}) if p.role == "other" else p
            for p in t.participants]})
    return t


def parse_transcript(data: bytes, *, source: str, fmt: str | None = None,
                     reps: Sequence[str] = (), default_reps: Sequence[str] = (),
                     max_bytes: int = 20_000_000) -> Transcript:
    """Parse one transcript of any supported format, with its rep resolved.

    Raises:
        InputError: unreadable, invalid, too large, or no identifiable rep.
    """
    if len(data) > max_bytes:
        raise TooLargeError(f"{source}: {len(data)} bytes is over the limit of {max_bytes} "
                            "(set CALLSCORE_MAX_INPUT_BYTES to allow larger files)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at "
                         f"offset {exc.start}); re-save the file as UTF-8") from None
    text = text.removeprefix("\ufeff")
    fmt = fmt or detect_format(source, data)
    if fmt not in FORMATS:
        raise FormatError(f"{source}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    if fmt == "json":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}: invalid JSON at line {exc.lineno} column {exc.colno}: "
                             f"{exc.msg}") from None
        transcript = _validate(raw, source)
    elif fmt == "txt":
        transcript = _build(_parse_txt(text, source), source)
    else:
        if fmt == "vtt" and not text.lstrip().startswith("WEBVTT"):
            raise FormatError(f"{source}: a WebVTT file must start with 'WEBVTT'")
        transcript = _build(_parse_cues(text, source, vtt=fmt == "vtt"), source)
    return resolve_reps(transcript, reps, default_reps, source)


def load_transcript(path: Path, *, reps: Sequence[str] = (), default_reps: Sequence[str] = (),
                    max_bytes: int = 20_000_000) -> Transcript:
    """Read and parse a transcript file (the size is checked before reading)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLargeError(f"{path}: {size} bytes is over the limit of {max_bytes} "
                                "(set CALLSCORE_MAX_INPUT_BYTES to allow larger files)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_transcript(data, source=str(path), reps=reps, default_reps=default_reps,
                            max_bytes=max_bytes)
