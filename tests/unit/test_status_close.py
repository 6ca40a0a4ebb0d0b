"""The status page's broker probe: a connection the broker drops while it is being closed leaves the
answer as measured (the probe once turned into a 500 under load when close() raised)."""
from __future__ import annotations

from pika.exceptions import StreamLostError

from infra.status import _close_quietly


class DroppedConnection:
    is_open = True

    def __init__(self) -> None:
        self.close_attempts = 0

    def close(self) -> None:
        self.close_attempts += 1
        raise StreamLostError("Transport indicated EOF")


class ClosedConnection:
    is_open = False

    def close(self) -> None:  # pragma: no cover - must not be called
        raise AssertionError("a closed connection is not closed again")


def test_a_connection_dropped_during_close_is_not_an_error() -> None:
    connection = DroppedConnection()
    _close_quietly(connection)  # type: ignore[arg-type]
    assert connection.close_attempts == 1


def test_a_closed_connection_is_left_alone() -> None:
    _close_quietly(ClosedConnection())  # type: ignore[arg-type]
