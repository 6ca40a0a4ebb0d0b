"""Abuse limits for login-free endpoints: a token bucket per client address and route.

The client address is the peer uvicorn reports: behind a proxy listed in FORWARDED_ALLOW_IPS it is
taken from that proxy's X-Forwarded-For, otherwise the header is ignored (a client cannot pick its
own bucket). Per process: behind several replicas each enforces its own share (put a shared limiter
at the gateway for a hard global limit). Exceeding it answers 429 with Retry-After.
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

from fastapi import Request, params

from infra.errors import DomainError


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"

    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(max(1, math.ceil(self.details.get("retry_after_seconds", 1))))}


class RateLimiter:
    def __init__(self, per_minute: int, burst: int | None = None, max_clients: int = 100_000):
        self.rate = per_minute / 60.0
        self.capacity = float(burst or per_minute)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> float:
        """0 when allowed; otherwise the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[key] = (tokens - 1 if tokens >= 1 else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait


class _ClientLimit:
    """The dependency: each client address may call `name` at the limiter's rate (its buckets in `limiter`)."""

    def __init__(self, name: str, limiter: RateLimiter) -> None:
        self.name = name
        self.limiter = limiter

    def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        wait = self.limiter.allow(f"{self.name}:{client}")
        if wait:
            raise TooManyRequests("请求过于频繁, 请稍后再试", retry_after_seconds=round(wait, 1))


def rate_limited(name: str, per_minute: int, burst: int | None = None) -> params.Depends:
    return params.Depends(_ClientLimit(name, RateLimiter(per_minute, burst)))
