"""A bounded surge of POSTs from concurrent clients, each with its own connection: how many were
accepted per second and how long each took. Loopback only; it stops after `total` requests."""
from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from benchmarks.system.figures import percentile


@dataclass
class Surge:
    accepted: int = 0
    refused: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    bodies: list[dict] = field(default_factory=list)
    started_at: float = 0.0

    @property
    def per_second(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    def p(self, rank: float) -> float:
        return percentile(self.latencies_ms, rank)


async def surge(url: str, path: str, total: int, clients: int,
                request: Callable[[int], tuple[dict, dict[str, str]]]) -> Surge:
    """POSTs `total` requests from `clients` concurrent clients; `request(n)` gives the n-th body and headers."""
    result = Surge()
    numbers = itertools.count()

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=1)) as http:
            while (number := next(numbers)) < total:
                body, headers = request(number)
                started = time.perf_counter()
                response = await http.post(path, json=body, headers=headers)
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
                if response.status_code == 201:
                    result.accepted += 1
                    result.bodies.append(response.json())
                else:
                    result.refused += 1

    result.started_at = time.time()
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    result.seconds = time.perf_counter() - started
    return result
