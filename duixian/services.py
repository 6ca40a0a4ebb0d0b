"""The processes with an HTTP app by name: how to build each one's runtime and app (the composition root).

SERVICES are the three APIs the workflows call; the portal is the users' web front, with its own
database (sessions) but no events."""
from __future__ import annotations

import importlib
from types import ModuleType

SERVICES = ("intake", "review", "payout")
PORTAL = "portal"
SERVED = SERVICES + (PORTAL,)


def entrypoint(service: str) -> ModuleType:
    if service not in SERVED:
        raise KeyError(service)
    return importlib.import_module(f"services.{service}.entrypoints.app")
