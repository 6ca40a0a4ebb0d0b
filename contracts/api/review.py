from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, StrictInt

from contracts.common import ApplicantRef, FenAmount
from policies.text import Text

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
