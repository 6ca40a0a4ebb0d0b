"""Bank references (银行流水号/凭证号): one bank transfer is recorded as one disbursement of one stage.

A disbursement claims its reference for every fund that pays the stage (`bank_references`, primary key
fund + reference). The claim is an INSERT that the primary key decides, so two requests racing with one
reference on two stages cannot both win (PostgreSQL: the second waits for the first to commit and then
finds the row; SQLite: writers are serialised). A claim is never released: a returned (退回) or clawed-back
transfer still happened, and paying the stage again is a new transfer with a new reference.
"""
from __future__ import annotations

from contracts.api.payout import StageStatus
from infra.auth import Principal
from infra.clock import utcnow
from infra.db import insert_if_absent, table_of
from infra.errors import Conflict, FieldError, InvalidRequest
from infra.uow import UnitOfWork
from services.payout.adapters.orm import BankReference, PayoutPlan, PayoutStage
from services.payout.domain.disbursement import reference_key
from services.payout.domain.plan import STATUS_ZH
from services.payout.service_layer.scope import stage_in_scope

KEY_LENGTH = 255


class BankReferenceTaken(Conflict):
    code = "bank_reference_taken"


def claim(uow: UnitOfWork, principal: Principal, stage: PayoutStage, funds: list[str], bank_reference: str) -> None:
    key = reference_key(bank_reference)
    if not key or len(key) > KEY_LENGTH:
        raise InvalidRequest.on("bank_reference", "银行流水号不能只含空白, 且须为银行回单上的流水号或凭证号")
    for fund in sorted(set(funds)):
        row = {"fund_id": fund, "reference_key": key, "stage_id": stage.id, "bank_reference": bank_reference,
               "recorded_at": utcnow()}
        if not insert_if_absent(uow.session, table_of(BankReference), row):
            held = uow.session.get(BankReference, (fund, key), populate_existing=True)
            assert held is not None  # the insert was refused for this very key
            raise _taken(uow, principal, stage, held, bank_reference)


def _taken(uow: UnitOfWork, principal: Principal, stage: PayoutStage, held: BankReference,
           bank_reference: str) -> BankReferenceTaken:
    details: dict[str, str] = {"field": "bank_reference", "fund_id": held.fund_id}
    if held.stage_id == stage.id:
        reason = (f"银行流水号 {bank_reference} 已登记为本分期此前一次拨付(其后退回)的流水号; "
                  f"重新拨付是一笔新的银行转账, 请填写该笔转账的流水号")
        details["stage_id"] = stage.id
    else:
        found = uow.session.exec(stage_in_scope(principal, held.stage_id)).first()
        if found is None:
            reason = (f"银行流水号 {bank_reference} 已用于资金来源 {held.fund_id} 的另一拨付分期(不在您的权限范围内); "
                      f"同一笔银行转账不能登记为两次拨付")
        else:
            other, plan = found
            reason = (f"银行流水号 {bank_reference} 已用于资金来源 {held.fund_id} 的{_describe(other, plan)}; "
                      "同一笔银行转账不能登记为两次拨付")
            details.update(stage_id=other.id, case_id=plan.case_id)
    return BankReferenceTaken(reason, errors=[FieldError(field="bank_reference", reason=reason)], **details)


def _describe(stage: PayoutStage, plan: PayoutPlan) -> str:
    return f"拨付分期 {stage.id}(案件 {plan.case_id} 第{stage.sequence}期, {STATUS_ZH[StageStatus(stage.status)]})"
