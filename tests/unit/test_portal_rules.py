"""The portal's pure rules: where a browser may be sent after sign-in, who the directory lets act,
what the objection form needs, how many working days a publicity has left, and RS256 service tokens."""
from __future__ import annotations

import datetime as dt
import stat

import jwt
import pytest

from infra.auth import verify_token
from infra.errors import Unauthorized
from infra.settings import Settings
from infra.signing import MAX_TOKEN_SECONDS, load_or_create, published_jwks, sign_service_token
from policies.calendar import WorkingDayCalendar
from services.portal.domain.directory import Directory, DirectoryInvalid
from services.portal.domain.navigation import navigation, safe_next
from services.portal.domain.objections import read_objection_form
from services.portal.domain.periods import remaining_working_days
from services.portal.entrypoints.app import DEMO_DIRECTORY
from services.portal.entrypoints.pages import yuan


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "http:/x", "javascript:alert(1)",
                                    "evil.example", "", None, "/ok\r\nSet-Cookie: a=b", "\\\\evil"])
def test_next_to_anything_but_an_own_path_goes_home(target):
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/account", "/public/publicities/SEL-1?x=1#top", "/"])
def test_next_to_an_own_path_is_kept(target):
    assert safe_next(target) == target


def test_the_demo_directory_lists_the_readme_users_with_their_roles():
    directory = Directory.from_file(DEMO_DIRECTORY)
    enterprise = directory.find("91140400MA0GRAND6J")
    assert (enterprise.role, enterprise.organisation, enterprise.workspace) == ("enterprise", "91140400MA0GRAND6J", "enterprise")
    assert directory.find("center-officer-1").organisation == "140400.city_foreign_expert_center"
    assert directory.find("science-officer-1").workspace == "officials"
    assert {directory.find(s).organisation for s in ("zhang", "li")} == {"140400.city_finance_bureau"}
    assert directory.find("office-1").role == "province_chain_office"
    assert directory.find("admin-1").workspace == "admin" and directory.find("lg-1").workspace == "cockpit"
    assert directory.find("someone-else") is None


@pytest.mark.parametrize("entry, problem", [
    ({"subject": "91140400MA0GRAND6X", "name": "校验位错", "role": "enterprise", "organisation": "91140400MA0GRAND6X"}, "USCC"),
    ({"subject": "91140400MA0GRAND6J", "name": "他人代码", "role": "enterprise", "organisation": "91140400MA0GRAND6K"}, "USCC"),
    ({"subject": "w", "name": "流程", "role": "workflow", "organisation": "duixian"}, "workflow"),
    ({"subject": "x", "name": "无此角色", "role": "mayor", "organisation": "x"}, "role"),
])
def test_the_directory_refuses_entries_that_would_let_someone_act_as_another(entry, problem):
    with pytest.raises(DirectoryInvalid, match=problem):
        Directory.from_mapping({"users": [entry]})


def test_a_subject_listed_twice_is_refused():
    entry = {"subject": "a", "name": "甲", "role": "admin", "organisation": "ops"}
    with pytest.raises(DirectoryInvalid, match="twice"):
        Directory.from_mapping({"users": [entry, entry]})


def test_visitors_see_the_public_navigation_and_the_signed_in_their_account():
    assert [item.path for item in navigation(None)] == ["/", "/public/publicities", "/policies", "/calculator"]
    assert "/account" in [item.path for item in navigation("enterprise")]


def test_an_enterprise_reaches_its_workspace_from_the_navigation_and_nobody_else_sees_it():
    workspace = ["/enterprise/applications", "/enterprise/selection", "/enterprise/referrals"]
    assert [p for p in (item.path for item in navigation("enterprise")) if p.startswith("/enterprise/")] == workspace
    for other in (None, "officials", "finance", "cockpit", "admin"):
        assert not [item for item in navigation(other) if item.path.startswith("/enterprise/")], other


def test_the_objection_form_names_each_missing_or_malformed_field_in_chinese():
    form = read_objection_form({"candidacy_id": "other", "contact_phone": "电话", "contact_email": "no-at"}, {"CAND-1"})
    assert set(form.errors) == {"candidacy_id", "objector_name", "contact_phone", "contact_email", "reason"}
    assert form.errors["contact_phone"].startswith("联系电话格式不正确")
    ok = read_objection_form({"candidacy_id": "CAND-1", "objector_name": " 张三 ", "contact_phone": "0355-1234567",
                              "contact_email": "", "reason": "不实"}, {"CAND-1"})
    assert ok.valid and ok.body() == {"candidacy_id": "CAND-1", "objector_name": "张三", "contact_phone": "0355-1234567",
                                      "contact_email": None, "reason": "不实"}


def test_remaining_working_days_skip_the_national_day_holiday_and_end_at_zero():
    calendar = WorkingDayCalendar()
    # 2025-09-29 (Mon) to 2025-10-13 (Mon): 29, 30 Sep, then the holiday to 8 Oct, 9, 10, 11 (调休 Saturday), 13.
    assert remaining_working_days(calendar, dt.date(2025, 9, 29), dt.date(2025, 10, 13)) == 6
    assert remaining_working_days(calendar, dt.date(2025, 10, 14), dt.date(2025, 10, 13)) == 0


def test_a_period_does_not_count_the_day_it_opened_on():
    calendar = WorkingDayCalendar()
    # A 5-working-day task opened on Mon 2026-03-02 ends on Mon 2026-03-09 (3, 4, 5, 6, 9 March).
    assert remaining_working_days(calendar, dt.date(2026, 3, 2), dt.date(2026, 3, 9), opened_on=dt.date(2026, 3, 2)) == 5
    assert remaining_working_days(calendar, dt.date(2026, 3, 3), dt.date(2026, 3, 9), opened_on=dt.date(2026, 3, 2)) == 5
    assert remaining_working_days(calendar, dt.date(2026, 3, 9), dt.date(2026, 3, 9), opened_on=dt.date(2026, 3, 2)) == 1


def test_amounts_show_in_yuan_with_two_decimals():
    assert yuan(2_000_000_000) == "20,000,000.00元"
    assert yuan(-1250) == "-12.50元"
    assert yuan(None) == "—"


def test_service_tokens_are_rs256_with_the_keys_id_at_most_fifteen_minutes_and_verify_through_the_published_keys(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path)
    key = load_or_create(tmp_path / "keys", "portal")
    assert stat.S_IMODE((tmp_path / "keys" / "portal.pem").stat().st_mode) == 0o600
    assert load_or_create(tmp_path / "keys", "portal").kid == key.kid, "the key is kept, not regenerated"
    token = sign_service_token(settings, key, subject="zhang", role="city_finance_bureau",
                               organisation="140400.city_finance_bureau", region="140400", ttl_seconds=8 * 3600)
    header, claims = jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "RS256" and header["kid"] == key.kid
    assert claims["exp"] - claims["iat"] == MAX_TOKEN_SECONDS
    jwks = published_jwks(tmp_path / "keys")
    assert [k["kid"] for k in jwks["keys"]] == [key.kid] and "d" not in jwks["keys"][0], "public parts only"
    public = jwt.PyJWK(jwks["keys"][0]).key
    assert jwt.decode(token, public, algorithms=["RS256"], audience="duixian")["org"] == "140400.city_finance_bureau"
    with pytest.raises(Unauthorized):
        verify_token(settings, token)  # without JWKS_URL the services verify HS256 only


def test_production_refuses_the_portals_development_client_secret_and_other_processes_need_none():
    from services.portal.adapters.oidc import oidc_client

    production = dict(environment="production", jwks_url="http://127.0.0.1:8000/.well-known/jwks.json",
                      forwarded_allow_ips="192.0.2.10")
    Settings(**production)  # intake, review, payout, worker, bridge hold no OIDC client secret
    with pytest.raises(ValueError, match="OIDC_CLIENT_SECRET"):
        oidc_client(Settings(**production))
    assert oidc_client(Settings(**production, oidc_client_secret="a-real-secret-from-the-provider")) is not None
