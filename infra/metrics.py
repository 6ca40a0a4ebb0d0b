"""Prometheus metrics, defined once per process and labelled by service.

They are served on their own port (METRICS_PORT), not by the API: the API's port is what the ingress
publishes, and request counts per route are nobody's business outside (deploy/README.md)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram, start_http_server

HTTP_REQUESTS = Counter("duixian_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram("duixian_http_request_seconds", "HTTP request latency", ["service", "method", "route"])
OUTBOX_PUBLISHED = Counter("duixian_outbox_published_total", "Outbox rows published", ["service"])
OUTBOX_PUBLISH_FAILURES = Counter("duixian_outbox_publish_failures_total", "Outbox publish failures", ["service"])
MESSAGES_CONSUMED = Counter("duixian_messages_consumed_total", "Messages handled", ["consumer", "outcome"])


@contextmanager
def metrics_served(host: str, port: int | None) -> Iterator[int | None]:
    """This process's metrics at http://host:port/metrics while the block runs; the port bound (0: any free
    one), or None when `port` is None (not served)."""
    if port is None:
        yield None
        return
    server, thread = start_http_server(port, addr=host)
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
