"""The real system for the system benchmarks: `duixian up` on free ports with a private data folder and
bus namespace (tests/support/processes.SystemUnderTest), on SQLite files or on PostgreSQL schemas of its
own, and what each of its processes holds in memory."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from infra.settings import normalise_url
from tests.support.processes import SystemUnderTest

SERVICES = ("intake", "review", "payout")
# how each process of the Procfile shows in its command line
PROCESSES = {"intake": "serve intake", "review": "serve review", "payout": "serve payout", "worker": "duixian worker",
             "bridge": "duixian bridge", "portal": "serve portal", "oidc": "duixian idp", "temporal": "server start-dev"}


@dataclass
class Stack:
    kind: str  # "sqlite" | "postgresql"
    root: Path
    amqp_url: str
    postgres_url: str | None = None
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    system: SystemUnderTest | None = None

    def schema(self, service: str) -> str:
        return f"bench_{self.token}_{service}"

    def database_url(self, service: str) -> str:
        """The URL the service (or a baseline standing in for it) uses: its SQLite file, or its own schema."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.root / 'data' / f'{service}.db'}"
        assert self.postgres_url
        return f"{normalise_url(self.postgres_url)}?options=-csearch_path%3D{self.schema(service)}"

    def start(self) -> Stack:
        system = SystemUnderTest(self.root / "data", self.amqp_url)
        if self.kind == "postgresql":
            self._schemas("CREATE SCHEMA IF NOT EXISTS")
            system.env.update({f"{s.upper()}_DATABASE_URL": self.database_url(s) for s in SERVICES})
        self.system = system.start(timeout=180)
        return self

    def stop(self) -> None:
        if self.system is not None:
            self.system.stop()
        if self.kind == "postgresql":
            self._schemas("DROP SCHEMA IF EXISTS", " CASCADE")

    def _schemas(self, statement: str, suffix: str = "") -> None:
        assert self.postgres_url
        engine = create_engine(normalise_url(self.postgres_url))
        with engine.begin() as conn:
            for service in (*SERVICES, "baseline"):
                conn.execute(text(f'{statement} "{self.schema(service)}"{suffix}'))
        engine.dispose()

    def memory_mib(self) -> dict[str, float]:
        """Resident memory of each process of the system (MiB), by Procfile name."""
        return {name: resident_mib(pid) for name, pid in self.processes().items()}

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each process of the system has used so far, by Procfile name."""
        return {name: cpu_seconds(pid) for name, pid in self.processes().items()}

    def processes(self) -> dict[str, int]:
        """The pid of each process of the Procfile: the largest process whose command line names it
        (honcho starts each through a shell)."""
        assert self.system is not None and self.system.process is not None
        found: dict[str, int] = {}
        for pid in descendants(self.system.process.pid):
            command = cmdline(pid)
            for name, marker in PROCESSES.items():
                if marker in command and resident_mib(pid) >= resident_mib(found.get(name, pid)):
                    found[name] = pid
        return found


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resident_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
