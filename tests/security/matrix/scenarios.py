"""Objects in the caller's scope and in someone else's, and the request that reaches each.

A scenario returns (own request, other request), both made by the caller. Objects are written
straight into the owning service's database: this test is about who may reach them, not how
they came to be.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from infra.clock import beijing_today, utcnow
from services.intake.adapters.orm import Application, ReferralProject
from services.payout.adapters.orm import PayoutPlan, PayoutStage
from services.review.adapters.orm import Task
from tests.security.matrix.identities import APPLICANT_REGION, USCC, Identity, identity

if TYPE_CHECKING:
    from services.intake.adapters.orm import Candidacy, SelectionRound
    from services.review.adapters.orm import ExpertPool
from tests.support.cases import tech_transfer_facts
from tests.support.tokens import make_uscc


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    params: dict | None = None


Scenario = Callable[[Any, Identity], tuple[Call, Call]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str):  # type: ignore[no-untyped-def]
    def register(function: Scenario) -> Scenario:
        SCENARIOS[name] = function
        return function
    return register


def _add(stack, service: str, *rows) -> None:  # type: ignore[no-untyped-def]
    with Session(stack.runtimes[service].db.engine, expire_on_commit=False) as session:
        session.add_all(rows)
        session.commit()


def _application(scope: str) -> Application:
    now = utcnow()
    return Application(id=f"APP-M-{uuid.uuid4().hex[:10]}", clause_id="ckf2022-8.3", applicant_uscc=USCC[scope],
                       applicant_name=f"企业{scope}", applicant_kind="enterprise", region=APPLICANT_REGION[scope],
                       facts={}, status="submitted", submitted_by="x", submitted_at=now, updated_at=now)


def _task(role: str, organisation: str) -> Task:
    return Task(id=f"TASK-M-{uuid.uuid4().hex[:10]}", case_id=f"CASE-{uuid.uuid4().hex[:8]}", kind="case_review",
                title="矩阵测试", assignee_role=role, assignee_org=organisation, facts={}, status="open",
                opened_by="x", opened_at=utcnow())


def _plan(scope: str) -> PayoutPlan:
    return PayoutPlan(id=f"PLAN-M-{uuid.uuid4().hex[:10]}", case_id=f"CASE-{uuid.uuid4().hex[:10]}", clause_id="ckf2022-8.3",
                      recipient_uscc=USCC[scope], recipient_name=f"企业{scope}", recipient_kind="enterprise",
                      region=APPLICANT_REGION[scope], total_fen=100, citation={"document_number": "长科发〔2022〕5号",
                      "document_title": "", "clause_number": "8.3"}, steps=[], status="open", opened_at=utcnow())


def _both(call: Callable[[], Call]) -> tuple[Call, Call]:
    return call(), call()


def listing(path: str) -> Scenario:
    return lambda stack, me: _both(lambda: Call("GET", path))


@scenario("application")
def application(stack, me: Identity) -> tuple[Call, Call]:  # type: ignore[no-untyped-def]
    own, other = _application("A"), _application("B")
    _add(stack, "intake", own, other)
    return Call("GET", f"/applications/{own.id}"), Call("GET", f"/applications/{other.id}")


@scenario("application_timeline")
def application_timeline(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = application(stack, me)
    return Call("GET", own.path + "/timeline"), Call("GET", other.path + "/timeline")


@scenario("resubmit_application")
def resubmit_application(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _application("A"), _application("B")
    own.status = other.status = "supplement_requested"
    _add(stack, "intake", own, other)
    body = {"note": "补充技术合同登记证明"}
    return Call("POST", f"/applications/{own.id}/supplements", body), Call("POST", f"/applications/{other.id}/supplements", body)


@scenario("submit_application")
def submit_application(stack, me: Identity):  # type: ignore[no-untyped-def]
    def body(scope: str) -> dict:
        if me.role == "zone_committee":
            return {"clause_id": "jgx2024-9.4.1-demo-zone",
                    "applicant": {"uscc": USCC[scope], "name": "开发区管委会", "kind": "zone_committee", "region": APPLICANT_REGION[scope]},
                    "facts": {"year": 2026, "project_id": f"DZ-{uuid.uuid4().hex[:6]}", "designated_demo_zone": True}}
        return {"clause_id": "ckf2022-8.3",
                "applicant": {"uscc": USCC[scope], "name": "企业", "kind": "enterprise", "region": APPLICANT_REGION[scope]},
                "facts": tech_transfer_facts(project_id=f"HT-{uuid.uuid4().hex[:6]}")}
    return Call("POST", "/applications", body("A")), Call("POST", "/applications", body("B"))


@scenario("task")
def task(stack, me: Identity):  # type: ignore[no-untyped-def]
    other_me = identity(me.role, "B")
    own, other = _task(me.role, me.organisation), _task(me.role, other_me.organisation)
    _add(stack, "review", own, other)
    return Call("GET", f"/tasks/{own.id}"), Call("GET", f"/tasks/{other.id}")


@scenario("decide_task")
def decide_task(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = task(stack, me)
    body = {"decision": "approve", "reason": "矩阵测试"}
    return Call("POST", own.path + "/decision", body), Call("POST", other.path + "/decision", body)


@scenario("open_task")
def open_task(stack, me: Identity):  # type: ignore[no-untyped-def]
    def body() -> Call:
        return Call("POST", "/internal/tasks", {"case_id": f"CASE-{uuid.uuid4().hex[:8]}", "kind": "case_review", "title": "矩阵",
                                                "assignee_role": "competent_department", "assignee_org": "140400.city_science_bureau"})
    return _both(body)


@scenario("payout_plan")
def payout_plan(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _plan("A"), _plan("B")
    _add(stack, "payout", own, other,
         PayoutStage(id=f"STG-{uuid.uuid4().hex[:10]}", plan_id=own.id, sequence=1, amount_fen=100, status="pending"))
    return Call("GET", f"/payout-plans/{own.id}"), Call("GET", f"/payout-plans/{other.id}")


@scenario("payout_stage")
def payout_stage(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _plan("A"), _plan("B")
    stages = [PayoutStage(id=f"STG-{uuid.uuid4().hex[:10]}", plan_id=plan.id, sequence=1, amount_fen=100, status="pending")
              for plan in (own, other)]
    _add(stack, "payout", own, other)
    _add(stack, "payout", *stages)
    return Call("GET", f"/payout-stages/{stages[0].id}"), Call("GET", f"/payout-stages/{stages[1].id}")


@scenario("open_payout_plan")
def open_payout_plan(stack, me: Identity):  # type: ignore[no-untyped-def]
    def body() -> Call:
        return Call("POST", "/internal/payout-plans", {
            "case_id": f"CASE-{uuid.uuid4().hex[:10]}",
            "recipient": {"uscc": USCC["A"], "name": "企业A", "kind": "enterprise", "region": APPLICANT_REGION["A"]},
            "determination": {"clause_id": "ckf2022-8.3", "amount_fen": 100, "project_id": f"HT-{uuid.uuid4().hex[:8]}",
                              "citation": {"document_number": "长科发〔2022〕5号", "clause_number": "8.3"}}})
    return _both(body)


@scenario("add_payout_stage")
def add_payout_stage(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _plan("A"), _plan("B")
    _add(stack, "payout", own, other)

    def call(plan: PayoutPlan) -> Call:
        return Call("POST", f"/internal/payout-plans/{plan.id}/stages", {
            "plan_id": plan.id,
            "determination": {"clause_id": "ckf2022-8.3", "amount_fen": 100, "project_id": f"HT-{uuid.uuid4().hex[:8]}",
                              "citation": {"document_number": "长科发〔2022〕5号", "clause_number": "8.3"}}})
    return call(own), call(other)


@scenario("prior_awards")
def prior_awards(stack, me: Identity):  # type: ignore[no-untyped-def]
    return (Call("GET", "/internal/prior-awards", params={"entity_id": USCC["A"], "year": 2026}),
            Call("GET", "/internal/prior-awards", params={"entity_id": USCC["B"]}))


# the stage status each action starts from
_STAGE_BEFORE = {"preparation": "pending", "approval": "prepared", "disbursement": "approved", "failure": "approved",
                 "retry": "failed", "clawback": "disbursed"}
_STAGE_BODY = {"failure": {"reason": "账户信息有误"}, "clawback": {"reason": "异议成立"}}


def _stage_body(action: str) -> dict | None:
    if action == "disbursement":  # one bank transfer pays one stage: each call its own reference, dated today
        return {"bank_reference": f"BANK-M-{uuid.uuid4().hex[:10]}", "disbursed_on": beijing_today().isoformat()}
    return _STAGE_BODY.get(action)


def _stage_scenario(action: str) -> Scenario:
    def build(stack, me: Identity):  # type: ignore[no-untyped-def]
        own, other = _plan("A"), _plan("B")
        stages = [PayoutStage(id=f"STG-M-{uuid.uuid4().hex[:10]}", plan_id=plan.id, sequence=1, amount_fen=100,
                              status=_STAGE_BEFORE[action], clause_id=plan.clause_id, prepared_by="preparer@elsewhere",
                              funding=[["city:140400", 100]] if action == "clawback" else [])
                  for plan in (own, other)]
        _add(stack, "payout", own, other)
        _add(stack, "payout", *stages)
        return tuple(Call("POST", f"/payout-stages/{stage.id}/{action}", _stage_body(action)) for stage in stages)
    return build


for _action in _STAGE_BEFORE:
    SCENARIOS[f"stage_{_action}"] = _stage_scenario(_action)


@scenario("load_tier_table")
def load_tier_table(stack, me: Identity):  # type: ignore[no-untyped-def]
    body = {"table": "表3", "document_number": "晋工信新材料规字〔2024〕1号", "clause_number": "9.3.1",
            "source_note": "授权矩阵测试用表, 数值为测试虚构",
            "rows": [{"tier": "一档", "min_yuan": "1000000", "amount_yuan": "100000"}]}
    return _both(lambda: Call("POST", "/admin/tier-tables", body))


@scenario("register_zone_committee")
def register_zone_committee(stack, me: Identity):  # type: ignore[no-untyped-def]
    body = {"zone_id": "changzhi_high_tech_zone", "name": "长治高新区管委会", "uscc": make_uscc("140400"), "region": "140400"}
    return _both(lambda: Call("POST", "/admin/zone-committees", body))


def _referral(scope: str) -> ReferralProject:
    return ReferralProject(id=f"REF-M-{uuid.uuid4().hex[:10]}", referrer_uscc=USCC[scope], referrer_name=f"链主{scope}",
                           referrer_region=APPLICANT_REGION[scope], investee_uscc=make_uscc(APPLICANT_REGION[scope]),
                           investee_name="被引进企业", investee_region=APPLICANT_REGION[scope],
                           project_code=f"P-{uuid.uuid4().hex[:8]}", project_name="矩阵项目", planned_fai_fen=4_000_000_000,
                           status="registered", registered_by="x", registered_at=utcnow())


@scenario("referral_project")
def referral_project(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _referral("A"), _referral("B")
    _add(stack, "intake", own, other)
    return Call("GET", f"/referral-projects/{own.id}"), Call("GET", f"/referral-projects/{other.id}")


@scenario("referral_timeline")
def referral_timeline(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = referral_project(stack, me)
    return Call("GET", own.path + "/timeline"), Call("GET", other.path + "/timeline")


@scenario("referral_progress")
def referral_progress(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = referral_project(stack, me)
    body = {"completed_fai_yuan": "10000000", "investment_complete": False, "in_production": False, "as_of": "2026-01-31"}
    return Call("POST", own.path + "/progress", body), Call("POST", other.path + "/progress", body)


@scenario("register_referral")
def register_referral(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: a new project; other: a project another chain_leader already claimed (one referrer per project)."""
    claimed = _referral("B")
    _add(stack, "intake", claimed)

    def body(investee: str, code: str) -> dict:
        return {"referrer_name": "链主A", "investee": {"uscc": investee, "name": "被引进企业", "kind": "enterprise",
                                                       "region": "140423"},
                "project_code": code, "project_name": "矩阵项目", "planned_fai_yuan": "40000000"}
    return (Call("POST", "/referral-projects", body(USCC["B"], f"P-{uuid.uuid4().hex[:8]}")),
            Call("POST", "/referral-projects", body(claimed.investee_uscc, claimed.project_code)))


@scenario("request_referral_report")
def request_referral_report(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = referral_project(stack, me)
    body = {"reason": "年度提醒"}
    return (Call("POST", f"/internal{own.path}/report-requests", body),
            Call("POST", f"/internal{other.path}/report-requests", body))


# -- selection (晋政办发〔2023〕44号) -----------------------------------------------------------------

def _round(**extra) -> SelectionRound:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from services.intake.adapters.orm import SelectionRound

    now = utcnow()
    return SelectionRound(id=f"SEL-M-{uuid.uuid4().hex[:10]}", year=2026, kind="chain_leader",
                          chain_ids=["cz_photovoltaic", "cz_hydrogen"], nomination_opens_at=now - timedelta(days=1),
                          nomination_closes_at=now + timedelta(days=10), approval_route="leading_group",
                          publicity_working_days=7, opened_by="x", opened_at=now, **extra)


def _candidacy(scope: str, round_id: str, status: str = "recommended") -> Candidacy:  # type: ignore[no-untyped-def]
    from services.intake.adapters.orm import Candidacy

    city = {"A": "140400", "B": "140900"}[scope]
    chain = {"A": "cz_photovoltaic", "B": "cz_hydrogen"}[scope]
    now = utcnow()
    return Candidacy(id=f"CAND-M-{uuid.uuid4().hex[:10]}", round_id=round_id, kind="chain_leader", chain_id=chain,
                     enterprise_uscc=USCC[scope], enterprise_name=f"企业{scope}", region=APPLICANT_REGION[scope],
                     assignee_role="city_industry_bureau", assignee_org=f"{city}.city_industry_bureau", facts={},
                     precheck={}, status=status, recommended_at=now, listed_at=now, nominated_by="x", nominated_at=now, updated_at=now)


@scenario("open_selection_round")
def open_selection_round(stack, me: Identity):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    now = utcnow()
    body = {"year": 2026, "kind": "chain_leader", "chain_ids": ["cz_photovoltaic"],
            "nomination_opens_at": now.isoformat(), "nomination_closes_at": (now + timedelta(days=5)).isoformat()}
    return _both(lambda: Call("POST", "/selection/rounds", body))


@scenario("selection_round")
def selection_round(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _round(), _round()
    _add(stack, "intake", own, other)
    return Call("GET", f"/selection/rounds/{own.id}"), Call("GET", f"/selection/rounds/{other.id}")


@scenario("candidacy_list_export")
def candidacy_list_export(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Every caller may export a round; the rows are its own scope's (tests/integration/test_selection_export.py)."""
    own, other = selection_round(stack, me)
    return Call("GET", own.path + "/candidacy-list"), Call("GET", other.path + "/candidacy-list")


@scenario("nominate")
def nominate(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: the caller's enterprise; other: in another enterprise's name (refused)."""
    selection = _round()
    _add(stack, "intake", selection)

    def body(scope: str) -> dict:
        return {"enterprise": {"uscc": USCC[scope], "name": "企业", "kind": "enterprise", "region": APPLICANT_REGION[scope]},
                "chain_id": "cz_photovoltaic", "facts": {}}
    path = f"/selection/rounds/{selection.id}/nominations"
    return Call("POST", path, body("A")), Call("POST", path, body("B"))


@scenario("candidacy")
def candidacy(stack, me: Identity, status: str = "recommended"):  # type: ignore[no-untyped-def]
    selection = _round()
    own, other = _candidacy("A", selection.id, status), _candidacy("B", selection.id, status)
    _add(stack, "intake", selection)
    _add(stack, "intake", own, other)
    return Call("GET", f"/selection/candidacies/{own.id}"), Call("GET", f"/selection/candidacies/{other.id}")


@scenario("candidacy_timeline")
def candidacy_timeline(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = candidacy(stack, me)
    return Call("GET", own.path + "/timeline"), Call("GET", other.path + "/timeline")


@scenario("resubmit_candidacy")
def resubmit_candidacy(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = candidacy(stack, me, status="supplement_requested")
    return Call("POST", own.path + "/resubmission", {"facts": {}}), Call("POST", other.path + "/resubmission", {"facts": {}})


def _publicity(ended: bool = False, objections: bool = False):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from policies.beijing import SHANGHAI
    from services.review.adapters.orm import SelectionPublicity

    now = utcnow()
    entry = {"candidacy_id": f"CAND-M-{uuid.uuid4().hex[:8]}", "kind": "chain_leader", "chain_id": "cz_photovoltaic",
             "status": "listed", "enterprise": {"uscc": USCC["A"], "name": "企业A", "kind": "enterprise", "region": "140423"}}
    start = (now - timedelta(days=20 if ended else 1)).astimezone(SHANGHAI).date()
    return SelectionPublicity(round_id=f"SEL-M-{uuid.uuid4().hex[:10]}", year=2026, working_days=7, starts_on=start,
                              ends_at=now - timedelta(days=2) if ended else now + timedelta(days=9), status="open",
                              entries=[entry], opened_at=now)


def _reset_public_limits() -> None:
    from services.review.entrypoints import selection

    for limit in (selection.LIST_LIMIT, selection.READ_LIMIT, selection.OBJECTION_LIMIT):
        limit.dependency.limiter._buckets.clear()  # type: ignore[attr-defined]


@scenario("public_publicities")
def public_publicities(stack, me: Identity):  # type: ignore[no-untyped-def]
    _reset_public_limits()
    return _both(lambda: Call("GET", "/public/selection/publicities"))


@scenario("public_publicity")
def public_publicity(stack, me: Identity):  # type: ignore[no-untyped-def]
    _reset_public_limits()
    own, other = _publicity(), _publicity(ended=True)
    _add(stack, "review", own, other)
    return Call("GET", f"/public/selection/publicities/{own.round_id}"), Call("GET", f"/public/selection/publicities/{other.round_id}")


@scenario("lodge_objection")
def lodge_objection(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: during the period (receipt); other: after the period ended (refused naming the end)."""
    _reset_public_limits()
    own, other = _publicity(), _publicity(ended=True)
    _add(stack, "review", own, other)

    def call(publicity) -> Call:  # type: ignore[no-untyped-def]
        return Call("POST", f"/public/selection/publicities/{publicity.round_id}/objections", {
            "candidacy_id": publicity.entries[0]["candidacy_id"], "objector_name": "张三", "contact_phone": "13800000000",
            "reason": "矩阵测试"})
    return call(own), call(other)


@scenario("verify_objection")
def verify_objection(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: an open objection; other: one already verified (refused)."""
    from services.review.adapters.orm import SelectionObjection

    publicity = _publicity()
    _add(stack, "review", publicity)
    rows = [SelectionObjection(id=f"OBJ-M-{uuid.uuid4().hex[:10]}", round_id=publicity.round_id,
                               candidacy_id=publicity.entries[0]["candidacy_id"], receipt_number=f"YY{uuid.uuid4().hex[:12]}",
                               objector_name="张三", contact_phone="13800000000", reason="矩阵", status=status,
                               lodged_at=utcnow()) for status in ("open", "not_upheld")]
    _add(stack, "review", *rows)
    body = {"upheld": False, "reason": "矩阵测试"}
    return (Call("POST", f"/selection/objections/{rows[0].id}/verification", body),
            Call("POST", f"/selection/objections/{rows[1].id}/verification", body))


@scenario("open_publicity")
def open_publicity(stack, me: Identity):  # type: ignore[no-untyped-def]
    def call() -> Call:
        return Call("POST", "/internal/selection/publicities", {
            "round_id": f"SEL-M-{uuid.uuid4().hex[:10]}", "year": 2026, "working_days": 7, "starts_on": "2026-03-02",
            "entries": [{"candidacy_id": "CAND-M-1", "kind": "chain_leader", "chain_id": "cz_photovoltaic",
                         "enterprise": {"uscc": USCC["A"], "name": "企业A", "kind": "enterprise", "region": "140423"}}]})
    return _both(call)


@scenario("publicity_state")
def publicity_state(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _publicity(), _publicity(ended=True)
    _add(stack, "review", own, other)
    return (Call("GET", f"/internal/selection/publicities/{own.round_id}"),
            Call("GET", f"/internal/selection/publicities/{other.round_id}"))


@scenario("publish_selection")
def publish_selection(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: a period that has ended; other: one still running (refused)."""
    own, other = _publicity(ended=True), _publicity()
    _add(stack, "review", own, other)
    body = {"as_of": utcnow().isoformat()}
    return (Call("POST", f"/internal/selection/publicities/{own.round_id}/publication", body),
            Call("POST", f"/internal/selection/publicities/{other.round_id}/publication", body))


_YEARS = iter(range(2040, 2100))


@scenario("load_calendar_schedule")
def load_calendar_schedule(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: a year not loaded yet; other: the same year again (refused)."""
    year = next(_YEARS)
    body = {"year": year, "holidays": [{"date": f"{year}-01-01", "name": "元旦"}],
            "source": {"title": "授权矩阵测试用安排 (虚构)"}, "test_data": True}
    return _both(lambda: Call("POST", "/admin/calendar-schedules", body))


@scenario("recipient_history")
def recipient_history(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _plan("A"), _plan("B")
    _add(stack, "payout", own, other)
    _add(stack, "payout", *(PayoutStage(id=f"STG-M-{uuid.uuid4().hex[:10]}", plan_id=plan.id, sequence=1, amount_fen=100,
                                        status="pending", clause_id=plan.clause_id) for plan in (own, other)))
    return (Call("GET", f"/finance/recipients/{USCC['A']}/history"), Call("GET", f"/finance/recipients/{USCC['B']}/history"))


@scenario("load_budget")
def load_budget(stack, me: Identity):  # type: ignore[no-untyped-def]
    return (Call("POST", "/finance/budgets", {"fund_id": "county:140423", "year": 2031, "amount_fen": 10**9}),
            Call("POST", "/finance/budgets", {"fund_id": "county:140981", "year": 2031, "amount_fen": 10**9}))


@scenario("load_cost_share")
def load_cost_share(stack, me: Identity):  # type: ignore[no-untyped-def]
    return (Call("POST", "/finance/cost-shares", {"clause_id": "cbf2020-13-sme", "county": "140423", "city_share_bp": 5000}),
            Call("POST", "/finance/cost-shares", {"clause_id": "cbf2020-13-sme", "county": "140981", "city_share_bp": 5000}))


@scenario("remind_task")
def remind_task(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _task("city_industry_bureau", "140400.city_industry_bureau"), _task("city_industry_bureau", "140900.city_industry_bureau")
    _add(stack, "review", own, other)
    return (Call("POST", f"/internal/tasks/{own.id}/reminders", {"note": "超期"}),
            Call("POST", f"/internal/tasks/{other.id}/reminders", {"note": "超期"}))


@scenario("escalate_task")
def escalate_task(stack, me: Identity):  # type: ignore[no-untyped-def]
    own, other = _task("city_industry_bureau", "140400.city_industry_bureau"), _task("city_industry_bureau", "140900.city_industry_bureau")
    _add(stack, "review", own, other)
    body = {"supervising_role": "province_chain_office", "supervising_org": "140000.province_chain_office"}
    return (Call("POST", f"/internal/tasks/{own.id}/escalations", body),
            Call("POST", f"/internal/tasks/{other.id}/escalations", body))


def _expert_pool(chain: str) -> ExpertPool:
    from services.review.adapters.orm import ExpertPool

    return ExpertPool(chain_id=chain, panel_size=1, quorum=1, experts=[{"expert_id": "expert-A", "name": "专家A"}],
                      source_note="矩阵", loaded_by="x", loaded_at=utcnow())


@scenario("draw_panel")
def draw_panel(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: a chain with a loaded pool; other: a chain whose pool is not loaded (refused)."""
    from sqlmodel import select

    from services.review.adapters.orm import ExpertPool

    with Session(stack.runtimes["review"].db.engine) as session:
        loaded = session.exec(select(ExpertPool).where(ExpertPool.chain_id == "cz_photovoltaic")).first()
    if loaded is None:
        _add(stack, "review", _expert_pool("cz_photovoltaic"))

    def call(chain: str) -> Call:
        return Call("POST", "/internal/selection/expert-panels", {
            "case_id": f"CAND-M-{uuid.uuid4().hex[:8]}", "chain_id": chain, "title": "专家评审", "seed": 42,
            "enterprise": {"uscc": USCC["A"], "name": "企业A", "kind": "enterprise", "region": "140423"}})
    return call("cz_photovoltaic"), call("cz_resource_recycling")


@scenario("panel_recommendation")
def panel_recommendation(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: a drawn panel; other: a panel whose quorum the counts do not reach (refused)."""
    from services.review.adapters.orm import ExpertPanel

    panels = [ExpertPanel(case_id=f"CAND-M-{uuid.uuid4().hex[:8]}", chain_id="cz_photovoltaic", seed=1, quorum=quorum,
                          members=[], recused=[], drawn_at=utcnow()) for quorum in (1, 3)]
    _add(stack, "review", *panels)
    body = {"proposed": True, "approvals": 1, "rejections": 0}
    return tuple(Call("POST", f"/internal/selection/expert-panels/{p.case_id}/recommendation", body) for p in panels)  # type: ignore[return-value]


@scenario("load_expert_pool")
def load_expert_pool(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: a valid pool; other: a quorum larger than the panel (refused)."""
    def body(quorum: int) -> dict:
        return {"chain_id": "cz_hydrogen", "panel_size": 1, "quorum": quorum, "source_note": "矩阵测试",
                "experts": [{"expert_id": "expert-B", "name": "专家B"}]}
    return Call("POST", "/admin/expert-pools", body(1)), Call("POST", "/admin/expert-pools", body(2))


@scenario("submit_recommendation_list")
def submit_recommendation_list(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Own: a round where the caller's bureau recommended a candidacy; other: a round with only another bureau's."""
    own_round, other_round = _round(), _round()
    _add(stack, "intake", own_round, other_round)
    own, other = _candidacy("A", own_round.id), _candidacy("B", other_round.id)
    own.listed_at = other.listed_at = None
    _add(stack, "intake", own, other)
    body = {"note": "矩阵测试"}
    return (Call("POST", f"/selection/rounds/{own_round.id}/recommendation-lists", body),
            Call("POST", f"/selection/rounds/{other_round.id}/recommendation-lists", body))


def _reset_reference_limits() -> None:
    from services.intake.entrypoints import clauses
    from services.review.entrypoints import public

    for limit in (clauses.LIST_LIMIT, clauses.READ_LIMIT, public.CALCULATION_LIMIT, public.SCHEDULE_LIMIT):
        limit.dependency.limiter._buckets.clear()  # type: ignore[attr-defined]


def public_reference(path: str) -> Scenario:
    """Reference data everyone may read, with or without a token."""
    def calls(stack, me: Identity) -> tuple[Call, Call]:  # type: ignore[no-untyped-def]
        _reset_reference_limits()
        return _both(lambda: Call("GET", path))
    return calls


@scenario("public_clause")
def public_clause(stack, me: Identity):  # type: ignore[no-untyped-def]
    _reset_reference_limits()
    return Call("GET", "/public/clauses/ckf2022-8.3"), Call("GET", "/public/clauses/cf2018-12.3")


@scenario("public_calculation")
def public_calculation(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Anyone may ask the calculator; nothing is recorded (own: eligible facts; other: the same for another year)."""
    _reset_reference_limits()
    return tuple(Call("POST", "/public/calculations", {"clause_id": "ckf2022-8.3",  # type: ignore[return-value]
                                                       "facts": {**tech_transfer_facts(year=year), "entity_id": "x"}})
                 for year in (2025, 2026))


@scenario("criteria_check")
def criteria_check(stack, me: Identity):  # type: ignore[no-untyped-def]
    """Any signed-in caller may pre-check facts against 10.1 (nothing is recorded)."""
    body = {"chain_id": "sx_photovoltaic", "facts": {"chain_category": "emerging", "main_revenue_yuan": "800000000"}}
    return _both(lambda: Call("POST", "/selection/criteria/chain_leader/checks", body))
