"""The catalogue: every amount-bearing clause of the issue is there, traceable to the seeds."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policies.catalogue import Catalogue, load_catalogue
from policies.catalogue.loader import catalogue_schema
from policies.catalogue.models import FixedCalc, RateCalc, ReferralCalc, SupplyCalc, ZoneShareCalc
from policies.errors import DataFileInvalid, UnknownClause
from policies.registry import load_registry

SEEDS = Path("/work/shared/seeds")
SCHEMA_FILE = Path(__file__).parents[3] / "policies" / "data" / "schema" / "clause_document.schema.json"

JGX, CKF, CBF, JQF, CF = ("晋工信新材料规字〔2024〕1号", "长科发〔2022〕5号", "长办发〔2020〕17号",
                          "晋企发〔2022〕23号", "长发〔2018〕28号")
EXPECTED = {
    "jgx2024-9.1.1": (JGX, "9.1.1"), "jgx2024-9.1.2": (JGX, "9.1.2"), "jgx2024-9.2.1": (JGX, "9.2.1"),
    "jgx2024-9.2.2": (JGX, "9.2.2"), "jgx2024-9.2.3": (JGX, "9.2.3"), "jgx2024-9.3.1": (JGX, "9.3.1"),
    "jgx2024-9.3.2": (JGX, "9.3.2"), "jgx2024-9.3.3-insured": (JGX, "9.3.3"),
    "jgx2024-9.3.3-uninsured": (JGX, "9.3.3"), "jgx2024-9.3.3-purchaser": (JGX, "9.3.3"),
    "jgx2024-9.4.1-share": (JGX, "9.4.1"), "jgx2024-9.4.1-leader": (JGX, "9.4.1"),
    "jgx2024-9.4.1-demo-zone": (JGX, "9.4.1"), "jgx2024-9.4.1-demo-project": (JGX, "9.4.1"),
    "jgx2024-9.4.2": (JGX, "9.4.2"), "jgx2024-9.4.3": (JGX, "9.4.3"), "jgx2024-9.4.4": (JGX, "9.4.4"),
    "jgx2024-9.5.1": (JGX, "9.5.1"), "jgx2024-9.5.2-purchase": (JGX, "9.5.2"),
    "jgx2024-9.5.2-supply": (JGX, "9.5.2"),
    "ckf2022-8.3": (CKF, "8.3"),
    "cbf2020-8": (CBF, "第8条"), "cbf2020-9-platform": (CBF, "第9条"), "cbf2020-9-excellent": (CBF, "第9条"),
    "cbf2020-11": (CBF, "第11条"), "cbf2020-13-rd": (CBF, "第13条"), "cbf2020-13-patent": (CBF, "第13条"),
    "cbf2020-13-sme": (CBF, "第13条"), "cbf2020-17-carrier": (CBF, "第17条"),
    "cbf2020-17-incubation": (CBF, "第17条"), "cbf2020-17-scale-up": (CBF, "第17条"),
    "cbf2020-17-renovation": (CBF, "第17条"), "cbf2020-18": (CBF, "第18条"), "cbf2020-21": (CBF, "第21条"),
    "cbf2020-24": (CBF, "第24条"), "cbf2020-25": (CBF, "第25条"), "cbf2020-26": (CBF, "第26条"),
    "jqf2022-12.2": (JQF, "12.2"), "cf2018-12.3": (CF, "12.3"), "cf2018-13-tech-center": (CF, "13"),
    "cf2018-13-high-tech": (CF, "13"),
}


def test_catalogue_holds_exactly_the_clauses_of_the_issue_with_their_document_and_clause():
    catalogue = load_catalogue()
    assert {c.id: (c.document_number, c.clause_number) for c in catalogue} == EXPECTED


def test_ids_are_url_safe_and_prefixed_by_their_document():
    for clause in load_catalogue():
        assert re.fullmatch(r"[a-z0-9.\-]+", clause.id), clause.id
        assert clause.id.startswith(clause.document_id + "-")


def test_get_unknown_clause_raises_with_the_id():
    with pytest.raises(UnknownClause) as raised:
        load_catalogue().get("jgx2024-9.9.9")
    assert raised.value.clause_id == "jgx2024-9.9.9"
    assert "jgx2024-9.9.9" in raised.value.message


def test_shipped_schema_is_the_schema_generated_from_the_models():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == catalogue_schema()


def test_every_department_is_in_the_registry_and_every_clause_has_a_route():
    registry = load_registry()
    for clause in load_catalogue():
        assert clause.departments
        assert all(d.id in registry.departments for d in clause.departments)


def test_departments_not_named_in_the_text_are_marked_so():
    catalogue = load_catalogue()
    referral = catalogue.get("jgx2024-9.2.1")
    assert not any(d.named_in_text for d in referral.departments)
    assert "not named in the text" in referral.departments_note_zh
    vc = catalogue.get("cbf2020-24")
    assert [d.name_zh for d in vc.departments] == ["市财政局", "市金融办"]
    assert all(d.named_in_text for d in vc.departments)


def test_same_benefit_in_two_documents_shares_one_benefit_id():
    catalogue = load_catalogue()
    assert {c.id for c in catalogue.by_benefit("specialised_sme_award")} == {"cbf2020-13-sme", "cf2018-12.3"}
    assert {c.id for c in catalogue.by_benefit("tech_transfer_subsidy")} == {"ckf2022-8.3", "cbf2020-8"}


def test_cost_sharing_only_where_the_text_says_city_and_county_share():
    shared = {c.id for c in load_catalogue() if c.cost_sharing}
    assert shared == {"cbf2020-13-rd", "cbf2020-13-patent", "cbf2020-13-sme", "cbf2020-17-carrier",
                      "cbf2020-17-incubation", "cbf2020-17-scale-up", "cbf2020-17-renovation"}


def test_clauses_that_need_tier_tables_name_them():
    catalogue = load_catalogue()
    assert catalogue.get("jgx2024-9.1.2").tables_required == ["表1", "表2"]
    assert catalogue.get("jgx2024-9.3.1").tables_required == ["表3"]
    assert catalogue.get("jgx2024-9.3.2").tables_required == ["表4"]
    assert catalogue.get("jgx2024-9.3.3-purchaser").tables_required == ["表5", "表6"]


def test_payout_modes_follow_the_text():
    catalogue = load_catalogue()
    assert catalogue.get("jgx2024-9.2.1").payout_mode == "two_phase"
    assert catalogue.get("cf2018-13-high-tech").payout_mode == "following_year"
    assert catalogue.get("jgx2024-9.1.1").payout_mode == "one_off"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts not available")
def test_every_source_excerpt_is_verbatim_from_the_seeds():
    seeds = _squash("".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("0*.txt")))
    catalogue = load_catalogue()
    excerpts = [c.source_excerpt for c in catalogue]
    excerpts += [c.cost_sharing.excerpt for c in catalogue if c.cost_sharing]
    excerpts += [g.source_excerpt for g in catalogue.exclusivity_groups.values()]
    for excerpt in excerpts:
        for piece in excerpt.split("……"):
            assert _squash(piece) in seeds, piece


def _in_text(yuan: int, text: str) -> bool:
    """Is this yuan amount written in the text (as N万元 or N元)?"""
    text = _squash(text)
    forms = [f"{yuan}元"]
    if yuan % 10_000 == 0:
        forms.append(f"{yuan // 10_000}万")
    return any(form in text for form in forms)


def test_every_amount_cap_and_threshold_appears_in_the_clause_excerpt():
    """No number without its words: each cap, fixed amount, threshold and rate is in the excerpt."""
    for clause in load_catalogue():
        text = clause.source_excerpt
        amounts = [cap.amount_yuan for cap in clause.caps if cap.amount_yuan is not None]
        calc = clause.calculation
        if isinstance(calc, FixedCalc):
            amounts += list(calc.amounts.values())
        if isinstance(calc, ZoneShareCalc):
            amounts += [t.amount_yuan for t in calc.tiers]
        if isinstance(calc, SupplyCalc):
            amounts += [calc.new_supplier.unit_amount_yuan, calc.new_supplier.min_trade_yuan]
        threshold = getattr(calc, "threshold", None) or getattr(calc, "fai_threshold", None)
        if threshold:
            amounts.append(threshold.min_yuan)
        for amount in amounts:
            assert _in_text(amount, text), (clause.id, amount)
        if isinstance(calc, (RateCalc, ReferralCalc)):
            percent = format(calc.rate * 100, "f").rstrip("0").rstrip(".")
            assert f"{percent}%" in _squash(text), (clause.id, percent)


def test_a_catalogue_file_that_breaks_the_schema_is_refused(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "document: {id: bad2024, order: 1, document_number: X, title: T, issuers: [], region_id: shanxi, seed: s}\n"
        "clauses:\n  - {id: bad2024-1, clause_number: '1'}\n", encoding="utf-8")
    with pytest.raises(DataFileInvalid) as raised:
        Catalogue.from_dir(tmp_path)
    assert raised.value.source == "bad.yaml"


def test_a_clause_referring_to_an_unknown_department_is_refused(tmp_path):
    source = (Path(__file__).parents[3] / "policies/data/clauses/ckf2022.yaml").read_text(encoding="utf-8")
    (tmp_path / "ckf2022.yaml").write_text(source.replace("id: city_finance_bureau", "id: city_nowhere"),
                                           encoding="utf-8")
    with pytest.raises(DataFileInvalid) as raised:
        Catalogue.from_dir(tmp_path)
    assert any("city_nowhere" in p for p in raised.value.problems)
