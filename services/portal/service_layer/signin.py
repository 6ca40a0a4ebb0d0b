"""Sign-in and sign-out: who the provider says someone is, and what the directory lets them do."""
from __future__ import annotations

from typing import Any

from infra.clock import utcnow
from services.portal.adapters.sessions import Session
from services.portal.domain.directory import Directory, DirectoryEntry

USER = "user"  # session keys
ID_TOKEN = "id_token"
SIGNED_IN_AT = "signed_in_at"
AFTER_SIGN_IN = "after_sign_in"


class NotInDirectory(Exception):
    def __init__(self, subject: str):
        super().__init__(subject)
        self.subject = subject


def complete_sign_in(session: Session, directory: Directory, id_token_claims: dict[str, Any], id_token: str) -> str:
    """Bind the session to the directory entry of the ID token's subject under a new session id;
    returns where to go next. Someone the directory does not list is not signed in."""
    subject = str(id_token_claims.get("sub") or "")
    if directory.find(subject) is None:
        raise NotInDirectory(subject)
    after = session.data.get(AFTER_SIGN_IN) or "/"
    session.data.clear()
    session.data.update({USER: subject, ID_TOKEN: id_token, SIGNED_IN_AT: utcnow().isoformat()})
    session.rotate()
    return after


def signed_in_user(session: Session | None, directory: Directory) -> DirectoryEntry | None:
    """The directory entry the session acts as (None when signed out, or no longer listed)."""
    if session is None or USER not in session.data:
        return None
    return directory.find(session.data[USER])
