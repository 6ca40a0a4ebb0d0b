"""`duixian cockpit`: the events → the leaders' cockpit's projection in the portal's database."""
from __future__ import annotations

import click

from infra.settings import get_settings


@click.command("cockpit")
def command() -> None:
    """运行领导驾驶舱数据汇集 (domain events → the portal's cockpit projection)."""
    from services.portal.entrypoints.cockpit_consumer import run

    run(get_settings())
