"""遴选汇总表: a round's candidacies as the caller may see them, as a table officials open in Excel.

A city bureau exports its own city's candidates (the list it sends on with its recommendation), the
province_chain_office every city's, a chain's lead unit its chain's recommended ones — the same
scope as the candidacy list (晋政办发〔2023〕44号, seed 004 §10.3 (二)–(三)).
"""
from __future__ import annotations

from sqlmodel import col, select

from infra.auth import Principal
from infra.exports import Column, Table, total_row
from infra.scope import scoped
from infra.uow import UnitOfWork
from policies.beijing import beijing_minute
from policies.registry import Registry, load_registry
from services.intake.adapters.orm import Candidacy
from services.intake.domain.candidacy import KIND_ZH, STATUS_ZH
from services.intake.service_layer.selection_views import get_round, visible

COLUMNS = [Column("序号", 6), Column("自荐编号", 24), Column("企业名称", 30), Column("统一社会信用代码", 22),
           Column("注册地", 16), Column("产业链", 24), Column("类别", 6), Column("条件预审", 16), Column("办理状态", 18),
           Column("承办单位", 24), Column("自荐时间", 18), Column("最后办理时间", 18)]


def candidacy_table(uow: UnitOfWork, principal: Principal, round_id: str) -> Table:
    selection_round = get_round(uow, round_id)
    query = scoped(select(Candidacy).where(Candidacy.round_id == round_id), visible(principal)).order_by(
        col(Candidacy.chain_id), col(Candidacy.region), col(Candidacy.nominated_at), col(Candidacy.id))
    registry = load_registry()
    rows = [_row(number, candidacy, registry) for number, candidacy in enumerate(uow.session.exec(query), start=1)]
    return Table(f"{selection_round.year}年{KIND_ZH[selection_round.kind]}遴选", COLUMNS, rows,
                 total_row(COLUMNS, f"{len(rows)}家"))


def _row(number: int, candidacy: Candidacy, registry: Registry) -> list[object]:
    place = registry.region_zh("reform_zone") if candidacy.in_reform_zone else registry.region_zh(candidacy.region)
    return [number, candidacy.id, candidacy.enterprise_name, candidacy.enterprise_uscc, place,
            chain.name_zh if (chain := registry.chains.get(candidacy.chain_id)) else candidacy.chain_id,
            KIND_ZH.get(candidacy.kind, candidacy.kind),
            (candidacy.precheck or {}).get("overall_zh", ""), STATUS_ZH.get(candidacy.status, candidacy.status),
            registry.organisation_zh(candidacy.assignee_org),
            beijing_minute(candidacy.nominated_at), beijing_minute(candidacy.updated_at)]
