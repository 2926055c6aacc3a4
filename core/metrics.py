"""Prometheus metrics (prometheus-client): what happened and how long it took, never what anyone wrote.

Labels are fixed vocabularies only (routes, statuses, stage names, job names, import outcomes). With several
worker processes (`serve --workers N`), `serve` sets PROMETHEUS_MULTIPROC_DIR before the workers start and
each scrape adds up every worker's files (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.registry import Collector

from core.settings import get_settings

TURNS = Counter("fha_turns", "Chat turns answered, by route and status", ["route", "status"])
UNANSWERED = Counter("fha_unanswered_turns", "Turns the guidance could not answer (status unanswerable)")
SAFETY_ROUTES = Counter("fha_safety_routes", "Turns routed by the safety and scope layer, by route", ["route"])
STAGE_SECONDS = Histogram("fha_stage_seconds", "Time spent in each pipeline stage", ["stage"],
                          buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
JOB_FAILURES = Counter("fha_job_failures", "Background jobs that failed, by job", ["job"])
IMPORT_RECORDS = Counter("fha_directory_import_records", "Directory records by import outcome", ["outcome"])
IMPORTS = Counter("fha_directory_imports", "Directory imports by result", ["result"])


def may_scrape(client_host: str | None, authorization: str | None) -> bool:
    """From an allowed network (METRICS_ALLOWED_NETWORKS) or with the bearer token (METRICS_BEARER_TOKEN)."""
    settings = get_settings()
    token = settings.metrics_bearer_token
    if token and authorization and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_host or "")
    except ValueError:
        return False
    networks = [n.strip() for n in settings.metrics_allowed_networks.split(",") if n.strip()]
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def exposition(extra: Iterable[Collector] = ()) -> tuple[bytes, str]:
    """The text a scrape reads: this process's metrics (or every worker's), plus collectors that read their
    figures at scrape time (the handoff queue)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Everything())
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Everything(Collector):
    """The default registry's metrics, inside a registry of its own for one scrape (extras are not kept)."""

    def collect(self):  # type: ignore[no-untyped-def]
        return REGISTRY.collect()
