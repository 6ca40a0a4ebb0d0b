"""Registry of event payload models by (type, version). Payload modules register with @event."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=type[BaseModel])

_EVENTS: dict[tuple[str, int], type[BaseModel]] = {}


@dataclass(frozen=True)
class EventSpec:
    event_type: str
    version: int
    summary: str


_SPECS: dict[type[BaseModel], EventSpec] = {}


class UnknownEventType(LookupError):
    def __init__(self, event_type: str, version: int):
        super().__init__(f"unknown event type {event_type!r} version {version}")
        self.event_type = event_type
        self.version = version


def event(event_type: str, version: int = 1, *, summary: str) -> Callable[[M], M]:
    """Register a payload model as the body of `event_type` (also its routing key)."""

    def register(model: M) -> M:
        key = (event_type, version)
        if key in _EVENTS and _EVENTS[key] is not model:
            raise ValueError(f"event {key} registered twice")
        _SPECS[model] = EventSpec(event_type, version, summary)
        _EVENTS[key] = model
        return model

    return register


def spec_of(payload: type[BaseModel]) -> EventSpec:
    """The type, version and summary a payload model (or the model it extends) was registered with."""
    for model in payload.__mro__:
        if model in _SPECS:
            return _SPECS[model]
    raise LookupError(f"{payload.__name__} is not an event payload (no @event)")


def payload_model(event_type: str, version: int = 1) -> type[BaseModel]:
    _load_all()
    try:
        return _EVENTS[(event_type, version)]
    except KeyError:
        raise UnknownEventType(event_type, version) from None


def all_events() -> dict[tuple[str, int], type[BaseModel]]:
    _load_all()
    return dict(sorted(_EVENTS.items()))


def _load_all() -> None:
    import contracts.events  # noqa: F401  (registers every payload module)
