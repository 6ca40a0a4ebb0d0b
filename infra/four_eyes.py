"""Four-eyes: whoever recommended, prepared or determined an item cannot approve it.

People are compared by their normalised subject (infra/claims.subject_key): tokens' subjects are
normalised at verification, and subjects stored before that are folded the same way here."""
from __future__ import annotations

from collections.abc import Iterable

from infra.claims import subject_key
from infra.errors import Forbidden


class FourEyesViolation(Forbidden):
    code = "four_eyes"


def require_different_person(subject: str, earlier: Iterable[tuple[str, str]], action: str) -> None:
    """`earlier` holds (who, what they did) for the same item; `subject` may not appear in it."""
    person = subject_key(subject)
    for who, what in earlier:
        if who and subject_key(who) == person:
            raise FourEyesViolation(
                f"四眼原则: 您已对该事项{what}, 不能再{action}; 请由另一名工作人员办理", earlier_action=what
            )
