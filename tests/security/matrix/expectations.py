"""The expected authorization matrix, written down independently of the code it checks.

For every route and every role: the status for the caller's own object and for another scope's
object. Reading someone else's object answers 404 (no existence leak); a role that may never use
a route gets 403; internal routes answer only the workflow identity.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from infra.auth import ROLES
from tests.security.matrix import scenarios_officials  # noqa: F401  (registers its scenarios)
from tests.security.matrix.scenarios import SCENARIOS, Scenario, listing, public_reference

Expect = tuple[int, int]

CITY_ROLES = ("city_industry_bureau", "city_science_bureau", "city_department", "city_finance_bureau", "county_finance")
READ_ALL = ("auditor", "workflow")
NEVER_ACT = ("auditor", "admin", "workflow")
FINANCE = ("city_finance_bureau", "county_finance")


@dataclass(frozen=True)
class Route:
    scenario: Scenario
    default: Expect
    expect: dict[str, Expect] = field(default_factory=dict)

    def status(self, role: str) -> Expect:
        return self.expect.get(role, self.default)


def each(roles, status: Expect) -> dict[str, Expect]:  # type: ignore[no-untyped-def]
    return {role: status for role in roles}


# Candidacies: the enterprise and its bureau see their own; the province office, leading group and
# chief of chiefs see all; a chain's lead unit and chief see their chain's recommended candidates.
SELECTION_READERS: dict[str, Expect] = {
    "enterprise": (200, 404), "city_industry_bureau": (200, 404), "chain_lead_unit": (200, 404), "chain_chief": (200, 404),
    **each(("province_chain_office", "leading_group", "chief_of_chiefs", *READ_ALL), (200, 200)),
}

# Applications: the applicant, its region's city departments, the departments on the clause's review route
# (the matrix's competent_department is scope A's city science bureau, on ckf2022-8.3's route), and readers of all.
APPLICATION_READERS: dict[str, Expect] = {
    "enterprise": (200, 404), "zone_committee": (200, 404), "competent_department": (200, 404),
    **each(CITY_ROLES, (200, 404)), **each(READ_ALL, (200, 200))}

MATRIX: dict[tuple[str, str, str], Route] = {
    # intake
    ("intake", "POST", "/applications"): Route(
        SCENARIOS["submit_application"], (403, 403), {"enterprise": (201, 403), "zone_committee": (201, 403)}),
    ("intake", "GET", "/applications"): Route(listing("/applications"), (200, 200)),
    ("intake", "GET", "/applications/{application_id}"): Route(SCENARIOS["application"], (404, 404), APPLICATION_READERS),
    ("intake", "GET", "/applications/{application_id}/timeline"): Route(
        SCENARIOS["application_timeline"], (404, 404), APPLICATION_READERS),
    ("intake", "GET", "/applications/{application_id}/materials/{file_id}"): Route(
        SCENARIOS["application_material"], (404, 404), APPLICATION_READERS),
    ("intake", "POST", "/applications/{application_id}/supplements"): Route(
        SCENARIOS["resubmit_application"], (404, 404),
        {"enterprise": (201, 404), "zone_committee": (201, 404), **each((*CITY_ROLES, "competent_department"), (403, 404)),
         **each(READ_ALL, (403, 403))}),
    ("intake", "POST", "/referral-projects"): Route(SCENARIOS["register_referral"], (403, 403), {"enterprise": (201, 409)}),
    ("intake", "GET", "/referral-projects"): Route(listing("/referral-projects"), (200, 200)),
    ("intake", "GET", "/referral-projects/{project_id}"): Route(
        SCENARIOS["referral_project"], (404, 404),
        {"enterprise": (200, 404), "city_industry_bureau": (200, 404), **each(READ_ALL, (200, 200))}),
    ("intake", "GET", "/referral-projects/{project_id}/timeline"): Route(
        SCENARIOS["referral_timeline"], (404, 404),
        {"enterprise": (200, 404), "city_industry_bureau": (200, 404), **each(READ_ALL, (200, 200))}),
    ("intake", "POST", "/referral-projects/{project_id}/progress"): Route(
        SCENARIOS["referral_progress"], (403, 403), {"enterprise": (201, 404)}),
    ("intake", "POST", "/internal/referral-projects/{project_id}/report-requests"): Route(
        SCENARIOS["request_referral_report"], (403, 403), {"workflow": (201, 201)}),
    # the catalogue is public (any caller, token or not); the criteria form and pre-check need a sign-in
    ("intake", "GET", "/public/clauses"): Route(public_reference("/public/clauses"), (200, 200)),
    ("intake", "GET", "/public/clauses/{clause_id}"): Route(SCENARIOS["public_clause"], (200, 200)),
    ("intake", "GET", "/selection/criteria/{kind}"): Route(listing("/selection/criteria/chain_core"), (200, 200)),
    ("intake", "POST", "/selection/criteria/{kind}/checks"): Route(SCENARIOS["criteria_check"], (200, 200)),
    ("intake", "POST", "/admin/zone-committees"): Route(SCENARIOS["register_zone_committee"], (403, 403), {"admin": (201, 201)}),
    ("intake", "GET", "/admin/zone-committees"): Route(
        listing("/admin/zone-committees"), (403, 403), {"admin": (200, 200), "auditor": (200, 200)}),
    # review
    ("review", "GET", "/tasks"): Route(listing("/tasks"), (200, 200)),
    ("review", "GET", "/tasks/{task_id}"): Route(SCENARIOS["task"], (200, 404), each(READ_ALL, (200, 200))),
    ("review", "GET", "/tasks/counts"): Route(listing("/tasks/counts"), (200, 200)),
    ("review", "GET", "/tasks/{task_id}/case-file"): Route(SCENARIOS["case_file"], (200, 404), each(READ_ALL, (200, 200))),
    ("review", "POST", "/tasks/{task_id}/decision"): Route(
        SCENARIOS["decide_task"], (201, 404), each(NEVER_ACT, (403, 403))),
    ("review", "POST", "/internal/tasks"): Route(SCENARIOS["open_task"], (403, 403), {"workflow": (201, 201)}),
    ("review", "POST", "/internal/tasks/{task_id}/reminders"): Route(SCENARIOS["remind_task"], (403, 403), {"workflow": (201, 201)}),
    ("review", "POST", "/internal/tasks/{task_id}/escalations"): Route(
        SCENARIOS["escalate_task"], (403, 403), {"workflow": (201, 201)}),
    ("review", "GET", "/tier-tables"): Route(listing("/tier-tables"), (200, 200)),
    ("review", "POST", "/admin/tier-tables"): Route(SCENARIOS["load_tier_table"], (403, 403), {"admin": (201, 201)}),
    # payout
    # selection (晋政办发〔2023〕44号): intake
    ("intake", "POST", "/selection/rounds"): Route(
        SCENARIOS["open_selection_round"], (403, 403), {"province_chain_office": (201, 201)}),
    ("intake", "GET", "/selection/rounds"): Route(listing("/selection/rounds"), (200, 200)),
    ("intake", "GET", "/selection/rounds/{round_id}"): Route(SCENARIOS["selection_round"], (200, 200)),
    ("intake", "GET", "/selection/rounds/{round_id}/candidacy-list"): Route(SCENARIOS["candidacy_list_export"], (200, 200)),
    ("intake", "POST", "/selection/rounds/{round_id}/nominations"): Route(
        SCENARIOS["nominate"], (403, 403), {"enterprise": (201, 403)}),
    ("intake", "POST", "/selection/rounds/{round_id}/recommendation-lists"): Route(
        SCENARIOS["submit_recommendation_list"], (403, 403),
        {"city_industry_bureau": (201, 404), "reform_zone_committee": (404, 404)}),
    ("intake", "GET", "/selection/candidacies"): Route(listing("/selection/candidacies"), (200, 200)),
    ("intake", "GET", "/selection/candidacies/{candidacy_id}"): Route(
        SCENARIOS["candidacy"], (404, 404), SELECTION_READERS),
    ("intake", "GET", "/selection/candidacies/{candidacy_id}/materials/{file_id}"): Route(
        SCENARIOS["candidacy_material"], (404, 404), SELECTION_READERS),
    ("intake", "GET", "/selection/candidacies/{candidacy_id}/timeline"): Route(
        SCENARIOS["candidacy_timeline"], (404, 404), SELECTION_READERS),
    ("intake", "POST", "/selection/candidacies/{candidacy_id}/resubmission"): Route(
        SCENARIOS["resubmit_candidacy"], (403, 403), {"enterprise": (201, 404)}),
    # selection: review (publicity is public: any caller, token or not)
    ("review", "GET", "/public/selection/publicities"): Route(SCENARIOS["public_publicities"], (200, 200)),
    ("review", "GET", "/public/selection/publicities/{round_id}"): Route(SCENARIOS["public_publicity"], (200, 200)),
    ("review", "POST", "/public/selection/publicities/{round_id}/objections"): Route(
        SCENARIOS["lodge_objection"], (201, 409)),
    ("review", "GET", "/selection/objections"): Route(
        listing("/selection/objections"), (403, 403),
        each(("province_chain_office", "leading_group", "auditor", "workflow"), (200, 200))),
    ("review", "POST", "/selection/objections/{objection_id}/verification"): Route(
        SCENARIOS["verify_objection"], (403, 403), {"province_chain_office": (201, 409)}),
    ("review", "POST", "/internal/selection/publicities"): Route(SCENARIOS["open_publicity"], (403, 403), {"workflow": (201, 201)}),
    ("review", "GET", "/internal/selection/publicities/{round_id}"): Route(
        SCENARIOS["publicity_state"], (403, 403), {"workflow": (200, 200)}),
    ("review", "POST", "/internal/selection/publicities/{round_id}/publication"): Route(
        SCENARIOS["publish_selection"], (403, 403), {"workflow": (201, 409)}),
    ("review", "POST", "/internal/selection/expert-panels"): Route(SCENARIOS["draw_panel"], (403, 403), {"workflow": (201, 409)}),
    ("review", "POST", "/internal/selection/expert-panels/{case_id}/recommendation"): Route(
        SCENARIOS["panel_recommendation"], (403, 403), {"workflow": (201, 409)}),
    ("review", "GET", "/admin/expert-pools"): Route(
        listing("/admin/expert-pools"), (403, 403), each(("admin", "province_chain_office", "auditor"), (200, 200))),
    ("review", "POST", "/admin/expert-pools"): Route(SCENARIOS["load_expert_pool"], (403, 403), {"admin": (201, 422)}),
    ("review", "GET", "/calendar-schedules"): Route(listing("/calendar-schedules"), (200, 200)),
    ("review", "GET", "/public/calendar-schedules"): Route(public_reference("/public/calendar-schedules"), (200, 200)),
    ("review", "POST", "/public/calculations"): Route(SCENARIOS["public_calculation"], (200, 200)),
    ("review", "POST", "/admin/calendar-schedules"): Route(
        SCENARIOS["load_calendar_schedule"], (403, 403), {"admin": (201, 409)}),
    ("payout", "GET", "/payout-plans"): Route(listing("/payout-plans"), (200, 200)),
    ("payout", "GET", "/payout-plans/{plan_id}"): Route(
        SCENARIOS["payout_plan"], (404, 404),
        {"enterprise": (200, 404), "city_finance_bureau": (200, 404), "county_finance": (200, 404),
         **each(READ_ALL, (200, 200))}),
    ("payout", "POST", "/internal/payout-plans"): Route(SCENARIOS["open_payout_plan"], (403, 403), {"workflow": (201, 201)}),
    ("payout", "POST", "/internal/payout-plans/{plan_id}/stages"): Route(
        SCENARIOS["add_payout_stage"], (403, 403), {"workflow": (201, 201)}),
    ("payout", "GET", "/internal/prior-awards"): Route(SCENARIOS["prior_awards"], (403, 403), {"workflow": (200, 200)}),
    ("payout", "GET", "/payout-stages"): Route(listing("/payout-stages"), (200, 200)),
    ("payout", "GET", "/payout-stages/{stage_id}"): Route(
        SCENARIOS["payout_stage"], (404, 404),
        {"enterprise": (200, 404), **each(FINANCE, (200, 404)), **each(READ_ALL, (200, 200))}),
    **{("payout", "POST", f"/payout-stages/{{stage_id}}/{action}"): Route(
        SCENARIOS[f"stage_{action}"], (403, 403), each(FINANCE, (201, 404)))
       for action in ("preparation", "approval", "disbursement", "failure", "retry", "clawback")},
    **{("payout", "GET", path): Route(listing(path), (403, 403), each(FINANCE + READ_ALL, (200, 200)))
       for path in ("/finance/payables", "/finance/budget-execution", "/finance/bank-batch", "/finance/stage-register",
                    "/finance/cost-shares")},
    ("payout", "GET", "/finance/recipients/{uscc}/history"): Route(
        SCENARIOS["recipient_history"], (403, 403),
        {"enterprise": (200, 404), **each(FINANCE, (200, 404)), **each(READ_ALL, (200, 200))}),
    # loading reference data for another region's fund is refused outright (403): nothing to hide
    ("payout", "POST", "/finance/budgets"): Route(SCENARIOS["load_budget"], (403, 403), each(FINANCE, (201, 403))),
    ("payout", "POST", "/finance/cost-shares"): Route(
        SCENARIOS["load_cost_share"], (403, 403), {"city_finance_bureau": (201, 403)}),
    # every service: the operating status, for officials and operators, not applicants or outside experts
    **{(service, "GET", "/status"): Route(listing("/status"), (200, 200), each(("enterprise", "expert"), (403, 403)))
       for service in ("intake", "review", "payout")},
}

PUBLIC_PATHS = frozenset({"/healthz", "/readyz"})

assert all(role in ROLES for route in MATRIX.values() for role in route.expect)
