"""`duixian policy …`: the clause catalogue and the award calculator.

Errors: the Chinese message goes to stderr, the error as JSON to stdout, and the exit code is
2 for invalid input (facts, ids, not eligible, cap used up) or 3 for data unavailable (a tier
table or a calendar year not loaded, a chain category not recorded).
Numbers in facts files are read exactly (decimal, never binary float).
"""
from __future__ import annotations

import click

from duixian.output import echo_json, fail, read_data_file, render_table
from policies.catalogue import Clause, load_catalogue
from policies.errors import PolicyError

PAYOUT_ZH = {"one_off": "一次性", "two_phase": "分两阶段", "following_year": "下一年"}
SCOPE_ZH = {"per_award": "单次", "per_item": "单项累计", "per_deal": "单笔", "per_project_cumulative": "单个项目累计",
            "per_entity_per_year": "每主体每年", "per_entity_cumulative": "每主体累计", "none": "上不封顶"}


def _caps_text(clause: Clause) -> str:
    if not clause.caps:
        return "—"
    return "；".join(cap.title_zh for cap in clause.caps)


@click.group(name="policy")
def command() -> None:
    """政策条款目录与奖励计算（policy catalogue and award calculator）."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable JSON")
def list_clauses(as_json: bool) -> None:
    """列出全部条款及其文号、条款号。"""
    catalogue = load_catalogue()
    if as_json:
        echo_json([{
            "id": c.id, "document_number": c.document_number, "document_title": c.document_title,
            "clause_number": c.clause_number, "title_zh": c.title_zh, "benefit_id": c.benefit_id,
            "amount_kind": c.amount_kind, "payout_mode": c.payout_mode,
            "caps": [cap.model_dump(mode="json") for cap in c.caps], "tables_required": c.tables_required,
        } for c in catalogue])
        return
    rows = [[c.id, c.document_number, c.clause_number, c.title_zh, PAYOUT_ZH[c.payout_mode], _caps_text(c)]
            for c in catalogue]
    click.echo(render_table(["条款ID", "文号", "条款", "名称", "发放", "上限"], rows))
    click.echo(f"\n共{len(rows)}条。")


@command.command("show")
@click.argument("clause_id")
@click.option("--json", "as_json", is_flag=True, help="machine-readable JSON")
def show(clause_id: str, as_json: bool) -> None:
    """显示一个条款的全部信息。"""
    try:
        clause = load_catalogue().get(clause_id)
    except PolicyError as error:
        fail(error)
    if as_json:
        echo_json({**clause.model_dump(mode="json"), "tables_required": clause.tables_required})
        return
    departments = "；".join(
        d.name_zh + ("" if d.named_in_text else "（原文未列明）") for d in clause.departments)
    caps = "；".join(f"{cap.title_zh}〔{SCOPE_ZH[cap.scope]}〕" for cap in clause.caps) or "原文未设上限"
    lines = [
        f"{clause.id}  {clause.title_zh}",
        f"文号：{clause.document_number}    条款：{clause.clause_number}",
        f"文件：{clause.document_title}",
        f"申请主体：{clause.applicant_note_zh}",
        f"部门：{departments}" + (f"（{clause.departments_note_zh}）" if clause.departments_note_zh else ""),
        f"发放方式：{PAYOUT_ZH[clause.payout_mode]}" + ("" if clause.payout_mode_stated else "（原文未规定，默认一次性）"),
        f"上限：{caps}",
        f"互斥：{'；'.join(clause.exclusivity_groups) or '无'}",
        f"公示：{'需要' if clause.publicity_required else '原文未规定'}"
        + (f"（{clause.publicity_note_zh}）" if clause.publicity_note_zh else ""),
        f"市县分担：{clause.cost_sharing.excerpt if clause.cost_sharing else '原文未规定'}",
        f"有效期：{clause.effective_from or '原文未载明'} 至 {clause.effective_to or '原文未载明'}",
        f"所需分档表：{'、'.join(clause.tables_required) or '无'}",
        f"原文：{clause.source_excerpt}",
    ]
    lines += [f"条件：{c.label_zh}" for c in clause.conditions]
    lines += [f"说明：{n}" for n in clause.notes_zh]
    click.echo("\n".join(lines))


@command.command("calc")
@click.argument("clause_id")
@click.option("--facts", "facts_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="申报事实（JSON 或 YAML）")
@click.option("--prior", "prior_file", type=click.Path(exists=True, dir_okay=False),
              help="同一主体/项目/年度的以往奖励列表（JSON 或 YAML）")
@click.option("--tables", "tables_dir", type=click.Path(exists=True, file_okay=False),
              help="分档表目录（表1–表6，JSON 或 YAML）")
def calc(clause_id: str, facts_file: str, prior_file: str | None, tables_dir: str | None) -> None:
    """按条款计算奖励金额，输出 JSON。"""
    from pathlib import Path

    from policies.calculator import calculate
    from policies.tables import TierTables

    facts = read_data_file(facts_file)
    prior = read_data_file(prior_file) if prior_file else []
    try:
        tables = TierTables.from_dir(Path(tables_dir)) if tables_dir else None
        determination = calculate(clause_id, facts, prior or [], tables)
    except PolicyError as error:
        fail(error)
    echo_json(determination.model_dump(mode="json"))


@command.command("schema")
@click.argument("clause_id")
def schema(clause_id: str) -> None:
    """输出条款申报事实的 JSON Schema。"""
    from policies.calculator import facts_schema

    try:
        echo_json(facts_schema(clause_id))
    except PolicyError as error:
        fail(error)
