"""The cockpit's monthly report as an XLSX workbook (one sheet per view of the page), citing 长办发〔2020〕17号 第28条."""
from __future__ import annotations

from infra.exports import Column, Table
from services.portal.domain.cockpit import CITATION
from services.portal.service_layer.cockpit import Count, Dashboard


def _counts(sheet: str, title: str, counts: list[Count]) -> Table:
    columns = [Column(title, 48), Column("申报件数", 12)]
    return Table(sheet, columns, [[c.label, c.count] for c in counts],
                 total=["合计", sum(c.count for c in counts)])


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def report(dashboard: Dashboard) -> list[Table]:
    money = dashboard.money
    summary_columns = [Column("项目", 28), Column("金额（元）", 20, money=True), Column("说明", 48)]
    summary = Table("资金", summary_columns, [
        ["预算（已载入）", money.budget_fen, f"{money.budget_funds}个资金来源"],
        ["核定", money.determined_fen, "本期各部门核定的奖补金额"],
        ["审批", money.approved_fen, f"本期财政审批的拨付分期，占预算 {_share(money.approved_share)}"],
        ["拨付", money.paid_fen, f"本期已拨付，占预算 {_share(money.paid_share)}"],
        ["追回", money.clawed_back_fen, "本期拨付后追回"],
        ["依据", None, f"{CITATION}（领导驾驶舱 数据监测）；统计期 {dashboard.period.label}"],
    ])
    step_columns = [Column("环节", 14), Column("办理部门", 36), Column("已办结", 10), Column("办理中", 10),
                    Column("中位数（工作日）", 16), Column("90分位（工作日）", 16), Column("超期", 10), Column("超期占比", 12)]
    steps = Table("办理时长", step_columns, [
        [row.label, row.department, row.figures.decided, row.figures.open,
         row.figures.median_days, row.figures.p90_days, row.figures.overdue, _share(row.figures.overdue_share)]
        for row in dashboard.steps])
    funnel_columns = [Column("遴选环节", 16), Column("企业数", 10), Column("占自荐", 12)]
    funnel = Table("遴选漏斗", funnel_columns, [[s.label, s.count, _share(s.share_of_first)] for s in dashboard.funnel])
    return [
        summary,
        _counts("按条款", "条款（文号 条款 名称）", dashboard.by_clause),
        _counts("按地区", "地区", dashboard.by_region),
        _counts("按状态", "状态", dashboard.by_status),
        steps,
        funnel,
    ]

