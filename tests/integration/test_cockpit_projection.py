"""The leaders' cockpit's projection (长办发〔2020〕17号 第28条) on the real broker, on SQLite and PostgreSQL: the
`cockpit` consumer applies the services' events once each, in any order, and payout's budget loads reach it
through payout's own outbox."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from contracts.common import ApplicantRef, Citation, DeterminationRef
from contracts.envelope import EventEnvelope
from contracts.events.intake import ApplicationResubmitted, ApplicationSubmitted
from contracts.events.payout import PayoutPlanOpened, PayoutStageApproved, PayoutStageDisbursed, StageRef
from contracts.events.review import DecisionRecorded, TaskDueDated, TaskOpened
from contracts.events.selection import CandidacyRef, CandidateNominated, CandidatePublished
from contracts.topology import topology
from policies.calendar import WorkingDayCalendar
from services.portal.adapters.cockpit_tables import steps as step_rows
from services.portal.service_layer.cockpit import Period, dashboard
from tests.support import cockpit as support_cockpit
from tests.support.bus import publish_envelope
from tests.support.payout import finance
from tests.support.stack import Stack
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
CITATION = Citation(document_number="长科发〔2022〕5号", clause_number="8.3")


def beijing(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def envelope(payload, case_id: str, occurred_at: dt.datetime, producer: str) -> EventEnvelope:  # type: ignore[no-untyped-def]
    return EventEnvelope.wrap(payload, producer=producer, correlation_id=case_id).model_copy(update={"occurred_at": occurred_at})


def one_case(case_id: str, applicant: ApplicantRef) -> list[EventEnvelope]:
    """An 8.3 case: applied, 补正 asked and answered, two steps, 核定 200,000.00元, approved and paid (June 2025)."""
    determination = DeterminationRef(clause_id="ckf2022-8.3", amount_fen=20_000_000, citation=CITATION)
    stage = dict(plan_id=f"PLAN-{case_id}", case_id=case_id, stage_id=f"STG-{case_id}", sequence=1, clause_id="ckf2022-8.3",
                 recipient=applicant, amount_fen=20_000_000)
    return [
        envelope(ApplicationSubmitted(application_id=case_id, clause_id="ckf2022-8.3", applicant=applicant,
                                      submitted_at=beijing("2025-06-02", 9)), case_id, beijing("2025-06-02", 9), "intake"),
        envelope(TaskOpened(task_id=f"T1-{case_id}", case_id=case_id, kind="case_review", title="审核",
                            assignee_role="competent_department", assignee_org="140400.city_foreign_expert_center",
                            due_at=beijing("2025-06-09", 23)), case_id, beijing("2025-06-02"), "review"),
        envelope(DecisionRecorded(task_id=f"T1-{case_id}", case_id=case_id, kind="case_review", decision="supplement",
                                  reason="材料不全", decided_by="center-officer-1", missing_items=["登记证明"]),
                 case_id, beijing("2025-06-03"), "review"),
        envelope(ApplicationResubmitted(application_id=case_id, note="补交", resubmitted_at=beijing("2025-06-04")),
                 case_id, beijing("2025-06-04"), "intake"),
        envelope(TaskOpened(task_id=f"T2-{case_id}", case_id=case_id, kind="case_determination", title="核定",
                            assignee_role="competent_department", assignee_org="140400.city_science_bureau"),
                 case_id, beijing("2025-06-04", 11), "review"),
        envelope(DecisionRecorded(task_id=f"T2-{case_id}", case_id=case_id, kind="case_determination", decision="approve",
                                  reason="符合条件", decided_by="science-officer-1", determination=determination),
                 case_id, beijing("2025-06-09"), "review"),
        envelope(PayoutPlanOpened(plan_id=f"PLAN-{case_id}", case_id=case_id, clause_id="ckf2022-8.3", recipient=applicant,
                                  total_fen=20_000_000, citation=CITATION,
                                  stages=[StageRef(stage_id=f"STG-{case_id}", sequence=1, amount_fen=20_000_000)]),
                 case_id, beijing("2025-06-10"), "payout"),
        envelope(PayoutStageApproved(**stage, plan_status="open"), case_id, beijing("2025-06-11"), "payout"),
        envelope(PayoutStageDisbursed(**stage, plan_status="completed", bank_reference="B-1",
                                      disbursed_on=dt.date(2025, 6, 12)), case_id, beijing("2025-06-12"), "payout"),
    ]


def selection(applicant: ApplicantRef) -> list[EventEnvelope]:
    candidacy = CandidacyRef(candidacy_id="CAND-1", round_id="SEL-1", kind="chain_leader", chain_id="cz_photovoltaic",
                             enterprise=applicant, assignee_role="city_industry_bureau", assignee_org="140400.city_industry_bureau")
    return [envelope(CandidateNominated(candidacy=candidacy, nominated_at=beijing("2025-06-02")), "CAND-1", beijing("2025-06-02"),
                     "intake"),
            envelope(CandidatePublished(round_id="SEL-1", candidacy_id="CAND-1", kind="chain_leader", chain_id="cz_photovoltaic",
                                        enterprise=applicant, year=2025, published_on=dt.date(2025, 6, 20)),
                     "CAND-1", beijing("2025-06-20"), "review")]


class CockpitProcess(support_cockpit.CockpitProcess):
    """The `cockpit` process's consumer, and the figures its projection shows."""

    def figures(self, period: Period):  # type: ignore[no-untyped-def]
        return dashboard(self.runtime.db, WorkingDayCalendar(), beijing("2025-06-30"), period)


def test_events_in_any_order_and_redelivered_give_the_same_figures(settings, databases):
    applicant = ApplicantRef(uscc=make_uscc(), name="长治示例科技有限公司", region="140400")
    other = ApplicantRef(uscc=make_uscc("140423"), name="襄垣示例有限公司", region="140423")
    case_a, case_b = f"APP-{uuid.uuid4().hex[:8]}", f"APP-{uuid.uuid4().hex[:8]}"
    in_order = one_case(case_a, applicant) + selection(applicant)
    shuffled = list(reversed(one_case(case_b, other)))  # payment first, application last
    exchange = topology(settings.amqp_namespace).exchange
    with CockpitProcess(settings, databases) as cockpit:
        for item in in_order + shuffled:
            publish_envelope(settings.amqp_url, exchange, item)
        publish_envelope(settings.amqp_url, exchange, in_order[5], times=2)  # a relay publishing again after a lost confirm
        total = len(in_order) + len(shuffled)
        eventually(lambda: cockpit.applied() == total, timeout=60, what=f"{total} events applied")

        board = cockpit.figures(Period.month(2025, 6))
    assert board.applications == 2
    assert [(c.key, c.count) for c in board.by_status] == [("completed", 2)]
    assert [(c.label, c.count) for c in board.by_region] == [("长治市", 1), ("襄垣县", 1)]
    assert [(c.key, c.count) for c in board.by_clause] == [("ckf2022-8.3", 2)]
    assert board.by_clause[0].label.startswith("长科发〔2022〕5号 第8.3条")
    money = board.money
    assert (money.determined_fen, money.approved_fen, money.paid_fen) == (40_000_000, 40_000_000, 40_000_000)
    steps = {row.figures.kind: row.figures for row in board.steps}
    # 补正 asked the next working day (1), 核定 from Wed 4 to Mon 9 June (2025: 端午 holiday 31 May–2 June only): 3.
    assert steps["case_review"].median_days == 1 and steps["case_review"].decided == 2
    assert steps["case_determination"].median_days == 3 and steps["case_determination"].p90_days == 3
    assert steps["case_review"].overdue_share == 0
    assert [(s.key, s.count) for s in board.funnel][:2] == [("nominated", 1), ("recommended", 1)]
    assert board.funnel[-1].count == 1


def test_a_budget_finance_loads_at_payout_reaches_the_cockpit_through_payouts_outbox(settings, databases):
    with CockpitProcess(settings, databases) as cockpit, Stack(settings, databases, services=("payout",)) as stack:
        with finance(stack, "zhang", "city_finance_bureau", "140400") as zhang:
            for amount in (50_000_000, 80_000_000):  # loaded, then raised: the later load counts
                loaded = zhang.post("/finance/budgets", json={"fund_id": "city:140400", "year": 2025, "amount_fen": amount})
                assert loaded.status_code == 201, loaded.text
        eventually(lambda: cockpit.figures(Period.year(2025)).money.budget_fen == 80_000_000, timeout=60,
                   what="the raised budget in the cockpit")
        board = cockpit.figures(Period.year(2025))
    assert board.money.budget_funds == 1 and board.money.approved_share == 0
    assert cockpit.figures(Period.year(2026)).money.budget_fen == 0


def test_a_step_dated_after_it_opened_is_judged_by_that_date_whatever_the_order_and_once(settings, databases):
    """A task opened without a due date (its period reached a year whose holidays were not loaded) and dated later by
    review.task.due_dated counts as overdue once decided after that date; its date arriving before the task's opened
    event (a replayed dead letter) is kept, and the same event again changes nothing."""
    applicant = ApplicantRef(uscc=make_uscc(), name="长治示例科技有限公司", region="140400")
    center = "140400.city_foreign_expert_center"
    exchange = topology(settings.amqp_namespace).exchange

    def case(case_id: str, decided: dt.datetime, dated_first: bool) -> list[EventEnvelope]:
        task = dict(task_id=f"T-{case_id}", case_id=case_id, kind="case_review", assignee_role="competent_department",
                    assignee_org=center)
        opened = envelope(TaskOpened(**task, title="审核"), case_id, beijing("2025-06-03"), "review")
        dated = envelope(TaskDueDated(**task, due_at=beijing("2025-06-06", 0)), case_id, beijing("2025-06-04"), "review")
        return [envelope(ApplicationSubmitted(application_id=case_id, clause_id="ckf2022-8.3", applicant=applicant,
                                              submitted_at=beijing("2025-06-02")), case_id, beijing("2025-06-02"), "intake"),
                *([dated, opened] if dated_first else [opened, dated]),
                envelope(DecisionRecorded(**{k: task[k] for k in ("task_id", "case_id", "kind")}, decision="approve", reason="同意",
                                          decided_by="center-officer-1"), case_id, decided, "review")]

    late, on_time = f"APP-{uuid.uuid4().hex[:8]}", f"APP-{uuid.uuid4().hex[:8]}"
    events = case(late, beijing("2025-06-09"), dated_first=False) + case(on_time, beijing("2025-06-05"), dated_first=True)
    sentinel = envelope(ApplicationSubmitted(application_id=f"APP-{uuid.uuid4().hex[:8]}", clause_id="ckf2022-8.3", applicant=applicant,
                                             submitted_at=beijing("2025-07-01")), "JULY", beijing("2025-07-01"), "intake")
    with CockpitProcess(settings, databases) as cockpit:
        def seen() -> tuple[object, dict]:
            with cockpit.runtime.db.engine.connect() as conn:
                due = dict(conn.execute(select(step_rows.c.case_id, step_rows.c.due_at)).tuples().all())
            return cockpit.figures(Period.month(2025, 6)), due

        for item in events:
            publish_envelope(settings.amqp_url, exchange, item)
        publish_envelope(settings.amqp_url, exchange, events[2], times=2)  # the late task's due date, twice more
        eventually(lambda: cockpit.applied() == len(events), timeout=60, what=f"{len(events)} events applied")
        board, due = seen()
        publish_envelope(settings.amqp_url, exchange, events[2])  # once more, after everything was applied
        publish_envelope(settings.amqp_url, exchange, sentinel)  # a July case: once it is in, so is the event before it
        eventually(lambda: cockpit.applied() == len(events) + 1, timeout=60, what="the July case applied")
        again = seen()
    assert due == {late: beijing("2025-06-06", 0), on_time: beijing("2025-06-06", 0)}
    [review] = [row.figures for row in board.steps if row.figures.kind == "case_review"]
    assert (review.decided, review.overdue, review.overdue_share) == (2, 1, 0.5), "decided on Mon 9 June, after the end of Thu 5 June"
    assert again == (board, due), "the due date applied again changes nothing"
