"""What a service depends on and how far behind it is: its database, the broker, its outbox (events
written but not yet published) and the bus's queues (waiting messages, consumers, dead letters).

Readiness (`/readyz`) asks only "can this process serve requests", which needs its database: while
the broker is down the outbox keeps every event and writes are accepted. This report (`GET /status`,
`duixian status`) is for people: it names what is down and how much is waiting. It carries counts,
ages and queue names, never URLs or credentials.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

import pika
import structlog
from pika.exceptions import AMQPError, ChannelClosedByBroker
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from contracts.queues import Topology
from infra.amqp import connection_parameters
from infra.clock import as_utc, utcnow
from infra.runtime import ServiceRuntime

log = structlog.get_logger(__name__)

State = Literal["ok", "degraded", "down"]


class DependencyStatus(BaseModel):
    name: str = Field(description="database, broker, temporal, worker, bridge, or a service")
    status: State
    detail: str = Field(description="中文说明")


class OutboxStatus(BaseModel):
    unpublished: int = Field(description="已写入、尚未发布到消息代理的事件数")
    oldest_unpublished_at: datetime | None = None
    oldest_unpublished_age_seconds: float | None = None
    oldest_attempts: int = Field(0, description="最早一条已尝试发布的次数")


class QueueStatus(BaseModel):
    queue: str = Field(description="logical queue name, e.g. workflows.bridge")
    waiting: int | None = Field(None, description="等待处理的消息数 (不含已投递未确认的)")
    consumers: int | None = None
    dead_letters: int | None = Field(None, description="死信数 (duixian dlq list)")
    status: State
    detail: str


class ServiceStatus(BaseModel):
    service: str
    status: State = Field(description="down: 不能处理请求; degraded: 能处理请求, 但有依赖中断或积压")
    checked_at: datetime
    dependencies: list[DependencyStatus]
    outbox: OutboxStatus | None = None
    queues: list[QueueStatus] = []


def service_status(runtime: ServiceRuntime) -> ServiceStatus:
    database, outbox = _database_and_outbox(runtime)
    broker, queues = bus_status(runtime.settings.amqp_url, runtime.topology, runtime.settings.amqp_heartbeat)
    dependencies = [database, broker]
    if database.status == "down":
        overall: State = "down"
    elif broker.status != "ok" or any(q.status != "ok" for q in queues):
        overall = "degraded"
    else:
        overall = "ok"
    return ServiceStatus(service=runtime.name, status=overall, checked_at=utcnow(), dependencies=dependencies,
                         outbox=outbox, queues=queues)


def database_ready(runtime: ServiceRuntime) -> DependencyStatus:
    try:
        runtime.db.ping()
    except Exception as error:
        return DependencyStatus(name="database", status="down", detail=f"数据库不可达 ({type(error).__name__})")
    return DependencyStatus(name="database", status="ok", detail="数据库可达")


def _database_and_outbox(runtime: ServiceRuntime) -> tuple[DependencyStatus, OutboxStatus | None]:
    database = database_ready(runtime)
    if database.status != "ok":
        return database, None
    outbox = runtime.tables.outbox
    waiting = outbox.c.published_at.is_(None)
    try:
        with runtime.db.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(outbox).where(waiting)).scalar_one()
            oldest = conn.execute(select(outbox.c.created_at, outbox.c.attempts).where(waiting)
                                  .order_by(outbox.c.seq).limit(1)).first()
    except Exception as error:
        return DependencyStatus(name="database", status="down", detail=f"数据库不可达 ({type(error).__name__})"), None
    if oldest is None:
        return database, OutboxStatus(unpublished=0)
    created = as_utc(oldest.created_at)
    return database, OutboxStatus(unpublished=count, oldest_unpublished_at=created, oldest_attempts=oldest.attempts,
                                  oldest_unpublished_age_seconds=round((utcnow() - created).total_seconds(), 1))


def bus_status(amqp_url: str, topology: Topology, heartbeat: int = 30) -> tuple[DependencyStatus, list[QueueStatus]]:
    """The broker, and each of the topology's queues as the broker sees it."""
    try:
        connection = pika.BlockingConnection(connection_parameters(amqp_url, heartbeat=heartbeat, timeout=2.0))
    except (AMQPError, OSError) as error:
        return DependencyStatus(name="broker", status="down", detail=f"消息代理不可达 ({type(error).__name__}); 事件暂存于 outbox"), []
    try:
        queues = [_queue_status(connection, spec.name, spec.dead_letter_queue, spec.key) for spec in topology.queues]
    except (AMQPError, OSError) as error:
        return DependencyStatus(name="broker", status="down", detail=f"消息代理连接中断 ({type(error).__name__})"), []
    finally:
        _close_quietly(connection)
    return DependencyStatus(name="broker", status="ok", detail="消息代理可达"), queues


def _close_quietly(connection: pika.BlockingConnection) -> None:
    """The status is already decided; a connection the broker dropped meanwhile must not turn it into a 500."""
    try:
        if connection.is_open:
            connection.close()
    except (AMQPError, OSError) as error:
        log.info("status_connection_close_failed", error=type(error).__name__)


def _queue_status(connection: pika.BlockingConnection, name: str, dead_letter_queue: str, key: str) -> QueueStatus:
    try:
        queue = connection.channel().queue_declare(name, passive=True).method
        dead = connection.channel().queue_declare(dead_letter_queue, passive=True).method
    except ChannelClosedByBroker as error:
        if error.reply_code != 404:
            raise
        return QueueStatus(queue=key, status="degraded", detail="队列尚未声明 (no process has declared it yet)")
    problems = []
    if queue.consumer_count == 0:
        problems.append("无消费者, 消息不会被处理")
    if dead.message_count:
        problems.append(f"{dead.message_count} 条死信待处理 (duixian dlq list {key})")
    return QueueStatus(queue=key, waiting=queue.message_count, consumers=queue.consumer_count,
                       dead_letters=dead.message_count, status="degraded" if problems else "ok",
                       detail="; ".join(problems) or "正常")
