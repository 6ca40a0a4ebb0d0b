"""The whole system's status (`duixian status`): each service's own report (`GET /status`), the
bus, and what only Temporal can tell — whether it answers and whether a worker polls the task
queue. Cases stop moving when Temporal, the worker or the bridge is away, although every service
is ready; this is where that shows. (Services never talk to Temporal, so this lives here.)
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
from pydantic import BaseModel
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from contracts.topology import WORKFLOW_BRIDGE, topology
from infra.auth import service_token
from infra.clock import utcnow
from infra.settings import Settings
from infra.status import DependencyStatus, QueueStatus, ServiceStatus, State, bus_status
from workflows.temporal import connect

# A live worker long-polls again at least every minute; an older last poll means it is gone.
POLLER_FRESH = timedelta(seconds=90)
TIMEOUT_SECONDS = 5.0


class SystemStatus(BaseModel):
    status: State
    checked_at: datetime
    components: list[DependencyStatus]
    services: list[ServiceStatus]
    queues: list[QueueStatus]


async def system_status(settings: Settings, services: tuple[str, ...]) -> SystemStatus:
    reports = await asyncio.gather(*(_service(settings, name) for name in services))
    broker, queues = await asyncio.to_thread(bus_status, settings.amqp_url, topology(settings.amqp_namespace))
    temporal, worker = await _temporal_and_worker(settings)
    components = [*(component for component, _ in reports), broker, temporal, worker, _bridge(broker, queues)]
    overall: State = "down" if any(c.status == "down" for c in components) else \
        "ok" if all(c.status == "ok" for c in components) and all(q.status == "ok" for q in queues) else "degraded"
    return SystemStatus(status=overall, checked_at=utcnow(), components=components,
                        services=[report for _, report in reports if report is not None], queues=queues)


async def _service(settings: Settings, name: str) -> tuple[DependencyStatus, ServiceStatus | None]:
    url = getattr(settings, f"{name}_url")
    try:
        async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_SECONDS) as client:
            response = await client.get("/status", headers={"Authorization": f"Bearer {service_token(settings)}"})
        response.raise_for_status()
    except httpx.HTTPError as error:
        return DependencyStatus(name=name, status="down", detail=f"服务不可达 ({type(error).__name__}) {url}"), None
    report = ServiceStatus.model_validate(response.json())
    problems = [d.detail for d in report.dependencies if d.status != "ok"]
    if report.outbox is not None and report.outbox.unpublished:
        problems.append(f"outbox {report.outbox.unpublished} 条待发布, 最早已等待 {report.outbox.oldest_unpublished_age_seconds} 秒")
    return DependencyStatus(name=name, status=report.status, detail="; ".join(problems) or "正常"), report


async def _temporal_and_worker(settings: Settings) -> tuple[DependencyStatus, DependencyStatus]:
    address = settings.temporal_address
    try:
        client = await asyncio.wait_for(connect(settings), TIMEOUT_SECONDS)
        polling = {kind: await _live_pollers(client, settings.temporal_task_queue, kind)
                   for kind in (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)}
    except Exception as error:  # connect failures surface as RuntimeError, calls as RPCError
        return (DependencyStatus(name="temporal", status="down", detail=f"Temporal 不可达 ({type(error).__name__}) {address}"),
                DependencyStatus(name="worker", status="down", detail="无法确认: Temporal 不可达"))
    temporal = DependencyStatus(name="temporal", status="ok", detail=f"Temporal 可达 {address}")
    idle = [TaskQueueType.Name(kind) for kind, count in polling.items() if count == 0]
    if idle:
        detail = f"任务队列 {settings.temporal_task_queue} 无 worker 轮询 ({', '.join(idle)}), 案件流程停止推进"
        return temporal, DependencyStatus(name="worker", status="down", detail=detail)
    workers = max(polling.values())
    return temporal, DependencyStatus(name="worker", status="ok",
                                      detail=f"{workers} 个 worker 正在轮询任务队列 {settings.temporal_task_queue}")


async def _live_pollers(client: Client, task_queue: str, kind: TaskQueueType.ValueType) -> int:
    request = DescribeTaskQueueRequest(namespace=client.namespace, task_queue=TaskQueue(name=task_queue), task_queue_type=kind)
    response = await client.workflow_service.describe_task_queue(request, timeout=timedelta(seconds=TIMEOUT_SECONDS))
    now = utcnow()
    return sum(1 for poller in response.pollers
               if now - poller.last_access_time.ToDatetime().replace(tzinfo=now.tzinfo) < POLLER_FRESH)


def _bridge(broker: DependencyStatus, queues: list[QueueStatus]) -> DependencyStatus:
    queue = next((q for q in queues if q.queue == WORKFLOW_BRIDGE.key), None)
    if broker.status != "ok" or queue is None or queue.consumers is None:
        return DependencyStatus(name="bridge", status="down", detail="无法确认: 消息代理不可达或队列未声明")
    if queue.consumers == 0:
        return DependencyStatus(name="bridge", status="down",
                                detail=f"{WORKFLOW_BRIDGE.key} 无消费者: 事件不再启动或推进流程 ({queue.waiting} 条等待)")
    return DependencyStatus(name="bridge", status="ok", detail=f"正在消费 {WORKFLOW_BRIDGE.key} ({queue.waiting} 条等待)")
