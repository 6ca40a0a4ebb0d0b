"""The house rules of ARCHITECTURE.md and STYLE.md, checked on the source (imports read with ast, so an
import inside a function or a workflow's `imports_passed_through()` block counts too):

- a service's domain/ imports only the standard library, its own domain, policies/ (the seeds' rules as data
  plus pure functions) and contracts/ (its commands and events, as a cosmicpython domain imports its own);
  policies/ imports nothing of services, infra, contracts or workflows;
- no service imports temporalio (Temporal is the workflows' business) or another service;
- contracts/ (what services share about each other) imports nothing from infra, services or workflows, nor pika;
- modules stay under 400 lines.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PRODUCTION = ("contracts", "duixian", "infra", "policies", "services", "workflows")
MAX_LINES = 400
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())

# Known exceptions, each with its reason; the test fails when one is no longer needed.
DOMAIN_EXCEPTIONS = {
    # the portal's sign-in directory reads its YAML file and validates it with pydantic against infra's roles:
    # an adapter in the domain room, left while the portal's pages are being built (issue 14)
    "services/portal/domain/directory.py": {"yaml", "pydantic", "infra"},
}


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py")
                  if "migrations" not in p.parts and "data" not in p.relative_to(ROOT).parts[1:2])


def imported(path: Path) -> Iterator[str]:
    """Top-level names of every absolute import in the module (relative imports stay in their package)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def top(name: str) -> str:
    return name.split(".")[0]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_domain_modules_import_only_the_standard_library_their_own_domain_policies_and_contracts():
    offences, used_exceptions = [], set()
    for path in modules(*(f"services/{s}/domain" for s in SERVICES)):
        service = path.relative_to(ROOT).parts[1]
        allowed = DOMAIN_EXCEPTIONS.get(rel(path), set())
        for name in imported(path):
            if top(name) in sys.stdlib_module_names or top(name) in ("policies", "contracts") or name == "__future__":
                continue
            if name.startswith(f"services.{service}.domain"):
                continue
            if top(name) in allowed:
                used_exceptions.add(rel(path))
                continue
            offences.append(f"{rel(path)} imports {name}")
    assert offences == []
    assert used_exceptions == set(DOMAIN_EXCEPTIONS), "an exception no longer needed: remove it from DOMAIN_EXCEPTIONS"


def test_policies_import_nothing_of_the_services_infrastructure_contracts_or_workflows():
    offences = [f"{rel(p)} imports {n}" for p in modules("policies") for n in imported(p)
                if top(n) in ("services", "infra", "contracts", "workflows", "temporalio", "fastapi", "sqlmodel", "sqlalchemy", "pika")]
    assert offences == []


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_neither_temporal_nor_another_service(service: str):
    offences = []
    for path in modules(f"services/{service}"):
        for name in imported(path):
            parts = name.split(".")
            if parts[0] == "temporalio" or (parts[0] == "services" and len(parts) > 1 and parts[1] != service):
                offences.append(f"{rel(path)} imports {name}")
    assert offences == []


def test_contracts_import_nothing_from_infrastructure_services_or_workflows():
    offences = [f"{rel(p)} imports {n}" for p in modules("contracts") for n in imported(p)
                if top(n) in ("infra", "services", "workflows", "pika", "temporalio", "fastapi", "sqlmodel", "sqlalchemy")]
    assert offences == []


def test_every_module_stays_under_400_lines():
    long = {rel(p): n for p in modules(*PRODUCTION) if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_LINES}
    assert long == {}
