"""Property tests: no award exceeds an applicable cap, and cumulative caps hold over random
sequences of awards (per project, per item, per deal, per entity per year, per entity in total)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.calculator import Determination, PriorAward, calculate
from policies.catalogue import Cap, load_catalogue
from policies.errors import CapExhausted, NotEligible

from .conftest import TEST_TABLES, facts

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENTITIES, PROJECTS, YEARS = ["E1", "E2"], ["P1", "P2", "P3"], [2024, 2025]

yuan_amounts = st.integers(min_value=1, max_value=2_000_000_000_00).map(lambda fen: f"{fen // 100}.{fen % 100:02d}")


def rate_facts(clause_id: str) -> Callable[[str, str, str, int], dict]:
    """Facts for a rate/declared clause: basis in yuan, for an entity, a project and a year."""
    builders: dict[str, Callable[[str], dict]] = {
        "ckf2022-8.3": lambda v: {"receipts_yuan": v},
        "cbf2020-8": lambda v: {"receipts_yuan": v},
        "jgx2024-9.4.2": lambda v: {"contract_receipts_yuan": v},
        "jgx2024-9.4.4": lambda v: {"training_paid_yuan": v, "recognition": "chain_leader", "partner_kind": "institute"},
        "jgx2024-9.5.2-purchase": lambda v: {"paid_yuan": v, "purchase_amount_yuan": "20000000",
                                             "scenario_chain": "synthetic_biology"},
        "jgx2024-9.3.3-uninsured": lambda v: {"current_year_sales_yuan": v, "prior_year_invoiced_sales_yuan": "10000000",
                                              "product_kind": "first_batch_material"},
        "cbf2020-17-renovation": lambda v: {"renovation_cost_yuan": v},
        "cbf2020-24": lambda v: {"investment_received_yuan": v},
        "jqf2022-12.2": lambda v: {"transaction_amount_yuan": v, "outcome": "revenue_up_30"},
        "cbf2020-13-rd": lambda v: {"determined_amount_yuan": v, "rd_investment_yuan": v,
                                    "enterprise_kind": "key_enterprise"},
        "cbf2020-18": lambda v: {"determined_amount_yuan": v},
        "jgx2024-9.2.2": lambda v: {"project_fai_yuan": str(max(Decimal(v), Decimal(30_000_000))),
                                    "lpr_average": "0.0345", "investment_coefficient": "1.5", "revenue_coefficient": "1.2"},
    }
    extra = builders[clause_id]
    clause = load_catalogue().get(clause_id)

    def build(value: str, entity: str, project: str, year: int) -> dict:
        values = {"entity_id": entity, "year": year, **extra(value)}
        if clause.calculation.project_title_zh:
            values["project_id"] = project
        return facts(clause_id, **values)

    return build


RATE_CLAUSES = ["ckf2022-8.3", "cbf2020-8", "jgx2024-9.4.2", "jgx2024-9.4.4", "jgx2024-9.5.2-purchase",
                "jgx2024-9.3.3-uninsured", "cbf2020-17-renovation", "cbf2020-24", "jqf2022-12.2", "cbf2020-13-rd",
                "cbf2020-18", "jgx2024-9.2.2"]


def in_scope(cap: Cap, benefit_id: str, award: Determination | PriorAward,
             others: Iterable[Determination | PriorAward]) -> list:
    """Awards that share `cap` with `award` (written from the cap definitions, not the calculator)."""
    same = [o for o in others if o.benefit_id == benefit_id and (cap.option is None or o.option == award.option)]
    if cap.scope in ("per_item", "per_deal", "per_project_cumulative"):
        return [o for o in same if o.project_id == award.project_id]
    if cap.scope == "per_entity_per_year":
        return [o for o in same if o.entity_id == award.entity_id and o.year == award.year]
    if cap.scope == "per_entity_cumulative":
        return [o for o in same if o.entity_id == award.entity_id]
    return []


def limited_caps(clause_id: str, option: str | None) -> list[Cap]:
    return [c for c in load_catalogue().get(clause_id).caps
            if c.amount_yuan is not None and c.option in (None, option)]


prior_awards = st.lists(st.builds(
    lambda entity, project, year, fen: {"entity": entity, "project": project, "year": year, "fen": fen},
    st.sampled_from(ENTITIES), st.sampled_from(PROJECTS), st.sampled_from(YEARS),
    st.integers(min_value=0, max_value=600_000_000)), max_size=6)


@PROPERTY
@given(clause_id=st.sampled_from(RATE_CLAUSES), value=yuan_amounts, raw_priors=prior_awards,
       entity=st.sampled_from(ENTITIES), project=st.sampled_from(PROJECTS), year=st.sampled_from(YEARS))
def test_no_award_exceeds_an_applicable_cap(clause_id, value, raw_priors, entity, project, year):
    clause = load_catalogue().get(clause_id)
    priors = [PriorAward(clause_id=clause_id, benefit_id=clause.benefit_id, entity_id=p["entity"],
                         project_id=p["project"], year=p["year"], amount_fen=p["fen"]) for p in raw_priors]
    try:
        award = calculate(clause_id, rate_facts(clause_id)(value, entity, project, year), priors, TEST_TABLES)
    except CapExhausted as exhausted:
        cap = clause.cap(exhausted.cap)
        assert exhausted.used_fen >= cap.amount_yuan * 100
        return
    except NotEligible as refused:
        assert refused.rule in {"one_recipient", "threshold", "zero", "already_awarded"}
        return
    for cap in limited_caps(clause_id, award.option):
        used = sum(p.amount_fen for p in in_scope(cap, clause.benefit_id, award, priors))
        assert used + award.amount_fen <= cap.amount_yuan * 100, cap.name
    if clause.calculation.kind == "rate":
        uncapped = (Decimal(value) * clause.calculation.rate * 100).quantize(Decimal(1), ROUND_HALF_UP)
        assert award.amount_fen <= uncapped


def run_sequence(steps: list[tuple[str, dict]]) -> list[Determination]:
    awards: list[Determination] = []
    for clause_id, step_facts in steps:
        try:
            awards.append(calculate(clause_id, step_facts, [a.to_prior_award() for a in awards], TEST_TABLES))
        except (NotEligible, CapExhausted):
            continue
    return awards


def assert_cumulative_caps_hold(awards: list[Determination]) -> None:
    for award in awards:
        for cap in limited_caps(award.clause_id, award.option):
            if cap.scope == "per_award":
                assert award.amount_fen <= cap.amount_yuan * 100
                continue
            total = sum(a.amount_fen for a in in_scope(cap, award.benefit_id, award, awards))
            assert total <= cap.amount_yuan * 100, (award.clause_id, cap.name, total)


rate_steps = st.lists(st.tuples(st.sampled_from(ENTITIES), st.sampled_from(PROJECTS), st.sampled_from(YEARS),
                                yuan_amounts), min_size=1, max_size=20)


@PROPERTY
@given(clause_id=st.sampled_from(RATE_CLAUSES), steps=rate_steps)
def test_cumulative_caps_hold_over_random_sequences(clause_id, steps):
    build = rate_facts(clause_id)
    awards = run_sequence([(clause_id, build(v, e, p, y)) for e, p, y, v in steps])
    assert_cumulative_caps_hold(awards)


@PROPERTY
@given(steps=st.lists(st.tuples(st.sampled_from(["ckf2022-8.3", "cbf2020-8"]), st.sampled_from(ENTITIES),
                                st.sampled_from(PROJECTS), st.sampled_from(YEARS), yuan_amounts), max_size=20))
def test_the_tech_transfer_subsidy_shares_its_cap_across_both_documents(steps):
    awards = run_sequence([(c, rate_facts(c)(v, e, p, y)) for c, e, p, y, v in steps])
    for project in PROJECTS:
        assert sum(a.amount_fen for a in awards if a.project_id == project) <= 200_000 * 100


@PROPERTY
@given(steps=st.lists(st.tuples(st.sampled_from(["phase_1", "phase_2", "one_off"]), st.sampled_from(ENTITIES),
                                st.sampled_from(PROJECTS), st.integers(30_000_000, 1_500_000_000),
                                st.integers(0, 1_500_000_000)), max_size=15))
def test_referral_awards_never_exceed_500_wan_per_project_nor_go_to_two_referrers(steps):
    sequence = []
    for phase, entity, project, completed, earlier in steps:
        values = {"entity_id": entity, "project_id": project, "project_fai_yuan": "30000000",
                  "completed_fai_yuan": str(completed), "phase": phase,
                  "investment_complete": phase != "phase_1", "in_production": True}
        if phase == "phase_2":
            values["phase_1_completed_fai_yuan"] = str(min(earlier, completed))
        sequence.append(("jgx2024-9.2.1", facts("jgx2024-9.2.1", **values)))
    awards = run_sequence(sequence)
    assert_cumulative_caps_hold(awards)
    for project in PROJECTS:
        mine = [a for a in awards if a.project_id == project]
        assert sum(a.amount_fen for a in mine) <= 5_000_000 * 100
        assert len({a.entity_id for a in mine}) <= 1
        assert len([a for a in mine if a.option == "phase_1"]) <= 1


@PROPERTY
@given(steps=st.lists(st.tuples(st.sampled_from(ENTITIES), st.sampled_from(YEARS), st.integers(0, 30)),
                      max_size=12))
def test_new_supplier_awards_never_exceed_500_wan_per_entity(steps):
    sequence = [("jgx2024-9.3.1", facts("jgx2024-9.3.1", entity_id=e, year=y, option="new_supplier",
                                        base_year_suppliers=[],
                                        prior_year_suppliers=[{"supplier_id": f"S{i}", "trade_yuan": "5000000"}
                                                              for i in range(n)]))
                for e, y, n in steps]
    awards = run_sequence(sequence)
    assert_cumulative_caps_hold(awards)
    for entity in ENTITIES:
        assert sum(a.amount_fen for a in awards if a.entity_id == entity) <= 5_000_000 * 100


@PROPERTY
@given(steps=st.lists(st.tuples(st.sampled_from(ENTITIES), st.sampled_from(YEARS),
                                st.sampled_from([f"P{i}" for i in range(8)])), max_size=20))
def test_demo_zone_project_awards_stay_within_1000_wan_per_zone_per_year(steps):
    awards = run_sequence([("jgx2024-9.4.1-demo-project",
                            facts("jgx2024-9.4.1-demo-project", entity_id=e, year=y, project_id=p))
                           for e, y, p in steps])
    assert_cumulative_caps_hold(awards)
    assert len({a.project_id for a in awards}) == len(awards)  # each project once


@PROPERTY
@given(steps=st.lists(st.tuples(st.sampled_from(["cbf2020-13-sme", "cf2018-12.3"]), st.sampled_from(ENTITIES),
                                st.sampled_from(["city", "provincial", "national"]), st.sampled_from(YEARS)),
                      max_size=15))
def test_specialised_sme_award_is_never_paid_twice_for_the_same_level(steps):
    awards = run_sequence([(c, facts(c, entity_id=e, level=level, year=y)) for c, e, level, y in steps])
    keys = [(a.entity_id, a.tier) for a in awards]
    assert len(keys) == len(set(keys))


def test_the_sequence_checker_would_catch_an_overpayment():
    """The invariant helper itself fails on a sequence that breaks a cap (guards against a vacuous test)."""
    ok = calculate("cbf2020-24", facts("cbf2020-24", project_id="D", investment_received_yuan="3000000"))
    overpaid = ok.model_copy(update={"amount_fen": 30_000_001})
    try:
        assert_cumulative_caps_hold([overpaid])
    except AssertionError:
        return
    raise AssertionError("an overpayment went unnoticed")


