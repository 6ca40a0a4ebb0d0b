"""The portal's directory kept in its own database, so admins can manage it on the admin pages; the YAML file
(PORTAL_DIRECTORY_FILE, the demo one under `make up`) is only the initial load, read while the table is empty.
Every change — the initial load, an entry added, changed or removed — appends a record to the portal's audit
chain (infra/audit.py, keyed with AUDIT_KEY) in the same transaction, with the entry before and after."""
from __future__ import annotations

import json
import threading
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from infra import audit
from infra.clock import utcnow
from infra.db import Database
from infra.tables import InfraTables
from services.portal.adapters.orm import directory_entries as table
from services.portal.domain.directory import Directory, DirectoryEntry

OBJECT_TYPE = "directory_entry"
SYSTEM = "system"  # the actor of the initial load from YAML


class DirectoryStore:
    """Looks like `Directory` to the pages (`find`, `entries`); `save` and `remove` change it with an audit record."""

    def __init__(self, db: Database, tables: InfraTables, keys: audit.AuditKeys, initial: Directory):
        self.db, self.tables, self.keys = db, tables, keys
        self._initial: Directory | None = initial
        self._lock = threading.Lock()

    def _seeded(self) -> None:
        """The YAML's entries, once, while the table is still empty (each with its audit record)."""
        if self._initial is None:
            return
        with self._lock:
            if self._initial is None:
                return
            try:
                with self.db.engine.begin() as conn:
                    if conn.execute(select(func.count()).select_from(table)).scalar_one() == 0:
                        for entry in self._initial.entries():
                            conn.execute(insert(table).values(**_row(entry, SYSTEM)))
                            self._audit(conn, "directory.load", entry.subject, None, _public(entry), actor=None)
            except IntegrityError:  # another replica loaded it at the same moment: its load stands
                pass
            self._initial = None

    def find(self, subject: str) -> DirectoryEntry | None:
        self._seeded()
        with self.db.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.subject == subject)).mappings().first()
        return _entry(row) if row else None

    def entries(self) -> list[DirectoryEntry]:
        self._seeded()
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(table).order_by(table.c.role, table.c.organisation, table.c.subject)).mappings().all()
        return [_entry(row) for row in rows]

    def save(self, entry: DirectoryEntry, actor: DirectoryEntry) -> None:
        """Add or change an entry; takes effect at the person's next request."""
        self._seeded()
        with self.db.engine.begin() as conn:
            existing = conn.execute(select(table).where(table.c.subject == entry.subject)).mappings().first()
            before = _public(_entry(existing)) if existing else None
            if existing:
                conn.execute(update(table).where(table.c.subject == entry.subject).values(**_row(entry, actor.subject)))
            else:
                conn.execute(insert(table).values(**_row(entry, actor.subject)))
            self._audit(conn, "directory.change" if existing else "directory.add", entry.subject, before, _public(entry), actor)

    def remove(self, subject: str, actor: DirectoryEntry) -> bool:
        self._seeded()
        with self.db.engine.begin() as conn:
            existing = conn.execute(select(table).where(table.c.subject == subject)).mappings().first()
            if existing is None:
                return False
            conn.execute(delete(table).where(table.c.subject == subject))
            self._audit(conn, "directory.remove", subject, _public(_entry(existing)), None, actor)
        return True

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        """The directory's audit records, newest first."""
        log = self.tables.audit_log
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(log).where(log.c.object_type == OBJECT_TYPE)
                                .order_by(log.c.seq.desc()).limit(limit)).mappings().all()
        return [{**row, "before": json.loads(row["before"]) if row["before"] else None,
                 "after": json.loads(row["after"]) if row["after"] else None} for row in rows]

    def _audit(self, conn: Connection, action: str, subject: str, before: Any, after: Any,
               actor: DirectoryEntry | None) -> None:
        audit.append(conn, self.tables, {
            "occurred_at": utcnow(), "actor": actor.subject if actor else SYSTEM, "role": actor.role if actor else SYSTEM,
            "organisation": actor.organisation if actor else None, "action": action, "object_type": OBJECT_TYPE,
            "object_id": subject, "before": audit.canonical(before), "after": audit.canonical(after), "request_id": None,
        }, self.keys)


def _row(entry: DirectoryEntry, by: str) -> dict[str, Any]:
    return {"subject": entry.subject, "name": entry.name, "role": entry.role, "organisation": entry.organisation,
            "region": entry.region, "chains": json.dumps(list(entry.chains)), "updated_by": by, "updated_at": utcnow()}


def _entry(row: Any) -> DirectoryEntry:
    return DirectoryEntry(subject=row["subject"], name=row["name"], role=row["role"], organisation=row["organisation"],
                          region=row["region"], chains=tuple(json.loads(row["chains"] or "[]")))


def _public(entry: DirectoryEntry) -> dict[str, Any]:
    return entry.model_dump(mode="json")
