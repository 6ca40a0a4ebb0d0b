"""A poison message ends in its queue's dead-letter queue, logged with its id; later messages keep flowing."""
from __future__ import annotations

import json
import uuid

import pika
import pytest
from sqlalchemy import select

from contracts.envelope import EventEnvelope
from contracts.events.review import TaskOpened
from infra.amqp import connection_parameters
from tests.support.bus import publish_confirmed, publish_envelope
from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


def dead_letters(amqp_url: str, queue: str) -> list[str]:
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    channel = connection.channel()
    ids = []
    while True:
        method, properties, _ = channel.basic_get(queue, auto_ack=False)
        if method is None:
            break
        ids.append(properties.message_id)
    connection.close()  # unacked: they stay in the dead-letter queue
    return ids


@pytest.mark.parametrize("poison", [b"{not json", json.dumps({"type": "review.task.opened", "payload": {}}).encode(),
                                    EventEnvelope(type="review.task.opened", producer="x", correlation_id="C",
                                                  payload={"task_id": 1}).to_bytes()],
                         ids=["malformed-json", "not-an-envelope", "invalid-payload"])
def test_poison_message_is_dead_lettered_while_the_next_good_message_is_processed(settings, databases, amqp_url, poison, capsys):
    with Stack(settings, databases, services=("intake",)) as stack:
        intake = stack.runtimes["intake"]
        bus = intake.topology
        queue = bus.queue("intake.case-projection")
        eventually(lambda: all(c.ready.is_set() for c in stack.servers["intake"].server.config.app.state.workers.running_consumers),
                   what="the consumer to subscribe")
        poison_id = f"poison-{uuid.uuid4()}"
        publish_confirmed(amqp_url, bus.exchange, "review.task.opened", poison, poison_id)
        good = EventEnvelope.wrap(
            TaskOpened(task_id="T-1", case_id="CASE-GOOD", kind="case_review", title="好消息", assignee_role="competent_department",
                       assignee_org="140400.city_science_bureau"),
            producer="review",
            correlation_id="CASE-GOOD",
        )
        publish_envelope(amqp_url, bus.exchange, good)

        timeline = intake.metadata.tables["timeline_entries"]

        def good_applied() -> bool:
            with intake.db.engine.connect() as conn:
                return conn.execute(select(timeline.c.event_id).where(timeline.c.case_id == "CASE-GOOD")).first() is not None

        eventually(good_applied, what="the good message to be applied")
        assert eventually(lambda: dead_letters(amqp_url, queue.dead_letter_queue), timeout=30, what="a dead letter") == [poison_id]
        with stack.client("intake", "admin", "ops") as operator:
            queues = {q["queue"]: q for q in operator.get("/status").json()["queues"]}
        projection = queues["intake.case-projection"]
        assert (projection["consumers"], projection["dead_letters"], projection["status"]) == (1, 1, "degraded")
        assert "duixian dlq list intake.case-projection" in projection["detail"]
        logged = capsys.readouterr().out
        dead_lettered = [line for line in logged.splitlines() if poison_id in line and "message_dead_lettered" in line]
        assert len(dead_lettered) == 1, "logged as dead-lettered once, at its first delivery (it cannot succeed)"
