"""Taking a case through its review route: one task per step, in order; the last step determines.

Used by the case workflows; deterministic (runs inside the workflow). Decisions, and the due date of a
task opened without one, reach the workflow as signals; `DecisionInbox` keeps them by task id and ignores
repeated event ids.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.api.review import EscalateTask, OpenTask, PriorAwardRef, TaskRef
    from contracts.common import ApplicantRef
    from contracts.workflows import DecisionSignal, ResubmissionSignal, TaskDueDatedSignal
    from workflows.activities.routing import Route, RouteQuery
    from workflows.activities.services import TaskEscalation, TaskReminder

# Every activity is one HTTP call (workflows/activities/http.py gives up after 10 s) with an
# idempotency key, so a retry is safe: an attempt lost with a crashed worker is retried after 15 s,
# not held for a minute. Retries go on until the service answers; refusals are non-retryable.
ACTIVITY_OPTIONS: dict[str, Any] = dict(
    start_to_close_timeout=timedelta(seconds=15),
    retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)),
)
DUE_WORKING_DAYS = 5
LOCAL_READS = "reads-as-local-activities"  # workflow.patched() id, see `read`
CHASE_ONCE_DUE_DATED = "chase-once-due-dated"  # workflow.patched() id, see `decision_on`


class DecisionInbox:
    def __init__(self) -> None:
        self.decisions: dict[str, DecisionSignal] = {}
        self.due_dates: dict[str, datetime] = {}  # tasks opened without a due date that got one later
        self.seen_events: set[str] = set()

    def receive(self, signal: DecisionSignal) -> None:
        if signal.event_id in self.seen_events:
            return
        self.seen_events.add(signal.event_id)
        self.decisions.setdefault(signal.task_id, signal)

    def receive_due_date(self, signal: TaskDueDatedSignal) -> None:
        if signal.event_id in self.seen_events:
            return
        self.seen_events.add(signal.event_id)
        self.due_dates.setdefault(signal.task_id, signal.due_at)

    async def wait_for(self, task_id: str) -> DecisionSignal:
        await workflow.wait_condition(lambda: task_id in self.decisions)
        return self.decisions[task_id]


async def chase(inbox: DecisionInbox, tasks: list[tuple[str, str]], due_at: datetime,
                supervising: tuple[str, str] | None) -> None:
    """Wait until every task in `tasks` ((task id, activity key) pairs) is decided, or until the chasing
    is over. Past `due_at` remind each undecided task's assignee (`review.task.overdue`); after as long
    again report them to the supervising office (督办, `review.task.escalated`), where the procedure names
    one. The tasks may still be decided afterwards."""
    def decided() -> bool:
        return all(task_id in inbox.decisions for task_id, _ in tasks)
    allowed = max(due_at - workflow.now(), timedelta(seconds=1))
    for step in ("remind", "escalate") if supervising else ("remind",):
        try:
            await workflow.wait_condition(decided, timeout=allowed)
            return
        except TimeoutError:
            pass
        for task_id, key in tasks:
            if task_id in inbox.decisions:
                continue
            if step == "remind":
                await workflow.execute_activity(
                    "review.remind_task", TaskReminder(task_id=task_id, note="已超过办理时限"), result_type=TaskRef,
                    activity_id=f"remind-{key}", **ACTIVITY_OPTIONS)
            elif supervising is not None:
                await workflow.execute_activity(
                    "review.escalate_task",
                    TaskEscalation(task_id=task_id, escalation=EscalateTask(
                        supervising_role=supervising[0], supervising_org=supervising[1])),
                    result_type=TaskRef, activity_id=f"escalate-{key}", **ACTIVITY_OPTIONS)


async def decision_on(inbox: DecisionInbox, task: TaskRef, key: str, supervising: tuple[str, str] | None) -> DecisionSignal:
    """The decision on one task, chased (see `chase`) once it has a due date. A task opened without one
    (its period reached a year whose holiday schedule was not loaded) waits for its decision or its due
    date (`task_due_dated`, sent when an admin loads that year), whichever comes first.

    A history recorded before the due date signal existed replays the same: waiting on a condition issues
    no command. Chasing a task dated later sits behind `workflow.patched(CHASE_ONCE_DUE_DATED)`, called only
    when the date arrives first: a worker on the code before kept such a signal unhandled and waited, and
    its history replays as it ran."""
    due_at = task.due_at
    if due_at is None:
        task_id = task.task_id
        await workflow.wait_condition(lambda: task_id in inbox.decisions or task_id in inbox.due_dates)
        if task_id not in inbox.decisions and workflow.patched(CHASE_ONCE_DUE_DATED):
            due_at = inbox.due_dates[task_id]
    if due_at is not None:
        await chase(inbox, [(task.task_id, key)], due_at, supervising)
    return await inbox.wait_for(task.task_id)


class SupplementInbox:
    """Supplements (补正) the applicant sent after a department asked for one; each applied once, in order.

    A resubmission is kept while a step that may ask for one is open (`supplemented`), not only once the
    workflow waits: the request's decision and the resubmission can reach the workflow in one activation
    (the bridge or the worker was away meanwhile), and the signal handlers run before the step's code sees
    the request. Intake accepts one resubmission per request, so each kept one answers the next request.
    `patch` names the `workflow.patched()` id under which a workflow took this rule on: its histories from
    before dropped such a resubmission, and replay keeps them as they ran."""

    def __init__(self, *, patch: str | None = None) -> None:
        self.received: list[ResubmissionSignal] = []
        self.seen_events: set[str] = set()
        self.requested = 0
        self.step_open = False
        self._patch = patch

    @property
    def waiting(self) -> bool:
        return self.requested > len(self.received)

    def receive(self, signal: ResubmissionSignal) -> None:
        if signal.event_id in self.seen_events or not (self.waiting or self._early()):
            return
        self.seen_events.add(signal.event_id)
        self.received.append(signal)

    def _early(self) -> bool:
        return self.step_open and (self._patch is None or workflow.patched(self._patch))

    async def wait_for_next(self) -> ResubmissionSignal:
        self.requested += 1
        number = self.requested
        await workflow.wait_condition(lambda: len(self.received) >= number)
        return self.received[number - 1]


async def supplemented(supplements: SupplementInbox | None,
                       decide: Callable[[str | None, int], Awaitable[DecisionSignal]],
                       resubmitted: Callable[[ResubmissionSignal], None]) -> DecisionSignal:
    """The 补正 loop, one for every workflow: `decide(resumes, attempt)` opens the step's task (attempt 1,
    2, …; after a supplement resuming the task that asked for it) and returns its decision. A request for a
    supplement waits for the applicant's resubmission, hands it to `resubmitted` (which takes the new
    facts) and reopens the step; any other decision ends the step. Without `supplements` a request ends
    the step like any decision that is not an approval."""
    if supplements is None:
        return await decide(None, 1)
    supplements.step_open = True
    try:
        resumes, attempt = None, 1
        while (decision := await decide(resumes, attempt)).decision == "supplement":
            resubmitted(await supplements.wait_for_next())
            resumes, attempt = decision.task_id, attempt + 1
        return decision
    finally:
        supplements.step_open = False


async def route_for(clause_id: str, region: str) -> Route:
    return await read(
        "policies.review_route", RouteQuery(clause_id=clause_id, region=region), result_type=Route,
        activity_id=f"review-route-{clause_id}",
    )


async def read(activity: str, argument: Any, *, result_type: type, activity_id: str) -> Any:
    """An activity that only reads (the review route, the prior awards on the ledger), run as a local
    activity: in the workflow task that asks for it, without a round trip through Temporal's task queue,
    so the next task opens one workflow task sooner and the server writes fewer events. Its result is
    recorded like any activity's. Workflows that ran it as an ordinary activity replay as they ran
    (`LOCAL_READS`: memoised per workflow, so such a workflow keeps doing so to its end)."""
    if workflow.patched(LOCAL_READS):
        return await workflow.execute_local_activity(activity, argument, result_type=result_type, activity_id=activity_id,
                                                     **ACTIVITY_OPTIONS)
    return await workflow.execute_activity(activity, argument, result_type=result_type, activity_id=activity_id,
                                           **ACTIVITY_OPTIONS)


async def review_through(
    inbox: DecisionInbox,
    route: Route,
    *,
    case_id: str,
    clause_id: str,
    applicant: ApplicantRef,
    title: str,
    facts: dict[str, Any],
    prior_awards: list[PriorAwardRef] | None = None,
    load_prior_awards: Callable[[], Awaitable[list[PriorAwardRef]]] | None = None,
    round_key: str = "",
    supplements: SupplementInbox | None = None,
) -> DecisionSignal:
    """The decision that ends the route: the first rejection, or the determining approval.

    `load_prior_awards` is called just before the determining step, so the awards counted are
    the ledger's as of the determination, not of the application. With `supplements`, a request
    for a supplement (补正) waits for the applicant's resubmission and reopens the same step with
    the facts as resubmitted and the working days the step had left; without, it ends the route."""
    if not route.steps:
        from temporalio.exceptions import ApplicationError

        raise ApplicationError(f"条款 {clause_id} 未配置审核部门", non_retryable=True)
    decision: DecisionSignal | None = None
    for number, step in enumerate(route.steps, start=1):
        last = number == len(route.steps)
        if last and load_prior_awards is not None:
            prior_awards = [*(prior_awards or []), *await load_prior_awards()]

        async def decide(resumes: str | None, attempt: int) -> DecisionSignal:
            task = await workflow.execute_activity(
                "review.open_task",
                OpenTask(
                    case_id=case_id,
                    kind="case_determination" if last else "case_review",
                    title=f"{title}（{'核定' if last else '审核'}{'·补正后' if resumes else ''}）",
                    assignee_role=step.role,
                    assignee_org=step.organisation,
                    clause_id=clause_id,
                    applicant=applicant,
                    facts=facts,
                    prior_awards=prior_awards or [],
                    due_working_days=DUE_WORKING_DAYS,
                    resumes_task_id=resumes,
                ),
                result_type=TaskRef,
                activity_id=f"open-task{round_key}-{number}" + (f"-supplemented-{attempt}" if resumes else ""),
                **ACTIVITY_OPTIONS,
            )
            # past its working days the department is reminded; the seeds name no office that
            # supervises a city department's case work, so there is no escalation here
            return await decision_on(inbox, task, f"task{round_key}-{number}-{attempt}", None)

        def resubmitted(resubmission: ResubmissionSignal) -> None:
            nonlocal facts
            facts = resubmission.facts or facts

        decision = await supplemented(supplements, decide, resubmitted)
        if decision.decision != "approve":
            return decision
    assert decision is not None
    return decision
