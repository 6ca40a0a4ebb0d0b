"""Abuse limits for login-free endpoints: a token bucket per client and route."""
from __future__ import annotations

from infra.ratelimit import RateLimiter


def test_a_client_gets_its_burst_then_waits_for_the_refill():
    limiter = RateLimiter(per_minute=6, burst=3)
    assert [limiter.allow("1.2.3.4", now=0.0) for _ in range(3)] == [0, 0, 0]
    wait = limiter.allow("1.2.3.4", now=0.0)
    assert wait == 10.0, "one token every 10 s at 6 per minute"
    assert limiter.allow("5.6.7.8", now=0.0) == 0, "other clients are not affected"
    assert limiter.allow("1.2.3.4", now=10.0) == 0, "a token has come back"


def test_the_limiter_forgets_the_oldest_clients_beyond_its_memory():
    limiter = RateLimiter(per_minute=1, burst=1, max_clients=2)
    for client in ("a", "b", "c"):
        limiter.allow(client, now=0.0)
    assert limiter.allow("a", now=0.0) == 0, "a was forgotten, so it starts with a full bucket"
    assert limiter.allow("c", now=0.0) > 0
