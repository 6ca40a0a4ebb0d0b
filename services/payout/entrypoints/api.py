"""payout's HTTP API: the finance bureau's views; workflows open plans (internal)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from contracts.api.payout import (
    AddPayoutStage,
    BudgetPublic,
    ClawBack,
    CostSharePublic,
    FundExecution,
    LoadBudget,
    LoadCostShare,
    OpenPayoutPlan,
    PayableGroup,
    PayoutPlanPublic,
    PayoutPlanRef,
    PayoutStagePublic,
    RecipientHistory,
    RecordDisbursement,
    RecordFailure,
    StageStatus,
)
from contracts.api.review import PriorAwardRef
from infra import exports
from infra.auth import Principal, PrincipalDep, WorkflowDep, roles_allowed
from infra.clock import utcnow
from infra.errors import ERROR_RESPONSES
from infra.idempotency import IdempotencyDep
from infra.web import UowDep
from policies.beijing import in_beijing
from services.payout.service_layer import finance, stages
from services.payout.service_layer import plans as service

router = APIRouter(prefix="/payout-plans", tags=["payout-plans"], responses=ERROR_RESPONSES)
stage_router = APIRouter(prefix="/payout-stages", tags=["payout-stages"], responses=ERROR_RESPONSES)
internal = APIRouter(prefix="/internal", tags=["internal"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[PayoutPlanPublic], summary="拨付计划列表")
def list_plans(
    principal: PrincipalDep,
    uow: UowDep,
    case_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[PayoutPlanPublic]:
    return service.list_plans(uow, principal, case_id=case_id, limit=limit, offset=offset)


@router.get("/{plan_id}", response_model=PayoutPlanPublic, summary="拨付计划详情")
def get_plan(plan_id: str, principal: PrincipalDep, uow: UowDep) -> PayoutPlanPublic:
    return service.get_plan(uow, principal, plan_id)


@internal.post("/payout-plans", response_model=PayoutPlanRef, status_code=201, summary="(workflow) 建立拨付计划")
def open_plan(
    body: OpenPayoutPlan,
    uow: UowDep,
    idempotency: IdempotencyDep,
    principal: WorkflowDep,
) -> JSONResponse:
    return idempotency.run(uow, body, lambda: service.open_plan(uow, body), status_code=201)


@internal.post("/payout-plans/{plan_id}/stages", response_model=PayoutPlanRef, status_code=201,
               summary="(workflow) 为拨付计划新增一期(如9.2.1第二阶段)")
def add_stage(
    plan_id: str,
    body: AddPayoutStage,
    uow: UowDep,
    idempotency: IdempotencyDep,
    principal: WorkflowDep,
) -> JSONResponse:
    return idempotency.run(uow, body, lambda: stages.add_stage(uow, plan_id, body), status_code=201)


@internal.get("/prior-awards", response_model=list[PriorAwardRef], summary="(workflow) 台账中某主体已核定的奖励")
def prior_awards(
    uow: UowDep,
    principal: WorkflowDep,
    entity_id: Annotated[str, Query(min_length=1, max_length=64)],
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[PriorAwardRef]:
    return stages.prior_awards(uow, entity_id=entity_id, year=year)


FINANCE_ROLES = ("city_finance_bureau", "county_finance")
FinanceOfficerDep = Annotated[Principal, Depends(roles_allowed(*FINANCE_ROLES))]


@stage_router.get("", response_model=list[PayoutStagePublic], summary="拨付分期列表(如 status=approved 待拨付)")
def list_stages(
    principal: PrincipalDep,
    uow: UowDep,
    status: StageStatus | None = None,
    case_id: Annotated[str | None, Query(min_length=1, max_length=64, description="只列该案件的分期")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="奖励所属年度")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[PayoutStagePublic]:
    return stages.list_stages(uow, principal, status=status, case_id=case_id, year=year, limit=limit, offset=offset)


@stage_router.get("/{stage_id}", response_model=PayoutStagePublic, summary="拨付分期详情")
def get_stage(stage_id: str, principal: PrincipalDep, uow: UowDep) -> PayoutStagePublic:
    return stages.get_stage(uow, principal, stage_id)


@stage_router.post("/{stage_id}/preparation", response_model=PayoutStagePublic, status_code=201, summary="编制拨付(财政经办)")
def prepare(stage_id: str, uow: UowDep, idempotency: IdempotencyDep,
            principal: FinanceOfficerDep) -> JSONResponse:
    return idempotency.run(uow, None, lambda: stages.prepare(uow, principal, stage_id), status_code=201)


@stage_router.post("/{stage_id}/approval", response_model=PayoutStagePublic, status_code=201,
                   summary="审批拨付(审批人不得为编制人)")
def approve(stage_id: str, uow: UowDep, idempotency: IdempotencyDep,
            principal: FinanceOfficerDep) -> JSONResponse:
    return idempotency.run(uow, None, lambda: stages.approve(uow, principal, stage_id), status_code=201)


@stage_router.post("/{stage_id}/disbursement", response_model=PayoutStagePublic, status_code=201,
                   summary="登记拨付(银行流水号与拨付日期)")
def disburse(stage_id: str, body: RecordDisbursement, uow: UowDep, idempotency: IdempotencyDep,
             principal: FinanceOfficerDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: stages.disburse(uow, principal, stage_id, body), status_code=201)


@stage_router.post("/{stage_id}/failure", response_model=PayoutStagePublic, status_code=201, summary="登记拨付失败或退回")
def fail(stage_id: str, body: RecordFailure, uow: UowDep, idempotency: IdempotencyDep,
         principal: FinanceOfficerDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: stages.fail(uow, principal, stage_id, body), status_code=201)


@stage_router.post("/{stage_id}/retry", response_model=PayoutStagePublic, status_code=201, summary="失败后重新拨付")
def retry(stage_id: str, uow: UowDep, idempotency: IdempotencyDep,
          principal: FinanceOfficerDep) -> JSONResponse:
    return idempotency.run(uow, None, lambda: stages.retry(uow, principal, stage_id), status_code=201)


@stage_router.post("/{stage_id}/clawback", response_model=PayoutStagePublic, status_code=201, summary="追回已拨付资金")
def claw_back(stage_id: str, body: ClawBack, uow: UowDep, idempotency: IdempotencyDep,
              principal: FinanceOfficerDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: stages.claw_back(uow, principal, stage_id, body), status_code=201)


finance_router = APIRouter(prefix="/finance", tags=["finance"], responses=ERROR_RESPONSES)
FINANCE_READERS = (*FINANCE_ROLES, "auditor", "workflow")
FinanceReaderDep = Annotated[Principal, Depends(roles_allowed(*FINANCE_READERS))]
FinanceReaderOrEnterpriseDep = Annotated[Principal, Depends(roles_allowed(*FINANCE_READERS, "enterprise"))]
CityFinanceDep = Annotated[Principal, Depends(roles_allowed("city_finance_bureau"))]


@finance_router.get("/payables", response_model=list[PayableGroup], summary="未拨付应付款(按部门、条款、县区)")
def outstanding_payables(uow: UowDep, principal: FinanceReaderDep) -> list[PayableGroup]:
    return finance.outstanding_payables(uow, principal)


@finance_router.get("/budget-execution", response_model=list[FundExecution], summary="本年拨付与预算执行")
def budget_execution(
    uow: UowDep,
    principal: FinanceReaderDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[FundExecution]:
    return finance.budget_execution(uow, principal, year)


@finance_router.get("/recipients/{uscc}/history", response_model=RecipientHistory, summary="收款单位拨付历史")
def recipient_history(uscc: str, uow: UowDep,
                      principal: FinanceReaderOrEnterpriseDep) -> RecipientHistory:
    return finance.recipient_history(uow, principal, uscc)


@finance_router.get("/bank-batch", response_class=Response, summary="导出已审批待拨付的银行批量文件(XLSX/CSV)",
                    responses=exports.responses("中文表头, 金额单位元(两位小数), 末行合计"))
def bank_batch(
    uow: UowDep,
    principal: FinanceReaderDep,
    format: Annotated[exports.ExportFormat, Query(description="xlsx 或 csv (UTF-8 BOM)")] = "xlsx",
) -> Response:
    stamp = in_beijing(utcnow()).strftime("%Y%m%d")
    return exports.attachment(finance.bank_batch(uow, principal), format, f"bank-batch-{stamp}")


@finance_router.get("/stage-register", response_class=Response, summary="导出拨付台账(XLSX/CSV): 各分期状态、经办、审批与银行流水",
                    responses=exports.responses("中文表头, 金额单位元(两位小数), 末行合计金额与已追回"))
def stage_register(
    uow: UowDep,
    principal: FinanceReaderDep,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度; 不填为全部")] = None,
    status: Annotated[StageStatus | None, Query(description="只导出该状态的分期")] = None,
    format: Annotated[exports.ExportFormat, Query(description="xlsx 或 csv (UTF-8 BOM)")] = "xlsx",
) -> Response:
    table = finance.stage_register(uow, principal, year=year, status=status)
    return exports.attachment(table, format, f"stage-register-{year or 'all'}")


@finance_router.post("/budgets", response_model=BudgetPublic, status_code=201, summary="载入资金来源年度预算")
def load_budget(body: LoadBudget, uow: UowDep, idempotency: IdempotencyDep,
                principal: FinanceOfficerDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: finance.load_budget(uow, principal, body), status_code=201)


@finance_router.post("/cost-shares", response_model=CostSharePublic, status_code=201,
                     summary="载入条款在县(区)的市县分担比例")
def load_cost_share(body: LoadCostShare, uow: UowDep, idempotency: IdempotencyDep,
                    principal: CityFinanceDep) -> JSONResponse:
    return idempotency.run(uow, body, lambda: finance.load_cost_share(uow, principal, body), status_code=201)


@finance_router.get("/cost-shares", response_model=list[CostSharePublic], summary="已载入的市县分担比例")
def list_cost_shares(uow: UowDep, principal: FinanceReaderDep) -> list[CostSharePublic]:
    return finance.cost_shares(uow, principal)
