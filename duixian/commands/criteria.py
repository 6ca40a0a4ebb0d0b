"""`duixian criteria …`: 链主 / 链核 selection criteria and chain-member inclusion
(晋政办发〔2023〕44号). Exit codes as for `duixian policy`; an unknown chain category is 3."""
from __future__ import annotations

from typing import cast

import click

from duixian.output import echo_json, fail, read_data_file, render_table
from policies.criteria import Kind
from policies.errors import FactsInvalid, PolicyError
from policies.registry import CHAIN_CATEGORY_ZH, ChainCategory, load_registry

KINDS: dict[str, Kind] = {"chain-leader": "chain_leader", "chain-core": "chain_core"}


@click.group(name="criteria")
def command() -> None:
    """“链主”“链核”遴选标准与链上企业纳入规则（晋政办发〔2023〕44号）."""


@command.command("check")
@click.option("--kind", type=click.Choice(sorted(KINDS)), required=True, help="chain-leader 或 chain-core")
@click.option("--facts", "facts_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="申报事实（JSON 或 YAML），可含 chain_id、chain_category")
@click.option("--chain", "chain_id", help="产业链ID（也可写在申报事实的 chain_id 中）")
@click.option("--category", type=click.Choice(sorted(CHAIN_CATEGORY_ZH)),
              help="产业链类别（链未登记类别时必须给出）")
def check(kind: str, facts_file: str, chain_id: str | None, category: str | None) -> None:
    """逐项判定“链主”或“链核”遴选标准，输出 JSON。"""
    from policies.criteria import evaluate

    facts = read_data_file(facts_file)
    try:
        if not isinstance(facts, dict):
            raise FactsInvalid("<facts>", "申报事实应为对象（字段名: 值）")
        chosen = chain_id or facts.get("chain_id")
        if not chosen:
            raise FactsInvalid("chain_id", "须指定产业链（--chain 或 chain_id）")
        if chain_id and facts.get("chain_id") not in (None, chain_id):
            raise FactsInvalid("chain_id", f"与 --chain {chain_id} 不一致")
        chosen_category = cast("ChainCategory | None", category)  # click.Choice admits CHAIN_CATEGORY_ZH's keys only
        result = evaluate(KINDS[kind], load_registry().chain(chosen), facts, chosen_category)
    except PolicyError as error:
        fail(error)
    echo_json(result.model_dump(mode="json"))


@command.command("member")
@click.option("--facts", "facts_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="申报事实（JSON 或 YAML）")
def member(facts_file: str) -> None:
    """判定企业可否推荐新增纳入链上企业清单，输出 JSON。"""
    from policies.criteria import chain_member_inclusion

    try:
        result = chain_member_inclusion(read_data_file(facts_file))
    except PolicyError as error:
        fail(error)
    echo_json(result.model_dump(mode="json"))


@command.command("chains")
@click.option("--region", help="地区ID，如 changzhi")
@click.option("--json", "as_json", is_flag=True, help="machine-readable JSON")
def chains(region: str | None, as_json: bool) -> None:
    """列出登记的重点产业链及其类别。"""
    registry = load_registry()
    listed = registry.chains_in(region) if region else list(registry.chains.values())
    if as_json:
        echo_json([c.model_dump(mode="json") for c in listed])
        return
    rows = [[c.id, c.name_zh, registry.region(c.region_id).name_zh, c.category_zh or "未登记", c.source]
            for c in listed]
    click.echo(render_table(["产业链ID", "名称", "地区", "类别", "来源"], rows))
