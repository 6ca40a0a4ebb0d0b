"""`duixian db`: apply and author each service's Alembic migrations."""
from __future__ import annotations

import click

from duixian.services import SERVED, entrypoint
from infra import migrations


@click.group("db")
def command() -> None:
    """数据库迁移 (each service has its own history)."""


@command.command("upgrade")
@click.argument("services", nargs=-1, type=click.Choice(SERVED))
def upgrade(services: tuple[str, ...]) -> None:
    """Apply migrations to head for the given services (default: all)."""
    for service in services or SERVED:
        runtime = entrypoint(service).build_runtime()
        migrations.upgrade(runtime)
        click.echo(f"{service}: {migrations.current(runtime)} ({runtime.db.engine.url.render_as_string(hide_password=True)})")
        runtime.db.dispose()


@command.command("revision")
@click.option("--service", required=True, type=click.Choice(SERVED))
@click.option("-m", "--message", required=True)
def revision(service: str, message: str) -> None:
    """Autogenerate a revision from the service's models."""
    runtime = entrypoint(service).build_runtime()
    migrations.autogenerate_revision(runtime, message)
