"""review's API: what the workflows ask of it (open, remind and escalate tasks), the tasks, decisions and case files
its routes answer with, the public calculator's question, and the reference data admins load (tier tables, the
years' holiday schedules)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictInt

from contracts.common import ApplicantRef, DeterminationRef, FenAmount
from policies.tables import TierTable
from policies.text import LongText, Note, Text

# The Chinese name of each kind of review task, as every page and refusal shows it (review decides with it, the
# portal's pages and cockpit read it): subsidy cases, and the selection of chain_leader / chain_core
# (晋政办发〔2023〕44号, seed 004 §10.3).
TASK_KIND_LABELS = {"case_review": "审核", "case_determination": "核定",
                    "city_recommendation": "遴选推荐", "completeness_check": "完整性核查", "expert_review": "专家评审",
                    "chief_review": "链长审核", "lead_unit_submission": "牵头单位报送", "selection_approval": "审定",
                    "list_gathering": "名单汇总"}


class PriorAwardRef(BaseModel):
    """An award already determined (from the payout ledger), as the calculator counts it."""

    clause_id: str = Field(max_length=64)
    benefit_id: str = Field(max_length=64)
    entity_id: str = Field(max_length=64)
    project_id: str | None = Field(default=None, max_length=64)
    year: StrictInt = Field(ge=2000, le=2100)
    amount_fen: FenAmount
    tier: str | None = Field(default=None, max_length=64)
    option: str | None = Field(default=None, max_length=64)


class OpenTask(BaseModel):
    """Ask the review service to address a task to an organisation and role."""

    case_id: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=64, description="e.g. case_review")
    title: Text = Field(min_length=1, max_length=300)
    assignee_role: str = Field(min_length=1, max_length=64)
    assignee_org: str = Field(min_length=1, max_length=128)
    clause_id: str | None = Field(default=None, max_length=64)
    applicant: ApplicantRef | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    prior_awards: list[PriorAwardRef] = Field(
        default_factory=list, description="该主体/项目已核定的奖励, 供核定时计算累计上限与互斥"
    )
    due_working_days: StrictInt | None = Field(default=None, ge=1, le=250, description="办理时限(工作日)")
    resumes_task_id: str | None = Field(
        default=None, max_length=64,
        description="补正后重新派发: 时限从原待办剩余的工作日继续计算 (补正期间停止计时)",
    )


class TaskRef(BaseModel):
    task_id: str
    case_id: str
    status: str
    due_at: datetime | None = None


class EscalateTask(BaseModel):
    """An overdue task is escalated to the office that supervises its assignee."""

    supervising_role: str = Field(min_length=1, max_length=64)
    supervising_org: str = Field(min_length=1, max_length=128)


# Tasks as the people who decide them read them.

class TaskStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    CANCELLED = "cancelled"


class DecideTask(BaseModel):
    decision: Literal["approve", "reject", "supplement"] = Field(
        description="approve 通过 / reject 不通过 / supplement 要求补正 (申报案件; 补正期间停止计时)")
    reason: LongText = Field(min_length=1, max_length=2000, description="意见或理由")
    verified_facts: dict[str, Any] | None = Field(
        default=None, description="核实后的事实; 省略则以申报事实核定"
    )
    missing_items: list[Annotated[Text, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=30, description="要求补正时须列明所缺材料或事项"
    )


class DecisionPublic(BaseModel):
    task_id: str
    decision: str
    reason: str
    missing_items: list[str] = Field(default_factory=list)
    decided_by: str
    decided_at: datetime
    determination: DeterminationRef | None


class TaskPublic(BaseModel):
    id: str
    case_id: str
    kind: str
    title: str
    assignee_role: str
    assignee_org: str
    clause_id: str | None
    applicant: ApplicantRef | None
    facts: dict[str, Any]
    status: TaskStatus
    status_label: str
    opened_at: datetime
    due_at: datetime | None
    due_working_days: int | None = Field(default=None, description="办理时限(工作日); 有时限而无截止时间: 期限跨入尚未载入节假日安排的年份")
    overdue: bool = Field(default=False, description="仍待办理且已过办理时限")
    decision: DecisionPublic | None = None


class DepartmentCount(BaseModel):
    assignee_org: str
    assignee_role: str
    open: int = Field(description="待办理")
    overdue: int = Field(description="已超期仍待办理")


class CalculatorPreview(BaseModel):
    """The calculator's determination on the task's facts as they stand (nothing recorded), or why it has none."""

    determination: DeterminationRef | None = None
    problem: str | None = Field(default=None, description="计算器未能核定的原因 (如事实有误、分档表未载入)")


class CaseFile(BaseModel):
    task: TaskPublic
    kind_label: str
    earlier: list[TaskPublic] = Field(description="同一案件中其他已办理的待办及其意见 (按时间)")
    may_supplement: bool = Field(description="可要求补正")
    confirm_only: bool = Field(description="只能确认")
    four_eyes_applies: bool = Field(description="该待办受四眼原则约束")
    four_eyes_rule: str
    four_eyes_blocks_caller: bool = Field(description="调用人已办理同一事项的前序步骤, 不能再办理本待办")
    calculator: CalculatorPreview | None = Field(default=None, description="核定待办: 计算器按当前事实的试算")


# The public calculator.

class Calculate(BaseModel):
    """The public calculator's question: a clause and the facts someone states (nothing is recorded)."""

    clause_id: str = Field(min_length=1, max_length=64, description="条款标识, 见 intake GET /public/clauses")
    facts: dict[str, Any] = Field(default_factory=dict, description="申报事实, 字段见该条款的 facts_schema")


# Reference data admins load.

class TierTablePublic(BaseModel):
    table: TierTable
    version: int
    loaded_by: str
    loaded_at: datetime


class CalendarSchedulePublic(BaseModel):
    year: int
    source_title: str
    holidays: int
    makeup_workdays: int
    loaded_by: str
    loaded_at: datetime


class CalendarScheduleLoaded(CalendarSchedulePublic):
    tasks_due_dated: int = Field(description="因本次载入而确定办理期限的在办待办数")


class Reminder(BaseModel):
    """(workflow) 提醒超期待办的承办单位"""

    note: Note = Field(default="", max_length=500)
