"""Server-side sessions in the portal's own database.

The browser holds only a random id (cookie); the table keys rows by the id's SHA-256, so a copy of
the table opens no session. A session ends after SESSION idle seconds without a request or at its
absolute age, whichever comes first; expired rows are deleted when a new session is created.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, or_, select, update

from infra.clock import utcnow
from infra.db import Database
from services.portal.adapters.orm import sessions

TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


def id_hash_of(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class Session:
    """One browser's session: `data` is what pages keep (user, CSRF token, sign-in state)."""

    id: str | None
    data: dict[str, Any] = field(default_factory=dict)
    created_at: dt.datetime | None = None
    last_seen_at: dt.datetime | None = None
    rotate_requested: bool = False
    end_requested: bool = False

    def rotate(self) -> None:
        """Give the session a new id (at sign-in: an id known before sign-in is worth nothing after)."""
        self.rotate_requested = True

    def end(self) -> None:
        self.end_requested = True


class SessionStore:
    def __init__(self, db: Database, *, idle: dt.timedelta, absolute: dt.timedelta):
        self.db = db
        self.idle = idle
        self.absolute = absolute

    def load(self, session_id: str | None) -> Session | None:
        """The live session with this id; None when unknown or expired (an expired row is deleted)."""
        if not session_id:
            return None
        with self.db.engine.begin() as conn:
            row = conn.execute(select(sessions).where(sessions.c.id_hash == id_hash_of(session_id))).first()
            if row is None:
                return None
            now = utcnow()
            if now - row.last_seen_at >= self.idle or now - row.created_at >= self.absolute:
                conn.execute(delete(sessions).where(sessions.c.id_hash == row.id_hash))
                return None
            return Session(session_id, json.loads(row.data), row.created_at, row.last_seen_at)

    def save(self, session: Session, *, changed: bool) -> str:
        """Write the session (new, rotated or changed) and return the id the cookie carries."""
        now = utcnow()
        with self.db.engine.begin() as conn:
            if session.id is None or session.rotate_requested:
                if session.id is not None:
                    conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash_of(session.id)))
                conn.execute(delete(sessions).where(or_(sessions.c.last_seen_at < now - self.idle,
                                                        sessions.c.created_at < now - self.absolute)))
                session.id = secrets.token_urlsafe(32)
                session.created_at = now
                conn.execute(insert(sessions).values(id_hash=id_hash_of(session.id), data=json.dumps(session.data, ensure_ascii=False),
                                                     created_at=session.created_at, last_seen_at=now))
                session.rotate_requested = False
            elif changed or session.last_seen_at is None or now - session.last_seen_at >= TOUCH_EVERY:
                values: dict[str, Any] = {"last_seen_at": now}
                if changed:
                    values["data"] = json.dumps(session.data, ensure_ascii=False)
                conn.execute(update(sessions).where(sessions.c.id_hash == id_hash_of(session.id)).values(**values))
            session.last_seen_at = now
        return session.id

    def delete(self, session_id: str) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash_of(session_id)))
