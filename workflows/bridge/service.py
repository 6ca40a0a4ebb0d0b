"""Applies the bridge's actions on Temporal. Called on the consumer's worker thread; Temporal
calls run on the bridge's asyncio loop, and the message is acked only after they succeed.

Temporal being unreachable, overloaded or slow is a transient failure: the consumer keeps the
message and retries until Temporal answers, instead of counting it towards the dead-letter queue."""
from __future__ import annotations

import asyncio

import pika
import structlog
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import SignalWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts.envelope import EventEnvelope
from infra.failures import TransientFailure
from workflows.bridge.routes import Action, SignalWorkflow, StartWorkflow, translate

log = structlog.get_logger(__name__)

# Statuses with which Temporal says "not now" (unreachable, timed out, overloaded, raced).
PASSING_STATUSES = frozenset({
    RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.RESOURCE_EXHAUSTED, RPCStatusCode.ABORTED,
})


class Bridge:
    def __init__(self, client: Client, loop: asyncio.AbstractEventLoop, *, task_queue: str, timeout: float = 30.0):
        self.client = client
        self.loop = loop
        self.task_queue = task_queue
        self.timeout = timeout

    def __call__(self, body: bytes, properties: pika.BasicProperties) -> None:
        envelope = EventEnvelope.from_bytes(body)
        for action in translate(envelope):
            future = asyncio.run_coroutine_threadsafe(self.apply(action, envelope), self.loop)
            try:
                future.result(self.timeout)
            except TimeoutError as error:
                future.cancel()
                raise TransientFailure(f"Temporal did not answer within {self.timeout:g} s") from error
            except RPCError as error:
                if error.status in PASSING_STATUSES:
                    raise TransientFailure(f"Temporal unavailable: {error.status.name} {error.message}") from error
                raise

    async def apply(self, action: Action, envelope: EventEnvelope) -> None:
        if isinstance(action, StartWorkflow):
            await self._start(action, envelope)
        else:
            await self._signal(action, envelope)

    async def _start(self, action: StartWorkflow, envelope: EventEnvelope) -> None:
        try:
            await self.client.start_workflow(
                action.workflow,
                action.argument,
                id=action.workflow_id,
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                memo={"started_by_event": str(envelope.id)},
            )
            log.info("workflow_started", workflow=action.workflow, workflow_id=action.workflow_id, message_id=str(envelope.id))
        except WorkflowAlreadyStartedError:
            log.info("workflow_already_started", workflow_id=action.workflow_id, message_id=str(envelope.id))

    async def _signal(self, action: SignalWorkflow, envelope: EventEnvelope) -> None:
        handle = self.client.get_workflow_handle(action.workflow_id)
        try:
            await self._send_signal(action, request_id=str(envelope.id))
            log.info("workflow_signalled", workflow_id=action.workflow_id, signal=action.signal, message_id=str(envelope.id))
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            description = await handle.describe()  # raises NOT_FOUND again if the workflow never existed
            if description.status == WorkflowExecutionStatus.RUNNING:
                raise
            log.warning("signal_to_closed_workflow_dropped", workflow_id=action.workflow_id, signal=action.signal,
                        message_id=str(envelope.id), workflow_status=description.status.name if description.status else None)

    async def _send_signal(self, action: SignalWorkflow, *, request_id: str) -> None:
        """Signal with the event id as Temporal's request id, so the server itself drops a repeat
        (the SDK's `handle.signal` would send a fresh random request id each time)."""
        request = SignalWorkflowExecutionRequest(
            namespace=self.client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=action.workflow_id),
            signal_name=action.signal,
            identity=self.client.identity,
            request_id=request_id,
        )
        request.input.payloads.extend(await self.client.data_converter.encode([action.argument]))
        await self.client.workflow_service.signal_workflow_execution(request, retry=True)
