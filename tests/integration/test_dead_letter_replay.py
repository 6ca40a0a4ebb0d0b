"""`duixian dlq list|replay`: an operator sees a consumer's dead letters without losing them and,
once the cause is fixed, replays them into that consumer's queue only (another queue bound to the
same event type does not get a second copy)."""
from __future__ import annotations

import json
import threading

import pytest
from click.testing import CliRunner

from contracts.topology import INTAKE_AWARD_OPENING, INTAKE_CASE_PROJECTION, topology
from duixian.cli import EXIT_INVALID_INPUT, cli
from infra.amqp import Publisher
from infra.consumer import Consumer
from infra.failures import PermanentFailure
from infra.settings import get_settings
from tests.support.bus import ready_messages
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

EVENT = "selection.candidate.published"  # bound to both intake queues


@pytest.fixture
def dlq(settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AMQP_URL", settings.amqp_url)
    monkeypatch.setenv("AMQP_NAMESPACE", settings.amqp_namespace)
    get_settings.cache_clear()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["dlq", *args], catch_exceptions=False)

    yield run
    get_settings.cache_clear()


def test_dead_letters_are_listed_kept_and_replayed_one_by_id_then_all_into_their_own_queue_only(settings, dlq):
    bus = topology(settings.amqp_namespace)
    projection, award_opening = bus.queue(INTAKE_CASE_PROJECTION.key), bus.queue(INTAKE_AWARD_OPENING.key)
    fixed = threading.Event()
    handled: list[str] = []

    def handler(body, properties):  # type: ignore[no-untyped-def]
        if not fixed.is_set():
            raise PermanentFailure("候选名单格式错误")
        handled.append(properties.message_id)

    stop = threading.Event()
    consumer = Consumer(settings.amqp_url, bus, projection, handler)
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    publisher = Publisher(settings.amqp_url, bus)
    try:
        eventually(consumer.ready.is_set, what="the consumer to subscribe")
        for name in ("A", "B"):
            publisher.publish(routing_key=EVENT, body=b"{}", message_id=f"MSG-{name}", correlation_id=f"CAND-{name}",
                              event_type=EVENT)
        eventually(lambda: ready_messages(settings.amqp_url, projection.dead_letter_queue) == 2, what="two dead letters")

        listed = dlq("list", "intake.case-projection", "--json")
        assert listed.exit_code == 0
        letters = json.loads(listed.stdout)
        assert [(d["message_id"], d["event_type"], d["correlation_id"], d["reason"], d["deaths"]) for d in letters] \
            == [("MSG-A", EVENT, "CAND-A", "rejected", 1), ("MSG-B", EVENT, "CAND-B", "rejected", 1)]
        assert all(d["first_death_at"] for d in letters)
        table = dlq("list", "intake.case-projection")
        assert "2 条死信" in table.stdout and "MSG-B" in table.stdout and "CAND-B" in table.stdout
        assert ready_messages(settings.amqp_url, projection.dead_letter_queue) == 2, "listing loses nothing"

        fixed.set()
        missing = dlq("replay", "intake.case-projection", "--id", "MSG-NONE")
        assert missing.exit_code == EXIT_INVALID_INPUT and "MSG-NONE" in missing.stderr
        one = dlq("replay", "intake.case-projection", "--id", "MSG-B")
        assert one.exit_code == 0 and "已重新投递 1 条" in one.stdout
        eventually(lambda: handled == ["MSG-B"], what="the replayed message to be handled")
        remaining = json.loads(dlq("list", "intake.case-projection", "--json").stdout)
        assert [d["message_id"] for d in remaining] == ["MSG-A"]

        everything = dlq("replay", "intake.case-projection")
        assert everything.exit_code == 0 and "已重新投递 1 条" in everything.stdout
        eventually(lambda: handled == ["MSG-B", "MSG-A"], what="the rest to be handled")
        assert ready_messages(settings.amqp_url, projection.dead_letter_queue) == 0
        assert ready_messages(settings.amqp_url, award_opening.name) == 2, "the other queue kept its one copy of each"
    finally:
        publisher.close()
        stop.set()
        thread.join(10)


def test_an_unknown_queue_is_refused_naming_the_known_ones(dlq):
    result = dlq("list", "intake.nothing")
    assert result.exit_code == EXIT_INVALID_INPUT
    assert "intake.nothing" in result.stderr and "workflows.bridge" in result.stderr
