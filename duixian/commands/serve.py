"""`duixian serve SERVICE`: apply the service's migrations, then serve its API with uvicorn."""
from __future__ import annotations

import click
import uvicorn

from duixian.services import SERVED, entrypoint
from infra import migrations
from infra.settings import get_settings


@click.command("serve")
@click.argument("service", type=click.Choice(SERVED))
@click.option("--host", default=None, help="default: SERVE_HOST or 127.0.0.1")
@click.option("--port", type=int, default=None, help="default: INTAKE_PORT 8001, REVIEW_PORT 8002, PAYOUT_PORT 8003, PORTAL_PORT 8000")
@click.option("--migrate/--no-migrate", default=True, show_default=True, help="apply migrations before serving")
def command(service: str, host: str | None, port: int | None, migrate: bool) -> None:
    """运行一个服务 (intake | review | payout | portal)."""
    settings = get_settings()
    host = host or settings.serve_host
    module = entrypoint(service)
    runtime = module.build_runtime()
    if migrate:
        migrations.upgrade(runtime)
    uvicorn.run(module.create_app(runtime), host=host, port=port or settings.port_of(service), log_config=None, access_log=False,
                proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips)
