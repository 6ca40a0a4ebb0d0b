"""`duixian policy | criteria | calendar` for officials and scripts: output and exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from duixian.cli import EXIT_DATA_UNAVAILABLE, EXIT_INVALID_INPUT, cli
from policies.catalogue import load_catalogue

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parent / "policies" / "fixtures"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_policy_list_shows_every_clause_with_document_number_and_clause():
    result = run("policy", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for clause in load_catalogue():
        line = next(text for text in lines if text.startswith(clause.id + " "))
        assert clause.document_number in line and f" {clause.clause_number} " in line


def test_policy_list_json_is_machine_readable():
    listed = json.loads(run("policy", "list", "--json").stdout)
    assert len(listed) == len(load_catalogue())
    referral = next(c for c in listed if c["id"] == "jgx2024-9.2.1")
    assert referral["payout_mode"] == "two_phase" and referral["caps"][0]["amount_yuan"] == 5_000_000


def test_policy_show_prints_the_source_wording():
    result = run("policy", "show", "jgx2024-9.2.1")
    assert result.exit_code == 0 and "晋工信新材料规字〔2024〕1号" in result.stdout and "上不封顶" in result.stdout
    assert "原文未列明" in result.stdout


def test_policy_show_unknown_id_exits_2():
    result = run("policy", "show", "nope-1")
    assert result.exit_code == EXIT_INVALID_INPUT and "nope-1" in result.stderr


def test_policy_calc_outputs_amount_cap_citation_and_steps(tmp_path):
    facts = write(tmp_path, "facts.json", {
        "entity_id": "91140400LEADER0001", "year": 2025, "project_id": "P1", "is_chain_leader": True,
        "introduced_chain_enterprise": True, "project_fai_yuan": "800000000", "completed_fai_yuan": "800000000",
        "phase": "phase_2", "investment_complete": True, "in_production": True,
        "phase_1_completed_fai_yuan": "300000000"})
    prior = write(tmp_path, "prior.json", [{
        "clause_id": "jgx2024-9.2.1", "benefit_id": "referral_award", "entity_id": "91140400LEADER0001",
        "project_id": "P1", "year": 2024, "amount_yuan": "3000000.00", "option": "phase_1"}])
    result = run("policy", "calc", "jgx2024-9.2.1", "--facts", facts, "--prior", prior)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    # 1% × (8亿 − 3亿) = 500万, but 300万 already paid under the 500万 per-project cap → 200万
    assert out["amount_yuan"] == "2000000.00" and out["capped_by"] == "per_project"
    assert out["citation"]["document_number"] == "晋工信新材料规字〔2024〕1号"
    assert out["citation"]["clause_number"] == "9.2.1"
    assert any("500万" in step["description"] for step in out["steps"])


def test_policy_calc_reads_yaml_facts_with_exact_decimals(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("entity_id: E\nyear: 2025\nproject_id: D1\nis_venture_capital_firm: true\n"
                    "investee_early_stage_in_city: true\ninvestment_received_yuan: 100.05\n", encoding="utf-8")
    out = json.loads(run("policy", "calc", "cbf2020-24", "--facts", str(path)).stdout)
    assert out["amount_yuan"] == "10.01"  # 10% × 100.05 = 10.005 → 10.01


def test_policy_calc_invalid_facts_exit_2_with_the_reason_on_stderr(tmp_path):
    facts = write(tmp_path, "facts.json", {"entity_id": "E", "year": 2025, "project_id": "D1",
                                           "is_venture_capital_firm": True, "investee_early_stage_in_city": True,
                                           "investment_received_yuan": "-5"})
    result = run("policy", "calc", "cbf2020-24", "--facts", facts)
    assert result.exit_code == EXIT_INVALID_INPUT
    assert "不得为负数" in result.stderr
    assert json.loads(result.stdout)["error"] == "facts_invalid"


def test_policy_calc_below_threshold_is_not_eligible_with_exit_2(tmp_path):
    facts = write(tmp_path, "facts.json", {
        "entity_id": "E", "year": 2025, "project_id": "P1", "is_chain_leader": True,
        "introduced_chain_enterprise": True, "project_fai_yuan": "29999999.99", "completed_fai_yuan": "29999999.99",
        "phase": "one_off", "investment_complete": True, "in_production": True})
    result = run("policy", "calc", "jgx2024-9.2.1", "--facts", facts)
    assert result.exit_code == EXIT_INVALID_INPUT and "3000万元以上" in result.stderr


def test_a_clause_needing_table_1_exits_3_until_table_1_is_loaded(tmp_path):
    facts = write(tmp_path, "facts.json", {"entity_id": "E", "year": 2025, "recognition": "chain_leader",
                                           "chain_revenue_yuan": "35000000000"})
    missing = run("policy", "calc", "jgx2024-9.1.2", "--facts", facts)
    assert missing.exit_code == EXIT_DATA_UNAVAILABLE and "表1" in missing.stderr
    assert json.loads(missing.stdout)["table"] == "表1"
    loaded = run("policy", "calc", "jgx2024-9.1.2", "--facts", facts, "--tables", str(FIXTURES / "tables_TEST_DATA"))
    assert loaded.exit_code == 0, loaded.stderr
    # test 表1: 二档 ≥300亿 → 200万
    assert json.loads(loaded.stdout)["amount_yuan"] == "2000000.00"


def test_policy_schema_prints_the_facts_json_schema():
    schema = json.loads(run("policy", "schema", "ckf2022-8.3").stdout)
    assert "receipts_yuan" in schema["properties"] and "ownership_clear" in schema["required"]


def test_criteria_check_chain_leader_and_chain_core(tmp_path):
    leader = write(tmp_path, "leader.json", {
        "chain_id": "cz_photovoltaic", "main_revenue_yuan": "600000000", "provincial_market_rank": 2,
        "innovation_platforms": [{"name": "省级工程研究中心", "level": "provincial"}],
        "collaborating_enterprise_count": 6, "has_leadership_plan": True, "commits_to_guidelines": True})
    result = run("criteria", "check", "--kind", "chain-leader", "--facts", leader, "--category", "emerging")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["overall"] == "met" and len(out["results"]) == 5
    core = write(tmp_path, "core.json", {"core_type": "core_supplier", "main_revenue_yuan": "400000000",
                                         "trade_with_leader_yuan": "20000000"})
    result = run("criteria", "check", "--kind", "chain-core", "--facts", core, "--chain", "cz_photovoltaic",
                 "--category", "established")
    out = json.loads(result.stdout)
    assert {r["criterion"]: r["status"] for r in out["results"]}["scale"] == "not_met"  # < 5亿 on an established chain


def test_criteria_check_with_unknown_category_exits_3(tmp_path):
    facts = write(tmp_path, "leader.json", {"chain_id": "cz_photovoltaic", "main_revenue_yuan": "600000000"})
    result = run("criteria", "check", "--kind", "chain-leader", "--facts", facts)
    assert result.exit_code == EXIT_DATA_UNAVAILABLE and "光伏产业链" in result.stderr


def test_criteria_check_needs_a_chain(tmp_path):
    facts = write(tmp_path, "leader.json", {"main_revenue_yuan": "600000000"})
    assert run("criteria", "check", "--kind", "chain-leader", "--facts", facts).exit_code == EXIT_INVALID_INPUT


def test_criteria_member_inclusion(tmp_path):
    facts = write(tmp_path, "member.json", {"trade_with_leader_yuan": "1000000", "chain_enterprise_trades": []})
    assert json.loads(run("criteria", "member", "--facts", facts).stdout)["overall"] == "met"


def test_criteria_chains_lists_changzhis_ten():
    result = run("criteria", "chains", "--region", "changzhi")
    assert result.exit_code == 0 and result.stdout.count("cz_") == 10 and "未登记" in result.stdout


def test_calendar_deadline_from_2025_09_26_for_seven_working_days():
    result = run("calendar", "deadline", "--start", "2025-09-26T10:00:00+08:00", "--working-days", "7")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["last_day"] == "2025-10-13" and out["ends_at"] == "2025-10-14T00:00:00+08:00"
    assert {"2025-09-28", "2025-10-11"} <= set(out["counted"])
    skipped = {s["date"]: s["reason"] for s in out["skipped"]}
    assert all(f"2025-10-0{d}" in skipped for d in range(1, 9)) and "国庆" in skipped["2025-10-01"]


def test_calendar_deadline_with_end_of_business():
    out = json.loads(run("calendar", "deadline", "--start", "2025-09-26", "--working-days", "7",
                         "--end-of-business", "17:30").stdout)
    assert out["ends_at"] == "2025-10-13T17:30:00+08:00"


def test_a_2027_date_exits_3_until_a_2027_schedule_is_loaded():
    missing = run("calendar", "deadline", "--start", "2027-03-01T09:00+08:00", "--working-days", "3")
    assert missing.exit_code == EXIT_DATA_UNAVAILABLE and "2027" in missing.stderr
    loaded = run("calendar", "deadline", "--start", "2027-03-01T09:00+08:00", "--working-days", "3",
                 "--schedule", str(FIXTURES / "calendar_2027_TEST_DATA.yaml"))
    assert loaded.exit_code == 0, loaded.stderr
    assert json.loads(loaded.stdout)["last_day"] == "2027-03-04"
    assert "测试数据" in loaded.stderr  # warned: the 2027 fixture is test data


def test_calendar_bad_start_exits_2():
    result = run("calendar", "deadline", "--start", "next monday", "--working-days", "3")
    assert result.exit_code == EXIT_INVALID_INPUT and "ISO" in result.stderr


def test_calendar_day():
    out = json.loads(run("calendar", "day", "2025-10-11").stdout)
    assert out["working_day"] is True and out["makeup_workday"] is True


@pytest.mark.skipif(sys.platform.startswith("win"), reason="posix paths")
def test_the_console_entry_point_runs_as_a_module():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "duixian", "policy", "list", "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == len(load_catalogue())
