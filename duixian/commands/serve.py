"""`duixian serve SERVICE`: apply the service's migrations, then serve its API with uvicorn."""
from __future__ import annotations

import click
import uvicorn

from duixian.services import PORTS, SERVICES, entrypoint
from infra import migrations
from infra.settings import get_settings


@click.command("serve")
@click.argument("service", type=click.Choice(SERVICES))
@click.option("--host", default=None, help="default: SERVE_HOST or 127.0.0.1")
@click.option("--port", type=int, default=None, help="default: intake 8001, review 8002, payout 8003")
@click.option("--migrate/--no-migrate", default=True, show_default=True, help="apply migrations before serving")
def command(service: str, host: str | None, port: int | None, migrate: bool) -> None:
    """运行一个服务 (intake | review | payout)."""
    host = host or get_settings().serve_host
    module = entrypoint(service)
    runtime = module.build_runtime()
    if migrate:
        migrations.upgrade(runtime)
    uvicorn.run(module.create_app(runtime), host=host, port=port or PORTS[service], log_config=None, access_log=False)
