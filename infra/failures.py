"""Why handling a message failed, decided once for every consumer.

- transient: a dependency (database, broker, Temporal, another service) is unreachable or busy.
  The same message will succeed once it is back, so the consumer keeps it and retries; it is
  never counted against the queue's delivery limit.
- permanent: the message itself cannot be handled (undecodable or invalid envelope, an event
  type nobody handles, a business or validation refusal). Retrying cannot help: it goes to the
  dead-letter queue at once, to be replayed (`duixian dlq replay`) once the cause is fixed.
- unknown: anything else (most likely a bug). Retried up to the queue's delivery limit, then
  dead-lettered, as every failure was before this classification existed.

Adapters that know their own transient failures (the bridge for Temporal) raise
`TransientFailure` from them, so infra need not import every client library.
"""
from __future__ import annotations

import errno
import json
import socket
from enum import Enum

import httpx
import pydantic
from pika.exceptions import AMQPError
from sqlalchemy import exc as sa

from infra.errors import DomainError


class Failure(str, Enum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


class TransientFailure(Exception):
    """A dependency is unavailable; the same message can succeed later."""


class PermanentFailure(Exception):
    """The message cannot be handled as it is; retrying cannot succeed."""


class UnknownEventType(PermanentFailure, LookupError):
    """No handler (or bridge route) for the message's event type."""


_NETWORK_ERRNOS = frozenset({
    errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE, errno.ETIMEDOUT,
    errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETUNREACH, errno.ENETDOWN, errno.ENETRESET,
})
# SQLite reports both "the database is busy" and "no such table" as OperationalError: only these are passing.
_SQLITE_PASSING = ("database is locked", "database is busy", "unable to open database file", "disk i/o error")
_RETRYABLE_HTTP_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_PERMANENT = (PermanentFailure, DomainError, pydantic.ValidationError, json.JSONDecodeError, UnicodeDecodeError)


def classify(error: BaseException) -> Failure:
    """Transient if the error or anything it was raised from is transient; else permanent or unknown."""
    for link in _chain(error):
        if _transient(link):
            return Failure.TRANSIENT
    if isinstance(error, _PERMANENT):
        return Failure.PERMANENT
    return Failure.UNKNOWN


def is_transient(error: BaseException) -> bool:
    return classify(error) is Failure.TRANSIENT


def _chain(error: BaseException, limit: int = 8) -> list[BaseException]:
    """The error and the ones it was raised from (`raise ... from`), SQLAlchemy's wrapped DBAPI error included."""
    links: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(links) < limit and current not in links:
        links.append(current)
        current = current.__cause__
    return links


def _transient(error: BaseException) -> bool:
    if isinstance(error, TransientFailure):
        return True
    if isinstance(error, sa.DBAPIError):
        return _database_unavailable(error)
    if isinstance(error, (sa.TimeoutError, sa.DisconnectionError)):  # pool exhausted, connection lost
        return True
    if isinstance(error, (AMQPError, httpx.TransportError)):
        return True
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in _RETRYABLE_HTTP_STATUS
    if isinstance(error, (ConnectionError, TimeoutError, socket.gaierror)):
        return True
    return isinstance(error, OSError) and error.errno in _NETWORK_ERRNOS


def _database_unavailable(error: sa.DBAPIError) -> bool:
    if error.connection_invalidated:
        return True
    if not isinstance(error, (sa.OperationalError, sa.InterfaceError)):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(text in str(error.orig).lower() for text in _SQLITE_PASSING)
    return True  # PostgreSQL: connection refused or lost, server shutting down, serialization failure, deadlock
