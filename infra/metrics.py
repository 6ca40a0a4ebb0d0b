"""Prometheus metrics, defined once per process and labelled by service."""
from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("duixian_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram("duixian_http_request_seconds", "HTTP request latency", ["service", "method", "route"])
OUTBOX_PUBLISHED = Counter("duixian_outbox_published_total", "Outbox rows published", ["service"])
OUTBOX_PUBLISH_FAILURES = Counter("duixian_outbox_publish_failures_total", "Outbox publish failures", ["service"])
MESSAGES_CONSUMED = Counter("duixian_messages_consumed_total", "Messages handled", ["consumer", "outcome"])
