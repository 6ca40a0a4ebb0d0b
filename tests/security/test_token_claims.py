"""A signed token is not enough: its claims must have a sound form (infra/claims.py). Subjects are
normalised, so spelling one's own name differently does not get past four-eyes; a region must fit the
role; lengths and lifetime are bounded. Refused tokens answer 401 and change nothing."""
from __future__ import annotations

import time

import jwt
import pytest

from tests.support.payout import finance, open_plan_body, recipient, table_rows
from tests.support.stack import Stack
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration

FINANCE_ORG = "140400.city_finance_bureau"
PREPARER = f"zhang@{FINANCE_ORG}"


def full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


# How else the preparer might write their own subject. Each is either the same person once normalised
# (403 four_eyes) or refused at verification (401): never a second person who may approve.
SAME_PERSON = {
    "upper case": "ZHANG@140400.City_Finance_Bureau",
    "trailing space": PREPARER + " ",
    "leading space": " " + PREPARER,
    "no-break space": PREPARER + "\u00a0",
    "full-width letters": full_width(PREPARER),
}
REFUSED = {
    "zero-width space": "zha\u200bng@" + FINANCE_ORG,
    "zero-width joiner": "zhang\u200d@" + FINANCE_ORG,
    "bidi override": "\u202e" + PREPARER,
    "cyrillic a": "zh\u0430ng@" + FINANCE_ORG,
    "combining accent": "zha\u0301ng@" + FINANCE_ORG,
    "soft hyphen": "zh\u00adang@" + FINANCE_ORG,
    "C1 control": "zhang\u0085@" + FINANCE_ORG,
}


def _open_plan(stack: Stack, region: str = "140423") -> dict:
    with stack.client("payout", "workflow", "duixian") as wf:
        response = wf.post("/internal/payout-plans", json=open_plan_body(recipient(region)))
        assert response.status_code == 201, response.text
        return wf.get(f"/payout-plans/{response.json()['plan_id']}").json()


def test_the_preparer_cannot_approve_under_any_other_spelling_of_their_subject(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id = _open_plan(stack)["stages"][0]["id"]
        with stack.client("payout", "city_finance_bureau", FINANCE_ORG, region="140400", subject=PREPARER) as zhang:
            assert zhang.post(f"/payout-stages/{stage_id}/preparation").status_code == 201
        for variant, subject in {**SAME_PERSON, **REFUSED}.items():
            with stack.client("payout", "city_finance_bureau", FINANCE_ORG, region="140400", subject=subject) as again:
                response = again.post(f"/payout-stages/{stage_id}/approval")
            if variant in SAME_PERSON:
                assert response.status_code == 403 and response.json()["code"] == "four_eyes", (variant, response.text)
            else:
                assert response.status_code == 401 and response.json()["errors"][0]["field"] == "token.sub", (variant, response.text)
        [stage] = [s for s in table_rows(stack, "payout_stages") if s.id == stage_id]
        assert stage.status == "prepared" and stage.approved_by is None
        with finance(stack, "li") as li:
            approved = li.post(f"/payout-stages/{stage_id}/approval")
        assert approved.status_code == 201 and approved.json()["approved_by"] == f"li@{FINANCE_ORG}"


def test_a_subject_is_recorded_in_its_normalised_form(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id = _open_plan(stack)["stages"][0]["id"]
        with stack.client("payout", "city_finance_bureau", FINANCE_ORG, region="140400",
                          subject=" Zhang@140400.CITY_finance_bureau") as zhang:
            prepared = zhang.post(f"/payout-stages/{stage_id}/preparation")
        assert prepared.status_code == 201 and prepared.json()["prepared_by"] == PREPARER


def _claims(settings, **overrides):  # type: ignore[no-untyped-def]
    now = int(time.time())
    base = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "zhao@140423.county_finance", "iat": now,
            "exp": now + 600, "role": "county_finance", "org": "140423.county_finance", "region": "140423"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def malformed_tokens(settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    secret = settings.jwt_secret.get_secret_value()
    now = int(time.time())
    cases = {
        "empty sub": _claims(settings, sub=""),
        "blank sub": _claims(settings, sub="   "),
        "10,000-character sub": _claims(settings, sub="z" * 10_000),
        "empty org": _claims(settings, org=""),
        "missing org": _claims(settings, org=None),
        "200-character org": _claims(settings, org="o" * 200),
        "org with a space": _claims(settings, org="140423 county_finance"),
        "county naming the province as 14": _claims(settings, region="14"),
        "county naming the province": _claims(settings, region="140000"),
        "county naming a city": _claims(settings, region="140400"),
        "county without a region": _claims(settings, region=None),
        "county not in the registry": _claims(settings, region="140499"),
        "city bureau naming the province": _claims(settings, role="city_finance_bureau", org=FINANCE_ORG, region="140000"),
        "city bureau naming a county": _claims(settings, role="city_finance_bureau", org=FINANCE_ORG, region="140423"),
        "enterprise naming the province": _claims(settings, role="enterprise", org=make_uscc(), region="140000"),
        "enterprise whose org is no USCC": _claims(settings, role="enterprise", org="91140400MA0GRAND6X", region="140400"),
        "unknown chain": _claims(settings, role="chain_chief", org="cz_photovoltaic.chain_chief", chains=["no_such_chain"]),
        "100-year expiry": _claims(settings, exp=now + 100 * 365 * 86400),
        "13-hour expiry": _claims(settings, exp=now + 13 * 3600),
        "name of 65 characters": _claims(settings, name="张" * 65),
    }
    return {name: jwt.encode(claims, secret, "HS256") for name, claims in cases.items()}


def test_tokens_with_malformed_claims_are_refused_with_401_and_change_nothing(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        stage_id = _open_plan(stack)["stages"][0]["id"]
        with stack.client("payout") as client:
            for name, token in malformed_tokens(settings).items():
                headers = {"Authorization": f"Bearer {token}"}
                for method, path in (("GET", "/payout-plans"), ("POST", f"/payout-stages/{stage_id}/preparation")):
                    response = client.request(method, path, headers=headers)
                    assert response.status_code == 401, (name, path, response.text)
                    assert response.json()["code"] == "unauthorized" and response.json()["errors"][0]["field"].startswith("token.")
        [stage] = table_rows(stack, "payout_stages")
        assert stage.status == "pending" and stage.prepared_by is None
        with finance(stack, "zhao", "county_finance", "140423") as county:
            assert county.get("/payout-plans").status_code == 200, "a well-formed county token still works"


def test_a_county_token_sees_its_county_and_one_naming_the_province_sees_nothing(settings, databases):
    with Stack(settings, databases, services=("payout",)) as stack:
        own, elsewhere = _open_plan(stack, "140423"), _open_plan(stack, "140900")
        with finance(stack, "zhao", "county_finance", "140423") as county:
            assert [p["id"] for p in county.get("/payout-plans").json()] == [own["id"]]
        with finance(stack, "zhao", "county_finance", "14") as overreaching:
            response = overreaching.get("/payout-plans")
            assert response.status_code == 401 and elsewhere["id"] not in response.text
