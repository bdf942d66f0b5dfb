"""Errors callscore raises on purpose. Every message says what, where, and what to do.

    CallscoreError
    ├── InputError            a transcript cannot be read or is invalid
    │   ├── FormatError       unknown or unparseable file format
    │   ├── UnknownRepError   nobody on the call can be identified as the rep
    │   └── TooLargeError     input exceeds the configured size limit
    ├── LexiconError          a lexicon file is invalid (file, line, field)
    ├── ConfigError           settings or scoring configuration are invalid
    └── ServiceError          the broker or another service is unreachable
"""

from __future__ import annotations

__all__ = [
    "CallscoreError",
    "ConfigError",
    "FormatError",
    "InputError",
    "LexiconError",
    "ServiceError",
    "TooLargeError",
    "UnknownRepError",
]


class CallscoreError(Exception):
    """Base class of every error callscore raises on purpose."""


class InputError(CallscoreError):
    """A transcript cannot be read or does not validate."""


class FormatError(InputError):
    """The file's format is unknown or cannot be parsed."""


class UnknownRepError(InputError):
    """Nobody on the call can be identified as the rep."""


class TooLargeError(InputError):
    """The input is larger than the configured limit."""


class LexiconError(CallscoreError):
    """A lexicon file is invalid."""


class ConfigError(CallscoreError):
    """Settings or the scoring configuration are invalid."""


class ServiceError(CallscoreError):
    """A broker, database or other service cannot be reached."""
