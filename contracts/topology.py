"""Who listens to what: the exchange and every consumer's queue with its bindings.

Declared by every publisher and consumer at start (so no event is published before its
queues exist) and exported to deploy/rabbitmq/definitions.json by `duixian contracts export`.
"""
from __future__ import annotations

from contracts.queues import QueueSpec, Topology

EVENTS_EXCHANGE = "duixian.events"
DEAD_LETTER_EXCHANGE = "duixian.dead"

INTAKE_CASE_PROJECTION = QueueSpec(
    name="intake.case-projection",
    bindings=(
        "review.task.opened",
        "review.task.due_dated",
        "review.decision.recorded",
        "payout.plan.opened",
        "payout.stage.approved",
        "payout.stage.disbursed",
        "payout.stage.failed",
        "payout.stage.clawed_back",
        "review.task.overdue",
        "review.task.escalated",
        "review.selection.panel_drawn",
        "review.selection.panel_recommended",
        "review.selection.publicity_opened",
        "review.selection.objection_lodged",
        "review.selection.objection_verified",
        "selection.candidate.published",
    ),
    summary="intake keeps each case's status and timeline from the other services' events",
)

INTAKE_AWARD_OPENING = QueueSpec(
    name="intake.award-opening",
    bindings=("selection.candidate.published",),
    summary="intake opens the award cases an event entitles someone to (a published chain_leader/chain_core: 9.1.1, 9.4.1)",
)

WORKFLOW_BRIDGE = QueueSpec(
    name="workflows.bridge",
    bindings=(
        "intake.application.submitted",
        "intake.application.resubmitted",
        "intake.referral.registered",
        "intake.referral.progress_reported",
        "review.decision.recorded",
        "review.task.due_dated",
        "payout.stage.approved",
        "payout.stage.disbursed",
        "payout.stage.failed",
        "payout.stage.clawed_back",
        "intake.selection.round_opened",
        "intake.selection.nominated",
        "intake.selection.resubmitted",
        "intake.selection.list_submitted",
        "review.selection.objection_verified",
    ),
    summary="turns domain events into Temporal workflow starts and signals",
)

PORTAL_COCKPIT = QueueSpec(
    name="portal.cockpit",
    bindings=(
        "intake.application.submitted",
        "intake.application.resubmitted",
        "review.task.opened",
        "review.task.due_dated",
        "review.task.overdue",
        "review.decision.recorded",
        "payout.plan.opened",
        "payout.stage.approved",
        "payout.stage.disbursed",
        "payout.stage.failed",
        "payout.stage.clawed_back",
        "payout.budget.loaded",
        "intake.selection.nominated",
        "intake.selection.list_submitted",
        "review.selection.panel_recommended",
        "review.selection.publicity_opened",
        "selection.candidate.published",
    ),
    summary="the portal's 领导驾驶舱 (长办发〔2020〕17号 第28条) keeps its figures from every service's events",
)

# Each service keeps the checkpoints of the other two services' audit chains, so a chain is anchored in two
# databases besides its own (infra/audit_checkpoints.py).
_SERVICES = ("intake", "review", "payout")
AUDIT_CHECKPOINTS = {
    service: QueueSpec(
        name=f"{service}.audit-checkpoints",
        bindings=tuple(f"{other}.audit_checkpoint.recorded" for other in _SERVICES if other != service),
        summary=f"{service} keeps the other services' audit chain checkpoints, for `duixian audit verify`",
    )
    for service in _SERVICES
}

BASE_TOPOLOGY = Topology(
    exchange=EVENTS_EXCHANGE,
    dead_letter_exchange=DEAD_LETTER_EXCHANGE,
    queues=(INTAKE_CASE_PROJECTION, INTAKE_AWARD_OPENING, WORKFLOW_BRIDGE, PORTAL_COCKPIT, *AUDIT_CHECKPOINTS.values()),
)


def topology(namespace: str = "") -> Topology:
    """The topology, with names prefixed by `namespace` when one is given."""
    return BASE_TOPOLOGY.namespaced(namespace)


TOPOLOGY = BASE_TOPOLOGY
