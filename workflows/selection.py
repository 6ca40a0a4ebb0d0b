"""Selection of chain_leader / chain_core enterprises (晋政办发〔2023〕44号, seed 004 §10.3).

SelectionRound (one per round, id = round id) collects nominations until the window closes and runs
one SelectionCandidacy child per candidacy (id = candidacy id). A candidacy goes: city recommendation
(the registration city's industry bureau or the reform-zone committee; it then submits its list) → completeness check by the
province_chain_office (补正 loop: the SLA clock stops while the request is with the enterprise) → expert
panel (seeded draw, recusal and replacement, quorum, majority → proposed list) →
approval (chain_leader: the leading_group, or per round the chain_chief then the chief_of_chiefs;
chain_core: the chain_lead_unit submits to its chain_chief, and the round has the province_chain_office
gather the approved lists in one task). The round then opens the publicity on
review (≥ 7 working days; if the calendar cannot count the end year it waits, after an alert, until an
admin loads it), sleeps on a durable timer until the period ends, waits until every objection is
verified, and publishes. Decisions are made over HTTP on review; the workflows only hear events.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel
    from temporalio.exceptions import ActivityError, ApplicationError

    from contracts.api.review import OpenTask, TaskRef
    from contracts.api.selection import DrawPanel, OpenPublicity, PanelRecommendation, PanelRef, PublicityState, Publish
    from contracts.events.selection import PublicityEntry
    from contracts.workflows import (
        CandidacyInput,
        DecisionSignal,
        ListedSignal,
        NominationSignal,
        ObjectionVerifiedSignal,
        ResubmissionSignal,
        SelectionRoundInput,
        TaskDueDatedSignal,
    )
    from policies.selection import LEADING_GROUP, PROVINCE_CHAIN_OFFICE, approval_steps, supervisor
    from workflows import beijing
    from workflows.activities.selection import PublicationRequest, PublicityQuery, RecommendationRequest
    from workflows.review_steps import ACTIVITY_OPTIONS, DecisionInbox, SupplementInbox, chase, decision_on, supplemented

DUE_WORKING_DAYS = 5
CALENDAR_RETRY = timedelta(hours=6)
PANEL_DUE_DATED = "panel-chased-once-due-dated"  # workflow.patched() id: an undated panel waits for its due dates
OBJECTION_POLL = timedelta(days=1)
KIND_ZH = {"chain_leader": "链主", "chain_core": "链核"}


class CandidacyOutcome(BaseModel):
    candidacy_id: str
    status: str  # approved | declined | incomplete | not_proposed | not_approved
    reason: str = ""


class RoundOutcome(BaseModel):
    round_id: str
    status: str
    candidacies: dict[str, str]
    published: list[str] = []
    publicity_ends_at: datetime | None = None


@workflow.defn(name="SelectionCandidacy")
class SelectionCandidacyWorkflow:
    def __init__(self) -> None:
        self._inbox = DecisionInbox()
        self._status = "started"
        self._supplements = SupplementInbox()
        self._sla_elapsed = timedelta(0)
        self._sla_started: datetime | None = None
        self._listed = False
        self._facts: dict = {}
        self._precheck: dict = {}

    @workflow.run
    async def run(self, case: CandidacyInput) -> CandidacyOutcome:
        candidacy = case.candidacy
        self._facts, self._precheck = candidacy.facts, candidacy.precheck
        label = f"{candidacy.enterprise.name} — {candidacy.chain_id} {KIND_ZH.get(candidacy.kind, candidacy.kind)}遴选"
        self._status = "city_recommendation"
        decision = await self._task(case, "city_recommendation", candidacy.assignee_role, candidacy.assignee_org,
                                    f"遴选推荐：{label}")
        if decision.decision != "approve":
            return self._end(candidacy.candidacy_id, "declined", decision.reason)
        # the bureau submits its whole recommendation list to the province_chain_office
        self._status = "awaiting_list"
        await workflow.wait_condition(lambda: self._listed)
        decision = await supplemented(self._supplements, lambda resumes, attempt: self._check(case, label, resumes, attempt),
                                      self._resubmitted)
        if decision.decision != "approve":
            # 对通过完整性核查的企业进行综合评价 (§10.3 (三)): one that does not pass goes no further
            return self._end(candidacy.candidacy_id, "incomplete", decision.reason)
        self._status = "expert_review"
        if not await self._expert_review(case, label):
            return self._end(candidacy.candidacy_id, "not_proposed", "专家评审未列入建议名单")
        for kind, role, organisation, step_label in approval_steps(candidacy.kind, candidacy.chain_id, case.approval_route):
            self._status = kind
            decision = await self._task(case, kind, role, organisation, f"{step_label}：{label}")
            if decision.decision != "approve":
                return self._end(candidacy.candidacy_id, "not_approved", decision.reason)
        return self._end(candidacy.candidacy_id, "approved", decision.reason)

    async def _check(self, case: CandidacyInput, label: str, resumes: str | None, attempt: int) -> DecisionSignal:
        """The completeness check; while a 补正 request is with the enterprise the SLA clock stays stopped,
        and the check reopens with the working days it had left."""
        self._status = "completeness_check"
        self._clock_start()
        decision = await self._task(case, "completeness_check", *PROVINCE_CHAIN_OFFICE,
                                    f"完整性核查{'（补正后）' if resumes else ''}：{label}", key=f"-{attempt}", resumes=resumes)
        self._clock_stop()
        return decision

    def _resubmitted(self, resubmission: ResubmissionSignal) -> None:
        self._facts = resubmission.facts or self._facts
        self._precheck = resubmission.precheck or self._precheck

    async def _task(self, case: CandidacyInput, kind: str, role: str, organisation: str, title: str,
                    key: str = "", resumes: str | None = None) -> DecisionSignal:
        candidacy = case.candidacy
        task = await workflow.execute_activity(
            "review.open_task",
            OpenTask(case_id=candidacy.candidacy_id, kind=kind, title=title[:300], assignee_role=role,
                     assignee_org=organisation, applicant=candidacy.enterprise,
                     facts={"round_id": candidacy.round_id, "chain_id": candidacy.chain_id, "kind": candidacy.kind,
                            "zone_id": candidacy.zone_id, "declared": self._facts, "precheck": self._precheck},
                     due_working_days=DUE_WORKING_DAYS, resumes_task_id=resumes),
            result_type=TaskRef, activity_id=f"open-task-{kind}{key}", **ACTIVITY_OPTIONS,
        )
        return await decision_on(self._inbox, task, f"{kind}{key}", supervisor(role, organisation, candidacy.chain_id))

    async def _expert_review(self, case: CandidacyInput, label: str) -> bool:
        """Panel drawn with a recorded seed (recusals replaced on review); every member scores and gives
        an opinion; past the due date the quorum suffices; the majority decides the proposed list."""
        candidacy = case.candidacy
        seed = workflow.random().randint(0, 2**62)
        attempt = 0
        while True:
            attempt += 1
            try:
                panel = await workflow.execute_activity(
                    "review.draw_panel",
                    DrawPanel(case_id=candidacy.candidacy_id, chain_id=candidacy.chain_id, enterprise=candidacy.enterprise,
                              title=f"专家评审：{label}"[:300], seed=seed, due_working_days=DUE_WORKING_DAYS,
                              facts={"round_id": candidacy.round_id, "chain_id": candidacy.chain_id,
                                     "declared": self._facts, "precheck": self._precheck}),
                    result_type=PanelRef, activity_id=f"draw-panel-{attempt}", **ACTIVITY_OPTIONS)
                break
            except ActivityError as error:
                cause = error.cause
                if not (isinstance(cause, ApplicationError) and cause.type == "http_409"):
                    raise
                # the chain's expert pool is not loaded (or too small after recusals): wait for the admin
                self._status = "awaiting_expert_pool"
                await workflow.sleep(CALENDAR_RETRY)
        self._status = "expert_review"
        tasks = [m.task_id for m in panel.members]
        chased = [(m.task_id, f"expert-{m.expert_id}") for m in panel.members]
        dues = [m.due_at for m in panel.members if m.due_at is not None]
        if dues:  # overdue experts are reminded, then reported to the province_chain_office; then the quorum suffices
            await chase(self._inbox, chased, min(dues), PROVINCE_CHAIN_OFFICE)
        elif workflow.patched(PANEL_DUE_DATED):
            # No due date yet (the calendar cannot count it): until review dates the members' tasks (an admin loads
            # the year: `task_due_dated`), or at most twice the usual time, after which the quorum suffices. Dated
            # in time, the panel is chased as if drawn with its due dates.
            def settled() -> bool:
                return all(t in self._inbox.decisions for t in tasks) or any(t in self._inbox.due_dates for t in tasks)
            try:
                await workflow.wait_condition(settled, timeout=timedelta(days=DUE_WORKING_DAYS * 2))
            except TimeoutError:
                pass
            dated = [self._inbox.due_dates[t] for t in tasks if t in self._inbox.due_dates]
            if dated and not all(t in self._inbox.decisions for t in tasks):
                await chase(self._inbox, chased, min(dated), PROVINCE_CHAIN_OFFICE)
        else:  # histories from before PANEL_DUE_DATED: the quorum sufficed after twice the usual time
            try:
                await workflow.wait_condition(lambda: all(t in self._inbox.decisions for t in tasks),
                                              timeout=timedelta(days=DUE_WORKING_DAYS * 2))
            except TimeoutError:
                pass
        # the draw seats at least the quorum, so every member having decided meets it too
        await workflow.wait_condition(lambda: sum(t in self._inbox.decisions for t in tasks) >= panel.quorum)
        decided = [self._inbox.decisions[t] for t in tasks if t in self._inbox.decisions]
        approvals = sum(d.decision == "approve" for d in decided)
        proposed = approvals * 2 > len(decided)
        await workflow.execute_activity(
            "review.panel_recommendation",
            RecommendationRequest(case_id=candidacy.candidacy_id, recommendation=PanelRecommendation(
                proposed=proposed, approvals=approvals, rejections=len(decided) - approvals)),
            result_type=PanelRef, activity_id="panel-recommendation", **ACTIVITY_OPTIONS)
        return proposed

    def _end(self, candidacy_id: str, status: str, reason: str) -> CandidacyOutcome:
        self._status = status
        return CandidacyOutcome(candidacy_id=candidacy_id, status=status, reason=reason)

    def _clock_start(self) -> None:
        self._sla_started = workflow.now()

    def _clock_stop(self) -> None:
        if self._sla_started is not None:
            self._sla_elapsed += workflow.now() - self._sla_started
            self._sla_started = None

    @workflow.signal(name="decision_recorded")
    def decision_recorded(self, signal: DecisionSignal) -> None:
        self._inbox.receive(signal)

    @workflow.signal(name="task_due_dated")
    def task_due_dated(self, signal: TaskDueDatedSignal) -> None:
        self._inbox.receive_due_date(signal)

    @workflow.signal(name="listed")
    def listed(self, signal: ListedSignal) -> None:
        self._listed = True

    @workflow.signal(name="resubmitted")
    def resubmitted(self, signal: ResubmissionSignal) -> None:
        self._supplements.receive(signal)

    @workflow.query(name="status")
    def status(self) -> str:
        return "supplement_requested" if self._supplements.waiting else self._status

    @workflow.query(name="sla")
    def sla(self) -> dict:
        """The completeness-check SLA clock: stopped while a 补正 request is with the enterprise."""
        elapsed = self._sla_elapsed + (workflow.now() - self._sla_started if self._sla_started else timedelta(0))
        return {"running": self._sla_started is not None, "elapsed_seconds": elapsed.total_seconds(),
                "supplements": self._supplements.requested}


@workflow.defn(name="SelectionRound")
class SelectionRoundWorkflow:
    def __init__(self) -> None:
        self._status = "nominating"
        self._pending: list[NominationSignal] = []
        self._seen: set[str] = set()
        self._children: dict[str, workflow.ChildWorkflowHandle] = {}
        self._candidacies: dict[str, NominationSignal] = {}
        self._verified = 0
        self._ends_at: datetime | None = None
        self._inbox = DecisionInbox()

    @workflow.run
    async def run(self, selection: SelectionRoundInput) -> RoundOutcome:
        while True:
            await self._start_pending(selection)
            remaining = selection.nomination_closes_at - workflow.now()
            if remaining <= timedelta(0):
                break
            try:
                await workflow.wait_condition(lambda: bool(self._pending), timeout=remaining)
            except TimeoutError:
                pass
        self._status = "reviewing"
        outcomes: dict[str, str] = {}
        while self._pending or len(outcomes) < len(self._children):
            await self._start_pending(selection)
            for candidacy_id, handle in list(self._children.items()):
                if candidacy_id not in outcomes:
                    outcome: CandidacyOutcome = await handle
                    outcomes[candidacy_id] = outcome.status
        approved = [self._candidacies[c].candidacy for c, status in outcomes.items() if status == "approved"]
        if not approved:
            self._status = "closed_without_candidates"
            return RoundOutcome(round_id=selection.round_id, status=self._status, candidacies=outcomes)
        if selection.kind == "chain_core":
            await self._gather(selection, approved)
        state = await self._open_publicity(selection, approved)
        assert state.ends_at is not None
        self._ends_at = state.ends_at
        self._status = "in_publicity"
        remaining = state.ends_at - workflow.now()
        if remaining > timedelta(0):
            await workflow.sleep(remaining)  # durable timer: the period ends at 24:00 of its last working day
        poll = 0
        while True:
            poll += 1
            state = await workflow.execute_activity(
                "review.publicity_state", PublicityQuery(round_id=selection.round_id), result_type=PublicityState,
                activity_id=f"publicity-state-{poll}", **ACTIVITY_OPTIONS)
            if state.unresolved_objections == 0:
                break
            self._status = "awaiting_objections"
            seen = self._verified
            try:
                await workflow.wait_condition(lambda: self._verified > seen, timeout=OBJECTION_POLL)
            except TimeoutError:
                pass
        state = await workflow.execute_activity(
            "review.publish_selection", PublicationRequest(round_id=selection.round_id, publish=Publish(as_of=workflow.now())),
            result_type=PublicityState, activity_id="publish", **ACTIVITY_OPTIONS)
        self._status = "published"
        for entry in state.entries:
            outcomes[entry.candidacy_id] = entry.status
        return RoundOutcome(round_id=selection.round_id, status=self._status, candidacies=outcomes,
                            published=[e.candidacy_id for e in state.entries if e.status == "published"],
                            publicity_ends_at=self._ends_at)

    async def _gather(self, selection: SelectionRoundInput, approved: list) -> None:
        """链核: the lists each chain_chief approved go to the province_chain_office, which gathers them (汇总)
        before the publicity (seed 004 §10.3, last paragraph: 经链长同意后,报省链长办汇总)."""
        self._status = "gathering"
        task = await workflow.execute_activity(
            "review.open_task",
            OpenTask(case_id=selection.round_id, kind="list_gathering",
                     title=f"汇总{selection.year}年链核企业名单（{len(approved)}家）", assignee_role=PROVINCE_CHAIN_OFFICE[0],
                     assignee_org=PROVINCE_CHAIN_OFFICE[1], due_working_days=DUE_WORKING_DAYS,
                     facts={"round_id": selection.round_id, "kind": selection.kind, "approved": [
                         {"candidacy_id": c.candidacy_id, "chain_id": c.chain_id, "enterprise": c.enterprise.model_dump(mode="json")}
                         for c in approved]}),
            result_type=TaskRef, activity_id="open-task-list_gathering", **ACTIVITY_OPTIONS)
        await decision_on(self._inbox, task, "list_gathering", LEADING_GROUP)

    async def _open_publicity(self, selection: SelectionRoundInput, approved: list) -> PublicityState:
        starts_on: date = selection.publicity_starts_on or beijing.today()
        command = OpenPublicity(
            round_id=selection.round_id, year=selection.year, working_days=selection.publicity_working_days,
            starts_on=starts_on,
            entries=[PublicityEntry(candidacy_id=c.candidacy_id, kind=c.kind, chain_id=c.chain_id, enterprise=c.enterprise,
                                    zone_id=c.zone_id) for c in approved])
        attempt = 0
        while True:
            attempt += 1
            state = await workflow.execute_activity("review.open_publicity", command, result_type=PublicityState,
                                                    activity_id=f"open-publicity-{attempt}", **ACTIVITY_OPTIONS)
            if state.status != "awaiting_calendar":
                return state
            # The end falls in a year the statutory calendar cannot count: review raised the alert;
            # wait for an admin to load that year's schedule (never guessed), then try again.
            self._status = "awaiting_calendar"
            await workflow.sleep(CALENDAR_RETRY)

    async def _start_pending(self, selection: SelectionRoundInput) -> None:
        while self._pending:
            signal = self._pending.pop(0)
            candidacy = signal.candidacy
            if candidacy.candidacy_id in self._children:
                continue
            self._candidacies[candidacy.candidacy_id] = signal
            self._children[candidacy.candidacy_id] = await workflow.start_child_workflow(
                "SelectionCandidacy",
                CandidacyInput(candidacy=candidacy, approval_route=selection.approval_route, year=selection.year),
                id=candidacy.candidacy_id, result_type=CandidacyOutcome,
            )

    @workflow.signal(name="nominated")
    def nominated(self, signal: NominationSignal) -> None:
        if signal.event_id in self._seen:
            return
        self._seen.add(signal.event_id)
        self._pending.append(signal)

    @workflow.signal(name="decision_recorded")
    def decision_recorded(self, signal: DecisionSignal) -> None:
        self._inbox.receive(signal)

    @workflow.signal(name="task_due_dated")
    def task_due_dated(self, signal: TaskDueDatedSignal) -> None:
        self._inbox.receive_due_date(signal)

    @workflow.signal(name="objection_verified")
    def objection_verified(self, signal: ObjectionVerifiedSignal) -> None:
        if signal.event_id in self._seen:
            return
        self._seen.add(signal.event_id)
        self._verified += 1

    @workflow.query(name="status")
    def status(self) -> str:
        return self._status

    @workflow.query(name="publicity_ends_at")
    def publicity_ends_at(self) -> str | None:
        return self._ends_at.isoformat() if self._ends_at else None
