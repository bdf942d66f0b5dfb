"""The faust application (and little else). Settings are read when this module loads."""

from __future__ import annotations

import faust
from faust.auth import SASLCredentials, SSLCredentials

from worker.settings import Settings, get_settings

__all__ = ["app", "create_app"]


def _credentials(settings: Settings):  # type: ignore[no-untyped-def]
    import ssl

    if settings.security_protocol == "PLAINTEXT":
        return None
    context = None
    if settings.security_protocol in {"SSL", "SASL_SSL"}:
        context = ssl.create_default_context(
            cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None)
    if settings.security_protocol == "SSL":
        return SSLCredentials(context)
    return SASLCredentials(username=settings.sasl_username, password=settings.sasl_password,
                           mechanism=settings.sasl_mechanism, ssl_context=context)


def create_app(settings: Settings) -> faust.App:
    """A faust App configured from the settings."""
    return faust.App(
        settings.app_id,
        broker=settings.broker_url,
        broker_credentials=_credentials(settings),
        store="memory://",
        processing_guarantee="at_least_once",
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        # Transport limits above the validation limit, so that an oversize message is
        # still consumed and reaches the dead-letter topic intact.
        producer_max_request_size=settings.max_message_bytes * 4,
        consumer_max_fetch_size=settings.max_message_bytes * 4,
        web_port=settings.web_port,
        web_host=settings.web_host,
        web_in_thread=False,
        datadir=str(settings.data_dir),
        autodiscover=False,
        table_cleanup_interval=60.0,
        broker_commit_every=100,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=min(3.0, settings.session_timeout / 3),
        broker_commit_interval=1.0,
    )


app = create_app(get_settings())
