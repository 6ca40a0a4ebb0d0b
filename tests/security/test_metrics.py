"""Metrics are not on the API's port (the one the ingress publishes) but on their own, METRICS_PORT."""
from __future__ import annotations

import httpx
import pytest

from tests.support.stack import Stack

pytestmark = pytest.mark.integration


def test_metrics_are_served_on_their_own_port_and_not_by_the_api(settings, databases):
    with Stack(settings.model_copy(update={"metrics_port": 0}), databases, services=("review",)) as stack:
        with stack.client("review") as public:
            assert public.get("/healthz").status_code == 200
            assert public.get("/metrics").status_code == 404
        metrics_port = stack.servers["review"].server.config.app.state.metrics_port
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10)
        assert scraped.status_code == 200
        assert 'duixian_http_requests_total{method="GET",route="/healthz",service="review",status="200"}' in scraped.text

