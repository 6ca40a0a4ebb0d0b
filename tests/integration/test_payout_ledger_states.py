"""Hypothesis state machine over the ledger's service layer: whatever finance does in whatever order,
the journal balances, no recipient is paid more than was approved, replaying the journal reproduces
the stored balances, and each stage follows the lifecycle the model predicts."""
from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule, run_state_machine_as_test

from contracts.api.payout import ClawBack, OpenPayoutPlan, RecordDisbursement, RecordFailure, StageStatus
from contracts.common import ApplicantRef, Citation, DeterminationRef
from duixian.services import entrypoint
from infra import migrations
from infra.auth import Principal
from infra.clock import beijing_today
from infra.errors import DomainError
from infra.settings import Settings
from infra.uow import UnitOfWork
from services.payout.adapters.orm import PayoutStage
from services.payout.domain.plan import TRANSITIONS
from services.payout.service_layer import ledger as ledger_io
from services.payout.service_layer import plans, stages
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration

PREPARER = Principal(subject="zhang@140400.city_finance_bureau", role="city_finance_bureau",
                     organisation="140400.city_finance_bureau", region="140400")
APPROVER = PREPARER.model_copy(update={"subject": "li@140400.city_finance_bureau"})
WORKFLOW = Principal(subject="duixian-worker", role="workflow", organisation="duixian")
ACTIONS = ("prepare", "approve", "disburse", "fail", "retry", "claw_back")


def build(databases):  # type: ignore[no-untyped-def]
    runtime = entrypoint("payout").build_runtime(Settings(environment="test"), databases.open("payout"))
    migrations.upgrade(runtime)
    return runtime


class Ledger(RuleBasedStateMachine):
    runtime = None  # set per test
    stages = Bundle("stages")

    def __init__(self) -> None:
        super().__init__()
        self.recipients = [make_uscc("140423") for _ in range(2)]
        self.model: dict[str, StageStatus] = {}
        self.recipient_of: dict[str, str] = {}

    def uow(self, principal: Principal) -> UnitOfWork:
        return UnitOfWork(self.runtime, actor=principal.as_actor())  # type: ignore[arg-type]

    @rule(target=stages, who=st.integers(0, 1), amounts=st.lists(st.integers(1, 5_000_000), min_size=1, max_size=3))
    def open_plan(self, who: int, amounts: list[int]):  # type: ignore[no-untyped-def]
        uscc = self.recipients[who]
        command = OpenPayoutPlan(
            case_id=f"CASE-{uuid.uuid4().hex[:12]}",
            recipient=ApplicantRef(uscc=uscc, name="企业", region="140423"),
            determination=DeterminationRef(clause_id="ckf2022-8.3", amount_fen=sum(amounts), project_id=uuid.uuid4().hex[:10],
                                           citation=Citation(document_number="长科发〔2022〕5号", clause_number="8.3")),
            stage_amounts_fen=amounts)
        with self.uow(WORKFLOW) as uow:
            ref = plans.open_plan(uow, command)
            uow.commit()
        with self.uow(WORKFLOW) as uow:
            opened = plans.get_plan(uow, WORKFLOW, ref.plan_id)
        ids = [s.id for s in opened.stages]
        for stage_id in ids:
            self.model[stage_id] = StageStatus.PENDING
            self.recipient_of[stage_id] = uscc
        return multiple(*ids)

    @rule(stage=stages, action=st.sampled_from(ACTIONS), same_person=st.booleans())
    def act(self, stage: str, action: str, same_person: bool):  # type: ignore[no-untyped-def]
        before = self.model[stage]
        allowed = before in TRANSITIONS[action][0]
        principal = PREPARER if (action != "approve" or same_person) else APPROVER
        expect_ok = allowed and not (action == "approve" and same_person)
        with self.uow(principal) as uow:
            try:
                if action == "prepare":
                    result = stages.prepare(uow, principal, stage)
                elif action == "approve":
                    result = stages.approve(uow, principal, stage)
                elif action == "disburse":
                    result = stages.disburse(uow, principal, stage,
                                             RecordDisbursement(bank_reference=uuid.uuid4().hex[:12], disbursed_on=beijing_today()))
                elif action == "fail":
                    result = stages.fail(uow, principal, stage, RecordFailure(reason="退回"))
                elif action == "retry":
                    result = stages.retry(uow, principal, stage)
                else:
                    result = stages.claw_back(uow, principal, stage, ClawBack(reason="查实不符"))
                uow.commit()
            except DomainError:
                assert not expect_ok, f"{action} from {before} was refused"
                return
        assert expect_ok, f"{action} from {before} ({'same' if same_person else 'other'} person) was accepted"
        self.model[stage] = TRANSITIONS[action][1]
        assert result.status == self.model[stage]

    @invariant()
    def journal_balances_and_replays(self) -> None:
        with self.uow(WORKFLOW) as uow:
            stored = ledger_io.balances(uow)
            assert ledger_io.replayed_balances(uow) == stored
            assert sum(stored.values()) == 0

    @invariant()
    def nobody_is_paid_more_than_approved(self) -> None:
        with self.uow(WORKFLOW) as uow:
            stored = ledger_io.balances(uow)
        for uscc in self.recipients:
            # payable: credited at approval, debited when paid; a debit balance would mean overpayment
            assert stored.get(f"payable:{uscc}", 0) <= 0
            outstanding = sum(self.amount(s) for s, status in self.model.items()
                              if self.recipient_of[s] == uscc and status in (StageStatus.APPROVED, StageStatus.FAILED))
            assert -stored.get(f"payable:{uscc}", 0) == outstanding

    def amount(self, stage_id: str) -> int:
        with self.uow(WORKFLOW) as uow:
            return uow.session.get(PayoutStage, stage_id).amount_fen  # type: ignore[union-attr]


def test_ledger_state_machine(databases):  # type: ignore[no-untyped-def]
    Ledger.runtime = build(databases)
    try:
        run_state_machine_as_test(Ledger, settings=settings(max_examples=30, stateful_step_count=25, deadline=None,
                                                             suppress_health_check=list(HealthCheck), database=None))
    finally:
        Ledger.runtime.db.dispose()  # type: ignore[attr-defined]
