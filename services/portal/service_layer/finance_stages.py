"""Page logic of the finance bureau's payout stages: the lists by status (待编制 … 已追回), one stage with the
actions its status allows — 编制, 审批 by another person (四眼原则), 登记拨付 (bank reference and date), 登记失败
or 退回, 重新拨付, 追回 — each sent once however often its form is (the form's id is the idempotency key)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from infra.clock import beijing_today
from policies.catalogue import load_catalogue
from policies.registry import load_registry
from services.portal.adapters import finance
from services.portal.adapters.finance import FinanceStage
from services.portal.adapters.services import ServiceClients, ServiceRefused
from services.portal.domain.directory import DirectoryEntry
from services.portal.service_layer.applications import submission_id_of
from services.portal.service_layer.catalogue import reasons
from services.portal.service_layer.referrals import Form

TABS = (("pending", "待编制"), ("prepared", "待审批"), ("approved", "待拨付"), ("failed", "失败或退回"),
        ("disbursed", "已拨付"), ("clawed_back", "已追回"))
ACTING_ROLES = frozenset({"city_finance_bureau", "county_finance"})  # auditors read
# action → (the statuses it starts from, its fields, the button, what the page says once done)
ACTIONS: dict[str, tuple[frozenset[str], tuple[str, ...], str, str]] = {
    "prepare": (frozenset({"pending"}), (), "编制", "已编制。请由另一位工作人员审批（四眼原则）。"),
    "approve": (frozenset({"prepared"}), (), "审批通过", "已审批，分期进入银行批量文件，待银行拨付。"),
    "disburse": (frozenset({"approved"}), ("bank_reference", "disbursed_on"), "登记拨付", "拨付已登记，收款单位可在其申报中看到。"),
    "fail": (frozenset({"approved", "disbursed"}), ("failure_reason",), "登记失败或退回", "失败或退回已登记；核实后可重新拨付。"),
    "retry": (frozenset({"failed"}), (), "重新拨付", "已重新进入待拨付，将列入下一次银行批量文件。"),
    "claw-back": (frozenset({"disbursed"}), ("clawback_reason",), "追回", "追回已登记，预算占用已释放。"),
}
FOUR_EYES = "四眼原则：同一拨付分期的编制人与审批人不得为同一人。本分期由您编制，请由本局另一位工作人员审批。"


def clause_zh(clause_id: str) -> str:
    catalogue = load_catalogue()
    if clause_id not in catalogue:
        return clause_id
    clause = catalogue.get(clause_id)
    return f"{clause.document_number} 第{clause.clause_number.removeprefix('第').removesuffix('条')}条 {clause.title_zh}"


def region_zh(code: str | None) -> str:
    return load_registry().region_zh(code) if code else "—"


def fund_zh(fund_id: str) -> str:
    """city:140400 → 长治市财政资金, county:140423 → 襄垣县财政资金."""
    return f"{region_zh(fund_id.partition(':')[2])}财政资金"


@dataclass(frozen=True)
class StageView:
    """A stage as the finance pages show it: the policy by 文号 and clause, the county by name, the funds."""

    stage: FinanceStage

    @property
    def clause(self) -> str:
        return clause_zh(self.stage.clause_id)

    @property
    def county(self) -> str:
        return region_zh(self.stage.recipient.region)

    @property
    def funding(self) -> list[tuple[str, int]]:
        return [(fund_zh(fund), amount) for fund, amount in self.stage.funding]


@dataclass
class StageList:
    status: str
    label: str
    stages: list[StageView]
    tabs: tuple[tuple[str, str], ...] = TABS


def stage_list(clients: ServiceClients, user: DirectoryEntry, status: str | None) -> StageList:
    status = status if status in dict(TABS) else "pending"
    return StageList(status, dict(TABS)[status], [StageView(s) for s in finance.stages(clients, user, status=status)])


@dataclass
class StagePage:
    view: StageView
    may_act: bool
    user_subject: str
    forms: dict[str, Form] = field(default_factory=dict)
    refusal: str | None = None
    refused_action: str | None = None

    @property
    def stage(self) -> FinanceStage:
        return self.view.stage

    def available(self, action: str) -> bool:
        return self.may_act and self.stage.status in ACTIONS[action][0]

    @property
    def prepared_by_me(self) -> bool:
        return self.stage.status == "prepared" and self.stage.prepared_by == self.user_subject

    def button(self, action: str) -> str:
        return ACTIONS[action][2]


def _blank_forms() -> dict[str, Form]:
    return {action: Form({"disbursed_on": beijing_today().isoformat()} if action == "disburse" else {}) for action in ACTIONS}


def stage_page(clients: ServiceClients, user: DirectoryEntry, stage_id: str) -> StagePage:
    return StagePage(StageView(finance.stage(clients, user, stage_id)), user.role in ACTING_ROLES, user.subject,
                     _blank_forms())


@dataclass(frozen=True)
class Done:
    stage_id: str
    action: str

    @property
    def message(self) -> str:
        return ACTIONS[self.action][3]


def done_message(action: str | None) -> str | None:
    return ACTIONS[action][3] if action in ACTIONS else None


def act(clients: ServiceClients, user: DirectoryEntry, stage_id: str, action: str, form_data: Any) -> StagePage | Done:
    """Send one action from its form; a refusal comes back beside the form's fields or above it."""
    page = stage_page(clients, user, stage_id)
    fields = ACTIONS[action][1]
    form = Form({name: str(form_data.get(name) or "").strip() for name in fields}, submission_id=submission_id_of(form_data))
    page.forms[action] = form
    body = _body(action, form)
    if form.errors:
        page.refused_action = action
        return page
    try:
        finance.act(clients, user, stage_id, action, body, submission_id=form.submission_id)
    except ServiceRefused as refused:
        if refused.status_code == 404:
            raise
        page.refused_action = action
        _place(page, form, refused, fields)
        return page
    return Done(stage_id, action)


def _body(action: str, form: Form) -> dict[str, Any] | None:
    if action == "disburse":
        reference = form.value("bank_reference")
        if not reference:
            form.errors["bank_reference"] = "请填写银行回单上的流水号或凭证号"
        elif len(reference) > 128:
            form.errors["bank_reference"] = "银行流水号不能超过128个字符"
        try:
            on = dt.date.fromisoformat(form.value("disbursed_on"))
        except ValueError:
            form.errors["disbursed_on"] = "请填写拨付日期，如 2026-03-02"
            return None
        return {"bank_reference": reference, "disbursed_on": on.isoformat()}
    if action in ("fail", "claw-back"):
        name = ACTIONS[action][1][0]
        reason = form.value(name)
        if not reason:
            form.errors[name] = ("请写明追回原因（异议成立或事后查实的情况）" if action == "claw-back"
                                 else "请写明失败或退回的原因（如 收款账户已销户）")
        elif len(reason) > 500:
            form.errors[name] = "原因不能超过500字"
        return {"reason": reason}
    return None


def _place(page: StagePage, form: Form, refused: ServiceRefused, fields: tuple[str, ...]) -> None:
    if refused.error.code == "four_eyes":
        page.refusal = FOUR_EYES
        return
    for path, reason in reasons(refused).items():
        name = path.split(".")[-1]
        name = fields[0] if name == "reason" and fields else name  # the body's reason is the form's failure/clawback reason
        if name in fields:
            form.errors[name] = reason
        else:
            page.refusal = reason
    if not form.errors and page.refusal is None:
        page.refusal = refused.error.message.removeprefix("status: ")
