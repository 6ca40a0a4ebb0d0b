"""The form of a token's claims (infra/claims.py), the production secret, and `duixian token`."""
from __future__ import annotations

import time

import jwt
import pytest
from click.testing import CliRunner

from duixian.cli import cli
from infra.auth import verify_token
from infra.claims import ClaimInvalid, normalise_subject, region_problem, subject_key
from infra.errors import Unauthorized
from infra.four_eyes import FourEyesViolation, require_different_person
from infra.settings import Settings

SUBJECT = "zhang@140400.city_finance_bureau"


@pytest.mark.parametrize("spelling", [
    "Zhang@140400.City_Finance_Bureau", SUBJECT + " ", "  " + SUBJECT, SUBJECT + "\u00a0", "\u3000" + SUBJECT,
    "".join(chr(ord(c) + 0xFEE0) for c in SUBJECT),  # full-width
    "\ufb01".join(SUBJECT.split("fi")),               # the ﬁ ligature
])
def test_spellings_of_one_subject_normalise_to_it(spelling):
    assert normalise_subject(spelling) == SUBJECT


@pytest.mark.parametrize("spelling", [
    "zha\u200bng", "zha\u200cng", "zha\u200dng", "\ufeffzhang", "\u202ezhang", "zhang\u2066", "zh\u00adang",
    "zhang\x00", "zhang\t", "zhang\u0085", "zhang\u2028",
    "zh\u0430ng", "\u0455hang", "zhang\u0301", "zhàng", "张三", "zhang san", "zhang/1", "",  "   ", "z" * 129,
])
def test_invisible_lookalike_or_overlong_subjects_are_refused(spelling):
    with pytest.raises(ClaimInvalid) as refused:
        normalise_subject(spelling)
    assert refused.value.claim == "sub"


def test_four_eyes_folds_subjects_stored_before_normalisation():
    with pytest.raises(FourEyesViolation):
        require_different_person(SUBJECT, [("Zhang@140400.city_finance_bureau ", "编制")], "审批")
    require_different_person("li@140400.city_finance_bureau", [(SUBJECT, "编制")], "审批")
    assert subject_key("ZHANG\u200b") == "zhang"


@pytest.mark.parametrize(("role", "region", "accepted"), [
    ("county_finance", "140423", True), ("county_finance", "140404", True), ("county_finance", "140981", True),
    ("county_finance", "14", False), ("county_finance", "140000", False), ("county_finance", "140400", False),
    ("county_finance", None, False), ("county_finance", "140499", False),
    ("city_finance_bureau", "140400", True), ("city_industry_bureau", "140900", True), ("city_science_bureau", None, True),
    ("city_finance_bureau", "140000", False), ("city_department", "140423", False), ("city_industry_bureau", "1404", False),
    ("province_chain_office", "140000", True), ("competent_department", "140000", True), ("chain_chief", "140000", True),
    ("competent_department", "149999", False), ("expert", None, True),
    ("enterprise", "140100", True), ("enterprise", "140423", True), ("enterprise", "140000", False),
    ("zone_committee", "14010x", False),
])
def test_a_region_must_fit_the_role(role, region, accepted):
    assert (region_problem(role, region) is None) is accepted


def _token(settings: Settings, lifetime: int) -> str:
    now = int(time.time())
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "worker", "iat": now, "exp": now + lifetime,
              "role": "workflow", "org": "duixian"}
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), "HS256")


def test_token_lifetime_is_bounded_by_a_setting():
    settings = Settings(environment="test")
    assert settings.token_max_lifetime_seconds == 12 * 3600
    assert verify_token(settings, _token(settings, 12 * 3600)).subject == "worker"
    with pytest.raises(Unauthorized, match="exp"):
        verify_token(settings, _token(settings, 12 * 3600 + 1))
    longer = Settings(environment="test", token_max_lifetime_seconds=24 * 3600)
    assert verify_token(longer, _token(longer, 13 * 3600)).subject == "worker"
    with pytest.raises(ValueError, match="SERVICE_TOKEN_TTL_SECONDS"):
        Settings(environment="test", service_token_ttl_seconds=13 * 3600)


@pytest.mark.parametrize("secret", ["x", "s" * 31, "密" * 10])  # "密" is 3 bytes: 30 bytes
def test_production_refuses_a_jwt_secret_shorter_than_32_bytes(secret):
    with pytest.raises(ValueError, match="32 bytes"):
        Settings(environment="production", jwt_secret=secret)


def test_production_accepts_a_32_byte_secret_or_jwks_and_development_any_secret():
    assert Settings(environment="production", jwt_secret="s" * 32).environment == "production"
    assert Settings(environment="production", jwt_secret="x", jwks_url="https://sso.example.gov.cn/jwks.json").jwks_url
    assert Settings(environment="development", jwt_secret="x").jwt_secret.get_secret_value() == "x"


def _cli_token(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["token", *args])


def test_duixian_token_issues_only_tokens_the_services_accept():
    issued = _cli_token("--role", "county_finance", "--org", "140423.county_finance", "--region", "140423", "--sub", "Zhao")
    assert issued.exit_code == 0, issued.output
    principal = verify_token(Settings(), issued.output.strip())
    assert (principal.subject, principal.region) == ("zhao", "140423")
    readme = _cli_token("--role", "enterprise", "--org", "91140400MA0GRAND6J", "--region", "140400")
    assert readme.exit_code == 0, readme.output
    for refused in (["--role", "county_finance", "--org", "140423.county_finance", "--region", "14"],
                    ["--role", "city_finance_bureau", "--org", "140400.city_finance_bureau", "--region", "140400", "--ttl", "3153600000"],
                    ["--role", "admin", "--org", "ops", "--sub", "adm\u200bin"]):
        result = _cli_token(*refused)
        assert result.exit_code == 2 and "令牌声明" in result.output, (refused, result.output)
