"""`duixian status [SERVICE…]`: is everything up, and is anything waiting? Exit 0 when all is well,
1 when something is down or behind (usable from a monitoring check; `--json` for scripts)."""
from __future__ import annotations

import asyncio
import sys

import click

from duixian.output import echo_json, render_table
from duixian.services import SERVICES
from infra.settings import get_settings

STATE_ZH = {"ok": "正常", "degraded": "降级", "down": "中断"}


@click.command("status")
@click.argument("services", nargs=-1, type=click.Choice(SERVICES))
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def command(services: tuple[str, ...], as_json: bool) -> None:
    """系统运行状态: services, broker, Temporal, worker, bridge, queues and dead letters."""
    from infra.signing import with_local_jwks
    from workflows.status import system_status

    # under `make up` the services trust only the portal's keys: ask them as the worker does (RS256)
    report = asyncio.run(system_status(with_local_jwks(get_settings()), services or SERVICES))
    if as_json:
        echo_json(report.model_dump(mode="json"))
    else:
        click.echo(f"duixian 系统状态 {report.checked_at:%Y-%m-%d %H:%M:%S} UTC: {STATE_ZH[report.status]} ({report.status})")
        click.echo(render_table(["component", "状态", "说明"],
                                [[c.name, STATE_ZH[c.status], c.detail] for c in report.components]))
        if report.queues:
            click.echo("")
            click.echo(render_table(
                ["queue", "等待 waiting", "消费者 consumers", "死信 dead letters", "说明"],
                [[q.queue, _count(q.waiting), _count(q.consumers), _count(q.dead_letters), q.detail] for q in report.queues]))
    sys.exit(0 if report.status == "ok" else 1)


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)
