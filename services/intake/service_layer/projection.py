"""Keeps each case's status and timeline from the events of review and payout (applied once each)."""
from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from contracts.api.intake import ApplicationStatus
from contracts.envelope import Actor, EventEnvelope
from contracts.events.payout import (
    PayoutPlanOpened,
    PayoutStageApproved,
    PayoutStageClawedBack,
    PayoutStageDisbursed,
    PayoutStageFailed,
)
from contracts.events.review import DecisionRecorded, TaskDueDated, TaskEscalated, TaskOpened, TaskOverdue
from contracts.events.selection import (
    CandidatePublished,
    ExpertPanelDrawn,
    ExpertPanelRecommended,
    ObjectionLodged,
    ObjectionVerified,
    PublicityOpened,
)
from infra.clock import utcnow
from infra.inbox import EventHandler
from infra.uow import UnitOfWork
from policies.beijing import beijing_minute, in_beijing
from policies.money import format_yuan
from policies.registry import load_registry
from services.intake.adapters.orm import Application, ReferralProject, TimelineEntry
from services.intake.domain.application import advance, request_supplement
from services.intake.domain.candidacy import DECIDED_STATUS, KIND_ZH
from services.intake.service_layer import selection
from services.intake.service_layer.applications import add_timeline

DECISION_LABELS = {"approve": "审核通过", "reject": "审核不通过"}


def _zh(organisation: str) -> str:
    """An organisation as the timeline's readers (applicants among them) know it: 长治市科技局, not its id."""
    return load_registry().organisation_zh(organisation)


def _advance(uow: UnitOfWork, case_id: str, status: ApplicationStatus) -> None:
    application = uow.session.exec(select(Application).where(Application.id == case_id)).first()
    if application is None:
        return  # a case intake does not own (e.g. opened by another procedure): timeline only
    new_status = advance(ApplicationStatus(application.status), status)
    if new_status != application.status:
        application.status = new_status
        application.updated_at = utcnow()
        uow.session.add(application)


def _supplement_requested(uow: UnitOfWork, case_id: str) -> None:
    application = uow.session.exec(select(Application).where(Application.id == case_id)).first()
    if application is None:
        return
    new_status = request_supplement(ApplicationStatus(application.status))
    if new_status != application.status:
        application.status = new_status
        application.updated_at = utcnow()
        uow.session.add(application)


def on_task_opened(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = TaskOpened.model_validate(envelope.payload)
    _advance(uow, event.case_id, ApplicationStatus.UNDER_REVIEW)
    if event.kind == "completeness_check":  # reopened after 补正 it stays 已补正 until the office decides
        selection.set_status(uow, event.case_id, "recommended", keep=("resubmitted",))
    due_at = event.due_at.isoformat() if event.due_at else _dated_later(uow, event.case_id, event.task_id)
    add_timeline(uow, envelope, f"待办「{event.title}」已派发至 {_zh(event.assignee_org)}",
                 {"task_id": event.task_id, "assignee_org": event.assignee_org, "assignee_role": event.assignee_role,
                  "due_at": due_at})


def _entries(uow: UnitOfWork, case_id: str, event_type: str, task_id: str) -> list[TimelineEntry]:
    rows = uow.session.exec(select(TimelineEntry).where(TimelineEntry.case_id == case_id, TimelineEntry.event_type == event_type)
                            .order_by(col(TimelineEntry.id)))
    return [row for row in rows if row.details.get("task_id") == task_id]


def _dated_later(uow: UnitOfWork, case_id: str, task_id: str) -> str | None:
    """The due date review gave the task after it opened, when that event was applied first (a replayed dead letter)."""
    dated = _entries(uow, case_id, "review.task.due_dated", task_id)
    return dated[-1].details.get("due_at") if dated else None


def on_task_due_dated(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """A task opened without a due date (its period reached a year whose holidays were not loaded) got one: the step
    the applicant sees waiting (its 待办派发 entry) takes it, and the timeline says so. A task the timeline does not
    know yet gets the line alone; its opened event, when it comes, takes the date from it."""
    event = TaskDueDated.model_validate(envelope.payload)
    due_at = event.due_at.isoformat()
    for opened in _entries(uow, event.case_id, "review.task.opened", event.task_id):
        opened.details = {**opened.details, "due_at": due_at}  # a new dict: the JSON column tracks assignment only
        uow.session.add(opened)
    last_day = in_beijing(event.due_at - dt.timedelta(microseconds=1)).date()  # due_at is the first instant after the period
    # Told as the system's doing: the admin who loaded the year acted on no case (kept in details for officials).
    add_timeline(uow, envelope, f"已载入节假日安排，{_zh(event.assignee_org)} 的待办办理时限确定为"
                                f"截止{last_day.year}年{last_day.month}月{last_day.day}日",
                 {"task_id": event.task_id, "assignee_org": event.assignee_org, "due_at": due_at,
                  "loaded_by": envelope.actor.subject}, actor=Actor(subject="review", role="system"))


def on_decision_recorded(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = DecisionRecorded.model_validate(envelope.payload)
    if event.decision == "supplement":
        _supplement_requested(uow, event.case_id)
        if event.kind == "completeness_check":
            selection.set_status(uow, event.case_id, "supplement_requested")
        add_timeline(uow, envelope, f"要求补正: {event.reason}；所缺材料或事项: {'；'.join(event.missing_items)}",
                     {"task_id": event.task_id, "decision": event.decision, "reason": event.reason,
                      "missing_items": event.missing_items})
        return
    status = ApplicationStatus.APPROVED if event.decision == "approve" else ApplicationStatus.REJECTED
    _advance(uow, event.case_id, status)
    if (candidacy_status := DECIDED_STATUS.get((event.kind, event.decision))) is not None:
        selection.set_status(uow, event.case_id, candidacy_status, recommended=event.kind == "city_recommendation"
                             and event.decision == "approve")
    if event.determination is not None and event.determination.option in REFERRAL_STATUS:
        _referral_status(uow, event.case_id, REFERRAL_STATUS[event.determination.option])
    summary = f"{DECISION_LABELS[event.decision]}: {event.reason}"
    details: dict = {"task_id": event.task_id, "decision": event.decision}
    if event.determination is not None:
        summary += f" (核定金额 {format_yuan(event.determination.amount_fen)} 元)"
        details["determination"] = event.determination.model_dump(mode="json")
    add_timeline(uow, envelope, summary, details)


def on_payout_plan_opened(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = PayoutPlanOpened.model_validate(envelope.payload)
    _advance(uow, event.case_id, ApplicationStatus.PAYOUT_PLANNED)
    add_timeline(
        uow,
        envelope,
        f"财政已建立拨付计划: {format_yuan(event.total_fen)} 元, 共 {len(event.stages)} 期",
        {"plan_id": event.plan_id},
    )


def on_stage_approved(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = PayoutStageApproved.model_validate(envelope.payload)
    add_timeline(uow, envelope, f"财政已审批第 {event.sequence} 期拨付: {format_yuan(event.amount_fen)} 元",
                 {"plan_id": event.plan_id, "stage_id": event.stage_id})


def on_stage_disbursed(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = PayoutStageDisbursed.model_validate(envelope.payload)
    status = ApplicationStatus.COMPLETED if event.plan_status == "completed" else ApplicationStatus.PARTLY_DISBURSED
    _advance(uow, event.case_id, status)
    add_timeline(
        uow, envelope,
        f"第 {event.sequence} 期已拨付: {format_yuan(event.amount_fen)} 元"
        f" (银行流水号 {event.bank_reference}, {event.disbursed_on.isoformat()})",
        {"plan_id": event.plan_id, "stage_id": event.stage_id, "bank_reference": event.bank_reference},
    )


def on_stage_failed(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = PayoutStageFailed.model_validate(envelope.payload)
    add_timeline(uow, envelope, f"第 {event.sequence} 期拨付失败或退回: {event.reason}",
                 {"plan_id": event.plan_id, "stage_id": event.stage_id})


def on_stage_clawed_back(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = PayoutStageClawedBack.model_validate(envelope.payload)
    _advance(uow, event.case_id, ApplicationStatus.CLAWED_BACK)
    add_timeline(uow, envelope, f"第 {event.sequence} 期已追回 {format_yuan(event.recovered_fen)} 元: {event.reason}",
                 {"plan_id": event.plan_id, "stage_id": event.stage_id})


# A referral project's status follows its determinations (9.2.1 one-off or two phases).
REFERRAL_STATUS = {"phase_1": "phase_1_determined", "one_off": "fully_determined", "phase_2": "fully_determined"}


def _referral_status(uow: UnitOfWork, project_id: str, status: str) -> None:
    project = uow.session.get(ReferralProject, project_id)
    if project is not None and project.status != "fully_determined":
        project.status = status
        uow.session.add(project)


def on_publicity_opened(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = PublicityOpened.model_validate(envelope.payload)
    selection.set_status(uow, event.candidacy_id, "in_publicity")
    ends = beijing_minute(event.ends_at)
    add_timeline(uow, envelope, f"列入公示名单，公示期 {event.starts_on} 至 {ends}（北京时间）",
                 {"starts_on": event.starts_on.isoformat(), "ends_at": event.ends_at.isoformat()})


def on_objection_lodged(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = ObjectionLodged.model_validate(envelope.payload)
    add_timeline(uow, envelope, f"收到异议（回执号 {event.receipt_number}），待核实", {"objection_id": event.objection_id})


def on_objection_verified(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = ObjectionVerified.model_validate(envelope.payload)
    if event.upheld:
        selection.set_status(uow, event.candidacy_id, "removed")
    outcome = "异议成立，移出名单" if event.upheld else "异议不成立，保留在名单中"
    add_timeline(uow, envelope, f"异议核实：{outcome}。理由：{event.reason}",
                 {"objection_id": event.objection_id, "upheld": event.upheld})


def on_candidate_published(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = CandidatePublished.model_validate(envelope.payload)
    selection.set_status(uow, event.candidacy_id, "published")
    add_timeline(uow, envelope, f"{event.published_on} 正式公布为{KIND_ZH[event.kind]}企业",
                 {"round_id": event.round_id, "chain_id": event.chain_id})


def on_task_overdue(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = TaskOverdue.model_validate(envelope.payload)
    add_timeline(uow, envelope, f"待办「{event.title}」已超过办理时限，已提醒 {_zh(event.assignee_org)}",
                 {"task_id": event.task_id, "assignee_org": event.assignee_org})


def on_task_escalated(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = TaskEscalated.model_validate(envelope.payload)
    add_timeline(uow, envelope, f"待办「{event.title}」提醒后仍未办理，已上报 {_zh(event.supervising_org)} 督办",
                 {"task_id": event.task_id, "supervising_org": event.supervising_org})


def on_panel_drawn(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = ExpertPanelDrawn.model_validate(envelope.payload)
    recused = "；".join(f"{r['name']}{r['reason']}" for r in event.recused)
    add_timeline(uow, envelope, f"随机抽取专家评审小组（种子 {event.seed}）：{len(event.members)}人"
                                + (f"；回避替补：{recused}" if recused else ""),
                 {"seed": event.seed, "members": event.members, "recused": event.recused})


def on_panel_recommended(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    event = ExpertPanelRecommended.model_validate(envelope.payload)
    selection.set_status(uow, event.case_id, "proposed" if event.proposed else "not_proposed")
    verdict = "列入建议名单" if event.proposed else "未列入建议名单"
    add_timeline(uow, envelope, f"专家评审小组意见：{verdict}（同意{event.approvals}人，不同意{event.rejections}人）")


HANDLERS: dict[str, EventHandler] = {
    "review.selection.panel_drawn": on_panel_drawn,
    "review.selection.panel_recommended": on_panel_recommended,
    "review.task.overdue": on_task_overdue,
    "review.task.escalated": on_task_escalated,
    "review.selection.publicity_opened": on_publicity_opened,
    "review.selection.objection_lodged": on_objection_lodged,
    "review.selection.objection_verified": on_objection_verified,
    "selection.candidate.published": on_candidate_published,
    "review.task.opened": on_task_opened,
    "review.task.due_dated": on_task_due_dated,
    "review.decision.recorded": on_decision_recorded,
    "payout.plan.opened": on_payout_plan_opened,
    "payout.stage.approved": on_stage_approved,
    "payout.stage.disbursed": on_stage_disbursed,
    "payout.stage.failed": on_stage_failed,
    "payout.stage.clawed_back": on_stage_clawed_back,
}
