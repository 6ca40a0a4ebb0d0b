"""The three services by name: how to build each one's runtime and app (the composition root)."""
from __future__ import annotations

import importlib
from types import ModuleType

SERVICES = ("intake", "review", "payout")


def entrypoint(service: str) -> ModuleType:
    if service not in SERVICES:
        raise KeyError(service)
    return importlib.import_module(f"services.{service}.entrypoints.app")
