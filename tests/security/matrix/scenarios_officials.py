"""Scenarios of the routes the officials' and admin pages added: an application's or candidacy's material,
a task's case file (registered in the same SCENARIOS as scenarios.py)."""
from __future__ import annotations

import hashlib
import uuid

from infra.clock import utcnow
from services.intake.adapters.orm import ApplicationMaterial, CandidacyMaterial
from tests.security.matrix.identities import Identity
from tests.security.matrix.scenarios import Call, _add, application, candidacy, scenario, task

PDF = b"%PDF-1.4\n% matrix\n"


def _file(table, **owner):  # type: ignore[no-untyped-def]
    return table(id=f"MAT-M-{uuid.uuid4().hex[:10]}", filename="材料.pdf", content_type="application/pdf",
                 size_bytes=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(), content=PDF, uploaded_by="x",
                 uploaded_at=utcnow(), **owner)


def _owner_id(call: Call) -> str:
    return call.path.rstrip("/").rsplit("/", 1)[-1]


def _materials(stack, owners: tuple[Call, Call], table, owner_field: str) -> tuple[Call, Call]:  # type: ignore[no-untyped-def]
    """A file of each owner (own, other), and the request for each."""
    files = [_file(table, **{owner_field: _owner_id(call)}) for call in owners]
    _add(stack, "intake", *files)
    own, other = owners
    return (Call("GET", f"{own.path}/materials/{files[0].id}"), Call("GET", f"{other.path}/materials/{files[1].id}"))


@scenario("application_material")
def application_material(stack, me: Identity):  # type: ignore[no-untyped-def]
    return _materials(stack, application(stack, me), ApplicationMaterial, "application_id")


@scenario("candidacy_material")
def candidacy_material(stack, me: Identity):  # type: ignore[no-untyped-def]
    return _materials(stack, candidacy(stack, me), CandidacyMaterial, "candidacy_id")


@scenario("case_file")
def case_file(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = task(stack, me)
    return Call("GET", own.path + "/case-file"), Call("GET", other.path + "/case-file")
