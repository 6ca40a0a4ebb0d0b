"""The event envelope every duixian message travels in (see ARCHITECTURE.md, Messaging)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.registry import payload_model, spec_of


class Actor(BaseModel):
    """Who caused the event: a person acting in a role for an organisation, or a process."""

    model_config = ConfigDict(frozen=True)

    subject: str = Field(description="用户或进程标识")
    role: str = Field(description="角色, e.g. enterprise, city_industry_bureau, system")
    organisation: str | None = Field(default=None, description="所属组织标识")


SYSTEM_ACTOR = Actor(subject="system", role="system")


class EventEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, description="message id; consumers deduplicate on it")
    type: str = Field(description="event type, also the routing key, e.g. review.decision.recorded")
    version: int = Field(default=1, ge=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str = Field(description="the service that wrote the event")
    correlation_id: str = Field(description="the case (application, candidacy, round) the event belongs to")
    causation_id: str | None = Field(default=None, description="id of the message or request that caused it")
    actor: Actor = SYSTEM_ACTOR
    payload: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _aware_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("occurred_at must carry a time zone")
        return value.astimezone(UTC)

    def typed_payload(self) -> BaseModel:
        """The payload validated against the model registered for (type, version); raises on unknown or invalid."""
        return payload_model(self.type, self.version).model_validate(self.payload)

    @classmethod
    def wrap(
        cls,
        payload: BaseModel,
        *,
        producer: str,
        correlation_id: str,
        causation_id: str | None = None,
        actor: Actor = SYSTEM_ACTOR,
    ) -> EventEnvelope:
        spec = spec_of(type(payload))
        event_type, version = spec.event_type, spec.version
        return cls(
            type=event_type,
            version=version,
            producer=producer,
            correlation_id=correlation_id,
            causation_id=causation_id,
            actor=actor,
            payload=payload.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, body: bytes) -> EventEnvelope:
        envelope = cls.model_validate_json(body)
        envelope.typed_payload()
        return envelope
