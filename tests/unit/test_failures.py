"""Which failures a consumer waits out (transient) and which it dead-letters (permanent)."""
from __future__ import annotations

import sqlite3

import httpx
import pydantic
import pytest
from pika.exceptions import AMQPConnectionError, StreamLostError
from sqlalchemy.exc import IntegrityError, OperationalError

from contracts.envelope import EventEnvelope
from infra.errors import DataUnavailable, InvalidRequest
from infra.failures import Failure, TransientFailure, UnknownEventType, classify


def database_error(orig: Exception, *, invalidated: bool = False) -> OperationalError:
    return OperationalError("SELECT 1", {}, orig, connection_invalidated=invalidated)


class PsycopgOperationalError(Exception):  # the driver's class: only its module differs from sqlite3's
    __module__ = "psycopg"


def invalid_envelope() -> pydantic.ValidationError:
    with pytest.raises(pydantic.ValidationError) as raised:
        EventEnvelope.from_bytes(b'{"type": "review.task.opened"}')
    return raised.value


def raised_from(cause: Exception) -> Exception:
    try:
        raise TransientFailure("Temporal unavailable") from cause
    except TransientFailure as wrapped:
        return wrapped


@pytest.mark.parametrize("error", [
    database_error(PsycopgOperationalError("connection refused")),
    database_error(sqlite3.OperationalError("database is locked")),
    database_error(sqlite3.OperationalError("no such table: inbox"), invalidated=True),
    AMQPConnectionError("broker down"), StreamLostError("reset"),
    httpx.ConnectError("refused"), httpx.ReadTimeout("slow"),
    ConnectionRefusedError(111, "refused"), TimeoutError("no answer"), OSError(113, "No route to host"),
    TransientFailure("Temporal UNAVAILABLE"), raised_from(KeyError("x")),
], ids=lambda e: type(e).__name__)
def test_an_unreachable_or_busy_dependency_is_transient(error):
    assert classify(error) is Failure.TRANSIENT


@pytest.mark.parametrize("make", [
    invalid_envelope, lambda: UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    lambda: UnknownEventType("no handler for x.y"), lambda: InvalidRequest.on("zone_id", "未知开发区"),
    lambda: DataUnavailable("2031 年工作日历未加载"),
], ids=["invalid-envelope", "undecodable", "unknown-type", "business-refusal", "data-unavailable"])
def test_a_message_that_cannot_be_handled_as_it_is_is_permanent(make):
    assert classify(make()) is Failure.PERMANENT


@pytest.mark.parametrize("error", [
    database_error(sqlite3.OperationalError("no such table: inbox")),
    IntegrityError("INSERT", {}, Exception("duplicate key")), KeyError("bug"), FileNotFoundError(2, "missing"),
], ids=lambda e: type(e).__name__ + ":" + str(e)[:20])
def test_anything_else_is_unknown_and_counts_towards_the_delivery_limit(error):
    assert classify(error) is Failure.UNKNOWN
