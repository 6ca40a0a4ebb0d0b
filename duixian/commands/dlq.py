"""`duixian dlq list|replay QUEUE`: a consumer's dead letters, looked at and re-driven.

QUEUE is a consumer queue of contracts/topology.py (`intake.case-projection`, `workflows.bridge`, …);
its dead letters are in `<QUEUE>.dead`. Exit codes: 0 ok; 2 unknown queue or no dead letter with --id.
"""
from __future__ import annotations

import sys

import click

from contracts.queues import QueueSpec
from duixian.output import echo_json, render_table
from infra.deadletters import DeadLetter, list_dead_letters, replay
from infra.settings import get_settings

REASON_ZH = {"rejected": "无法处理 (rejected)", "delivery_limit": "多次失败 (delivery_limit)"}


@click.group("dlq")
def command() -> None:
    """死信队列: list and replay a consumer's dead-lettered messages."""


@command.command("list")
@click.argument("queue")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def list_command(queue: str, as_json: bool) -> None:
    """列出 QUEUE 的死信 (they stay in the dead-letter queue)."""
    spec = _queue(queue)
    letters = list_dead_letters(get_settings().amqp_url, spec)
    if as_json:
        echo_json([_as_dict(letter) for letter in letters])
        return
    click.echo(f"{spec.dead_letter_queue}: {len(letters)} 条死信")
    if letters:
        click.echo(render_table(["message id", "type", "correlation id", "原因 reason", "次数", "首次进入死信 (UTC)"],
                                [_row(letter) for letter in letters]))


@command.command("replay")
@click.argument("queue")
@click.option("--id", "message_id", help="replay only this message id")
def replay_command(queue: str, message_id: str | None) -> None:
    """把 QUEUE 的死信重新投递到 QUEUE (only that consumer receives them again)."""
    from duixian import cli

    spec = _queue(queue)
    replayed = replay(get_settings().amqp_url, spec, message_id)
    if message_id is not None and not replayed:
        click.echo(f"错误：{spec.dead_letter_queue} 中没有 message id 为 {message_id} 的死信", err=True)
        sys.exit(cli.EXIT_INVALID_INPUT)
    for letter in replayed:
        click.echo(f"replayed {letter.message_id} ({letter.event_type or '-'}) → {spec.name}")
    click.echo(f"已重新投递 {len(replayed)} 条死信到 {spec.name}")


def _queue(name: str) -> QueueSpec:
    from contracts.topology import topology
    from duixian import cli

    bus = topology(get_settings().amqp_namespace)
    for spec in bus.queues:
        if name in (spec.key, spec.name):
            return spec
    known = ", ".join(spec.key for spec in bus.queues)
    click.echo(f"错误：未知队列 {name} (known: {known})", err=True)
    sys.exit(cli.EXIT_INVALID_INPUT)


def _row(letter: DeadLetter) -> list[str]:
    died = letter.first_death_at.strftime("%Y-%m-%d %H:%M:%S") if letter.first_death_at else "-"
    reason = REASON_ZH.get(letter.reason or "", letter.reason or "-")
    return [letter.message_id, letter.event_type or "-", letter.correlation_id or "-", reason, str(letter.deaths), died]


def _as_dict(letter: DeadLetter) -> dict:
    return {"message_id": letter.message_id, "event_type": letter.event_type, "correlation_id": letter.correlation_id,
            "reason": letter.reason, "deaths": letter.deaths,
            "first_death_at": letter.first_death_at.isoformat() if letter.first_death_at else None}
