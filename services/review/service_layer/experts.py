"""Expert review (专家评审, 晋政办发〔2023〕44号 遴选程序（三）): a chain's expert pool loaded by an admin,
a panel drawn at random with a recorded seed, recusal (same employer, declared conflict) with the next
expert drawn in replacement, one expert_review task per member, and the panel's recommendation.
Panel size and quorum are data loaded with the pool (the seeds give no numbers): absent → refused."""
from __future__ import annotations

import random

from sqlmodel import col, select

from contracts.api.review import OpenTask
from contracts.api.selection import DrawPanel, LoadPool, PanelMember, PanelRecommendation, PanelRef, PoolPublic, Recusal
from contracts.events.selection import ExpertPanelDrawn, ExpertPanelRecommended
from infra.auth import Principal
from infra.clock import utcnow
from infra.errors import Conflict, DataUnavailable, InvalidRequest, NotFound
from infra.uow import UnitOfWork
from policies.errors import UnknownChain
from policies.registry import load_registry
from services.review.adapters.orm import ExpertPanel, ExpertPool
from services.review.service_layer.tasks import open_task


def load_pool(uow: UnitOfWork, principal: Principal, command: LoadPool) -> PoolPublic:
    try:
        load_registry().chain(command.chain_id)
    except UnknownChain as error:
        raise InvalidRequest.on("chain_id", error.message) from None
    pool = uow.session.get(ExpertPool, command.chain_id)
    before = None if pool is None else {"experts": len(pool.experts), "panel_size": pool.panel_size}
    pool = pool or ExpertPool(chain_id=command.chain_id, panel_size=0, quorum=0, source_note="", loaded_by="", loaded_at=utcnow())
    pool.panel_size, pool.quorum, pool.source_note = command.panel_size, command.quorum, command.source_note
    pool.experts = [e.model_dump(mode="json") for e in command.experts]
    pool.loaded_by, pool.loaded_at = principal.subject, utcnow()
    uow.session.add(pool)
    uow.audit("expert_pool.load", "expert_pool", command.chain_id, before=before,
              after={"experts": len(command.experts), "panel_size": command.panel_size, "quorum": command.quorum})
    return pool_public(pool)


def list_pools(uow: UnitOfWork) -> list[PoolPublic]:
    return [pool_public(pool) for pool in uow.session.exec(select(ExpertPool).order_by(col(ExpertPool.chain_id)))]


def pool_public(pool: ExpertPool) -> PoolPublic:
    return PoolPublic(chain_id=pool.chain_id, panel_size=pool.panel_size, quorum=pool.quorum, experts=len(pool.experts),
                      source_note=pool.source_note, loaded_by=pool.loaded_by, loaded_at=pool.loaded_at)


def draw(uow: UnitOfWork, command: DrawPanel) -> PanelRef:
    existing = uow.session.get(ExpertPanel, command.case_id)
    if existing is not None:
        return _ref(existing)
    pool = uow.session.get(ExpertPool, command.chain_id)
    if pool is None:
        raise DataUnavailable(f"产业链 {command.chain_id} 的专家库尚未载入，无法抽取评审专家", chain_id=command.chain_id)
    rng = random.Random(command.seed)
    order = rng.sample(pool.experts, len(pool.experts))
    members: list[dict] = []
    recused: list[dict] = []
    enterprise = command.enterprise.uscc
    for expert in order:
        if len(members) == pool.panel_size:
            break
        if expert.get("employer_uscc") == enterprise:
            recused.append({"expert_id": expert["expert_id"], "name": expert["name"], "reason": "与被评企业为同一单位，回避"})
        elif enterprise in expert.get("declared_conflicts", []):
            recused.append({"expert_id": expert["expert_id"], "name": expert["name"], "reason": "申报存在利益冲突，回避"})
        else:
            members.append(expert)
    if len(members) < pool.quorum:
        raise DataUnavailable(f"回避后可用专家{len(members)}人，不足法定人数{pool.quorum}人；请补充专家库", chain_id=command.chain_id)
    seated = []
    for expert in members:
        task = open_task(uow, OpenTask(case_id=command.case_id, kind="expert_review", title=command.title,
                                       assignee_role="expert", assignee_org=expert["expert_id"], applicant=command.enterprise,
                                       facts=command.facts, due_working_days=command.due_working_days))
        seated.append({"expert_id": expert["expert_id"], "name": expert["name"], "task_id": task.task_id,
                       "due_at": task.due_at.isoformat() if task.due_at else None})
    panel = ExpertPanel(case_id=command.case_id, chain_id=command.chain_id, seed=command.seed, quorum=pool.quorum,
                        members=seated, recused=recused, drawn_at=utcnow())
    uow.session.add(panel)
    uow.publish(ExpertPanelDrawn(case_id=command.case_id, chain_id=command.chain_id, seed=command.seed,
                                 members=[m["expert_id"] for m in seated], recused=recused), correlation_id=command.case_id)
    uow.audit("expert_panel.draw", "expert_panel", command.case_id,
              after={"seed": command.seed, "members": [m["expert_id"] for m in seated], "recused": recused})
    return _ref(panel)


def recommend(uow: UnitOfWork, case_id: str, command: PanelRecommendation) -> PanelRef:
    panel = uow.session.get(ExpertPanel, case_id)
    if panel is None:
        raise NotFound("评审小组不存在", case_id=case_id)
    if panel.recommendation is not None:
        return _ref(panel)
    if command.approvals + command.rejections < panel.quorum:
        raise Conflict(f"参加评审的专家不足法定人数{panel.quorum}人", quorum=panel.quorum)
    panel.recommendation = "proposed" if command.proposed else "not_proposed"
    uow.session.add(panel)
    uow.publish(ExpertPanelRecommended(case_id=case_id, proposed=command.proposed, approvals=command.approvals,
                                       rejections=command.rejections), correlation_id=case_id)
    uow.audit("expert_panel.recommend", "expert_panel", case_id, after=command.model_dump())
    return _ref(panel)


def _ref(panel: ExpertPanel) -> PanelRef:
    return PanelRef(case_id=panel.case_id, seed=panel.seed, quorum=panel.quorum,
                    members=[PanelMember.model_validate(m) for m in panel.members],
                    recused=[Recusal.model_validate(r) for r in panel.recused])


