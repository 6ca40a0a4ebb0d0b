"""Audit chain checkpoints: each service publishes its chain head under its own event type, so the other two
services' queues bind to it and no service receives its own (infra/audit_checkpoints.py)."""
from __future__ import annotations

from pydantic import BaseModel, Field

from contracts.registry import event


class AuditCheckpoint(BaseModel):
    seq: int = Field(ge=1, description="the head record's seq")
    hash: str = Field(pattern="^[0-9a-f]{64}$", description="the head record's hash (HMAC-SHA256)")
    key_id: str | None = Field(default=None, max_length=16, description="id of the key that signed the head record")


@event("intake.audit_checkpoint.recorded", summary="申报受理审计链检查点 — intake's audit chain head, kept by review and payout")
class IntakeAuditCheckpointRecorded(AuditCheckpoint):
    pass


@event("review.audit_checkpoint.recorded", summary="审核办理审计链检查点 — review's audit chain head, kept by intake and payout")
class ReviewAuditCheckpointRecorded(AuditCheckpoint):
    pass


@event("payout.audit_checkpoint.recorded", summary="资金拨付审计链检查点 — payout's audit chain head, kept by intake and review")
class PayoutAuditCheckpointRecorded(AuditCheckpoint):
    pass


CHECKPOINT_EVENTS: dict[str, type[AuditCheckpoint]] = {
    "intake": IntakeAuditCheckpointRecorded,
    "review": ReviewAuditCheckpointRecorded,
    "payout": PayoutAuditCheckpointRecorded,
}
