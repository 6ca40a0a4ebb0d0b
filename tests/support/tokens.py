"""Test identities: valid USCCs and signed development tokens."""
from __future__ import annotations

import random
import string

from contracts.uscc import ALPHABET, check_character
from infra.auth import issue_token
from infra.settings import Settings


def make_uscc(region: str = "140400", rng: random.Random | None = None) -> str:
    """A well-formed 统一社会信用代码: 91 (enterprise) + region + 9-character organisation code + check."""
    rng = rng or random.Random()
    organisation = "".join(rng.choice(string.digits + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    first17 = "91" + region + organisation
    assert all(ch in ALPHABET for ch in first17)
    return first17 + check_character(first17)


def bearer(settings: Settings, role: str, organisation: str, **claims) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": "Bearer " + issue_token(settings, subject=claims.pop("subject", f"{role}@{organisation}"),
                                                     role=role, organisation=organisation, **claims)}
