"""Stand-in activities for tests that run the real ApplicationCase workflow without the services:
one review step (the city science bureau), a task, a payout plan, no prior awards. Each counts its
calls in `calls` (the test clears it)."""
from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from contracts.api.payout import OpenPayoutPlan, PayoutPlanRef, PriorAwardList, PriorAwardsQuery
from contracts.api.review import OpenTask, TaskRef
from contracts.common import ApplicantRef, Citation, DeterminationRef
from contracts.envelope import EventEnvelope
from contracts.events.intake import ApplicationSubmitted
from contracts.events.review import DecisionRecorded
from tests.support.tokens import make_uscc
from workflows.activities.routing import Assignee, Route, RouteQuery

TASK_ID = "TASK-STAND-IN"
PLAN_ID = "PLAN-STAND-IN"
calls: dict[str, int] = {}


def count(name: str) -> int:
    calls[name] = calls.get(name, 0) + 1
    return calls[name]


@activity.defn(name="policies.review_route")
async def review_route(query: RouteQuery) -> Route:
    return Route(clause_title="测试条款", steps=[Assignee(role="competent_department", organisation="140400.city_science_bureau",
                                                         department_name="长治市科技局")])


@activity.defn(name="review.open_task")
async def open_task(command: OpenTask) -> TaskRef:
    count("open_task")
    return TaskRef(task_id=TASK_ID, case_id=command.case_id, status="open")


@activity.defn(name="payout.open_plan")
async def open_plan(command: OpenPayoutPlan) -> PayoutPlanRef:
    count("open_plan")
    return PayoutPlanRef(plan_id=PLAN_ID, case_id=command.case_id, total_fen=command.determination.amount_fen, status="open")


@activity.defn(name="payout.prior_awards")
async def prior_awards(query: PriorAwardsQuery) -> PriorAwardList:
    return PriorAwardList([])


ACTIVITIES = [review_route, open_task, open_plan, prior_awards]


def applicant() -> ApplicantRef:
    return ApplicantRef(uscc=make_uscc(), name="长治测试企业有限公司", kind="enterprise", region="140400")


def submitted(case_id: str, who: ApplicantRef) -> EventEnvelope:
    return EventEnvelope.wrap(
        ApplicationSubmitted(application_id=case_id, clause_id="test-clause", applicant=who, facts={},
                             submitted_at=datetime.now(UTC)),
        producer="intake", correlation_id=case_id,
    )


def approved(case_id: str, amount_fen: int = 100_000_000) -> EventEnvelope:
    return EventEnvelope.wrap(
        DecisionRecorded(task_id=TASK_ID, case_id=case_id, kind="case_determination", decision="approve", reason="符合条件",
                         decided_by="officer-1",
                         determination=DeterminationRef(clause_id="test-clause", amount_fen=amount_fen,
                                                        citation=Citation(document_number="测试文号", clause_number="1"))),
        producer="review", correlation_id=case_id,
    )
