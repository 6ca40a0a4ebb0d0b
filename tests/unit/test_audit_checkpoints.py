"""A checkpoint names its service by its event type; one published by another service is refused for good."""
from __future__ import annotations

import pytest

from contracts.envelope import EventEnvelope
from contracts.events.audit import ReviewAuditCheckpointRecorded
from infra.audit_checkpoints import keep
from infra.failures import Failure, PermanentFailure, classify


def test_a_checkpoint_of_reviews_chain_published_by_intake_is_dead_lettered_at_once() -> None:
    forged = EventEnvelope.wrap(ReviewAuditCheckpointRecorded(seq=10**9, hash="0" * 64), producer="intake",
                                correlation_id="audit:review")
    with pytest.raises(PermanentFailure, match="only review checkpoints its chain") as refused:
        keep(None, forged)  # type: ignore[arg-type]  # refused before the unit of work is touched
    assert classify(refused.value) is Failure.PERMANENT
