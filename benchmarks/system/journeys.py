"""What the people of a case do over HTTP, as the README walks it: an enterprise applies for
长科发〔2022〕5号 8.3; the registration centre, then the science bureau, find their task and decide."""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

import httpx

from tests.support.cases import CENTER, SCIENCE, tech_transfer_facts
from tests.support.processes import SystemUnderTest
from tests.support.tokens import make_uscc

CLAUSE = "ckf2022-8.3"
DEPARTMENTS = (CENTER, SCIENCE)
PAGE = 500  # GET /tasks' largest page


def application(uscc: str, number: int) -> dict:
    return {"clause_id": CLAUSE,
            "applicant": {"uscc": uscc, "name": "长治基准测试科技有限公司", "kind": "enterprise", "region": "140400"},
            "facts": tech_transfer_facts("3000000", project_id=f"BENCH-{uuid.uuid4().hex[:12]}-{number}")}


@dataclass
class People:
    """One HTTP client per person (connection reuse, like a browser), each with its own token."""

    applicants: list[tuple[str, httpx.AsyncClient]]
    officers: dict[str, httpx.AsyncClient]

    @classmethod
    def of(cls, system: SystemUnderTest, applicants: int = 1) -> People:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)

        def client(service: str, role: str, organisation: str, **claims: str) -> httpx.AsyncClient:
            token = system.token(role, organisation, **claims)
            return httpx.AsyncClient(base_url=system.url(service), headers={"Authorization": f"Bearer {token}"},
                                     timeout=60, limits=limits)

        usccs = [make_uscc() for _ in range(applicants)]
        return cls([(u, client("intake", "enterprise", u, region="140400")) for u in usccs],
                   {org: client("review", "competent_department", org, region="140400", subject=f"bench-{n}")
                    for n, org in enumerate(DEPARTMENTS)})

    async def apply(self, number: int) -> str:
        uscc, client = self.applicants[number % len(self.applicants)]
        response = await client.post("/applications", json=application(uscc, number),
                                     headers={"Idempotency-Key": f"bench-{uuid.uuid4().hex}"})
        response.raise_for_status()
        return response.json()["id"]

    async def open_tasks(self, organisation: str) -> list[dict]:
        tasks: list[dict] = []
        while True:
            response = await self.officers[organisation].get(
                "/tasks", params={"status": "open", "limit": PAGE, "offset": len(tasks)})
            response.raise_for_status()
            page = response.json()
            tasks += page
            if len(page) < PAGE:
                return tasks

    async def task_of(self, organisation: str, case_id: str, *, poll: float = 0.05, timeout: float = 120) -> tuple[dict, float]:
        """The case's open task at `organisation` as soon as a refresh of GET /tasks shows it, and when
        (time.time() at the start of the refresh that showed it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            asked = time.time()
            for task in await self.open_tasks(organisation):
                if task["case_id"] == case_id:
                    return task, asked
            await asyncio.sleep(poll)
        raise TimeoutError(f"no task for {case_id} at {organisation} after {timeout:g} s")

    async def decide(self, organisation: str, task_id: str) -> None:
        response = await self.officers[organisation].post(f"/tasks/{task_id}/decision",
                                                          json={"decision": "approve", "reason": "材料齐全, 符合条件"})
        response.raise_for_status()

    async def aclose(self) -> None:
        for client in [*(c for _, c in self.applicants), *self.officers.values()]:
            await client.aclose()
