"""The life of a 链主/链核 candidacy as intake sees it (晋政办发〔2023〕44号, seed 004 §10.3; pure: no I/O)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from policies.beijing import beijing_minute
from policies.criteria import Kind, evaluate
from policies.errors import PolicyError
from policies.registry import load_registry

KIND_ZH = {"chain_leader": "链主", "chain_core": "链核"}
STATUS_ZH = {
    "nominated": "已自荐, 待市级遴选推荐", "recommended": "已推荐", "declined": "未获推荐",
    "supplement_requested": "待补正", "resubmitted": "已补正", "complete": "材料完整",
    "incomplete": "未通过完整性核查",
    "proposed": "列入建议名单", "not_proposed": "未列入建议名单",
    "approved": "已审定", "not_approved": "未获审定", "in_publicity": "公示中",
    "removed": "异议成立, 已移出名单", "published": "已公布",
}
SETTLED = ("removed", "published")  # a candidacy removed after an objection, or published, stays so

# A candidacy's status follows the decisions on its selection tasks (seed 004 §10.3).
DECIDED_STATUS = {
    ("city_recommendation", "approve"): "recommended", ("city_recommendation", "reject"): "declined",
    ("completeness_check", "approve"): "complete", ("completeness_check", "reject"): "incomplete",
    ("selection_approval", "approve"): "approved", ("selection_approval", "reject"): "not_approved",
    ("chief_review", "reject"): "not_approved", ("lead_unit_submission", "reject"): "not_approved",
}


def follows(current: str, proposed: str, keep: tuple[str, ...] = ()) -> str:
    """The status after an event of the procedure: a settled candidacy stays so, as do the statuses in `keep`."""
    return current if current in (*SETTLED, *keep) else proposed


def nomination_window_refusal(now: datetime, opens_at: datetime, closes_at: datetime) -> str | None:
    """Why a nomination cannot be made now (in Chinese, Beijing time), or None inside the round's window."""
    if now >= closes_at:
        return f"自荐已于 {beijing_minute(closes_at)}（北京时间）截止"
    if now < opens_at:
        return f"自荐将于 {beijing_minute(opens_at)}（北京时间）开始"
    return None


def precheck(kind: str, chain_id: str, uscc: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The automatic criteria check of 10.1/10.2 shown beside each candidate (never decides alone)."""
    chain = load_registry().chain(chain_id)
    clean = {k: v for k, v in facts.items() if k not in ("entity_id", "chain_id")}
    try:
        criteria = cast(Kind, kind)  # rounds are opened with a SelectionKind; the column stores it as text
        return evaluate(criteria, chain, {**clean, "entity_id": uscc, "chain_id": chain_id}).model_dump(mode="json")
    except PolicyError as error:
        return {"overall": "needs_review", "overall_zh": "需人工核查", "error_zh": error.message}
    except (ValueError, TypeError) as error:
        return {"overall": "needs_review", "overall_zh": "需人工核查", "error_zh": str(error)[:500]}
