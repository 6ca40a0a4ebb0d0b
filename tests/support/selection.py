"""Driving a 链主/链核 selection round (晋政办发〔2023〕44号, seed 004 §10.3) through the stack, as the
province_chain_office, the enterprises, the bureaus and the chiefs do."""
from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta

from tests.support.stack import Stack
from tests.support.waiting import eventually

OFFICE = ("province_chain_office", "140000.province_chain_office")
LEADING_GROUP = ("leading_group", "140000.leading_group")
CHIEF_OF_CHIEFS = ("chief_of_chiefs", "140000.chief_of_chiefs")
PDF = b"%PDF-1.4\n% duixian test material\n"

# Facts that meet the 10.1 thresholds of an emerging chain (category given explicitly: the seeds do
# not record the province chains' categories).
LEADER_FACTS = {"chain_category": "emerging", "main_revenue_yuan": "800000000", "provincial_market_rank": 2,
                "collaborating_enterprise_count": 8, "has_leadership_plan": True, "commits_to_guidelines": True}


def bureau(city: str) -> tuple[str, str]:
    return "city_industry_bureau", f"{city}.city_industry_bureau"


def material(name: str = "营业执照.pdf") -> dict:
    return {"filename": name, "content_type": "application/pdf", "content_base64": base64.b64encode(PDF).decode()}


def load_pool(stack: Stack, chain: str, *, experts: list[dict] | None = None, panel_size: int = 1, quorum: int = 1) -> dict:
    """An admin loads a chain's expert pool (test data); panel size and quorum come with it."""
    experts = experts or [{"expert_id": f"{chain}-expert-{n}", "name": f"专家{n}"} for n in range(1, 4)]
    with stack.client("review", "admin", "ops", subject="admin-1") as client:
        response = client.post("/admin/expert-pools", json={
            "chain_id": chain, "panel_size": panel_size, "quorum": quorum, "source_note": "测试专家库（虚构）",
            "experts": experts})
    assert response.status_code == 201, response.text
    return response.json()


def open_round(stack: Stack, chains: list[str], *, kind: str = "chain_leader", closes_in: timedelta = timedelta(days=10),
               expect: int = 201, pools: bool = True, **extra) -> dict:  # type: ignore[no-untyped-def]
    if pools and "review" in stack.servers and expect == 201:
        for chain in chains:
            load_pool(stack, chain)
    now = datetime.now(UTC)
    body = {"year": 2026, "kind": kind, "chain_ids": chains, "nomination_opens_at": (now - timedelta(hours=1)).isoformat(),
            "nomination_closes_at": (now + closes_in).isoformat(), **extra}
    with stack.client("intake", *OFFICE, region="140000", subject="office-clerk") as client:
        response = client.post("/selection/rounds", json=body)
    assert response.status_code == expect, response.text
    return response.json()


def nominate(stack: Stack, round_id: str, uscc: str, *, region: str = "140400", chain: str = "sx_photovoltaic",
             expect: int = 201, **extra) -> dict:  # type: ignore[no-untyped-def]
    facts = extra.pop("facts", None) or LEADER_FACTS
    body = {"enterprise": {"uscc": uscc, "name": f"企业{uscc[-6:]}", "kind": "enterprise", "region": region},
            "chain_id": chain, "facts": facts, "materials": [material()], **extra}
    with stack.client("intake", "enterprise", uscc, region=region) as client:
        response = client.post(f"/selection/rounds/{round_id}/nominations", json=body)
    assert response.status_code == expect, response.text
    return response.json()


def open_tasks(stack: Stack, role: str, organisation: str, **claims) -> list[dict]:  # type: ignore[no-untyped-def]
    with stack.client("review", role, organisation, **claims) as client:
        response = client.get("/tasks", params={"status": "open", "limit": 500})
    assert response.status_code == 200, response.text
    return response.json()


def task_for(stack: Stack, role: str, organisation: str, case_id: str, kind: str, **claims) -> dict:  # type: ignore[no-untyped-def]
    def probe() -> list[dict]:
        return [t for t in open_tasks(stack, role, organisation, **claims) if t["case_id"] == case_id and t["kind"] == kind]
    return eventually(probe, what=f"a {kind} task for {case_id} at {organisation}")[0]


def decide(stack: Stack, role: str, organisation: str, task_id: str, decision: str = "approve", reason: str = "同意",
           expect: int = 201, missing_items: list[str] | None = None, **claims) -> dict:  # type: ignore[no-untyped-def]
    body: dict = {"decision": decision, "reason": reason}
    if missing_items is not None:
        body["missing_items"] = missing_items
    with stack.client("review", role, organisation, **claims) as client:
        response = client.post(f"/tasks/{task_id}/decision", json=body)
    assert response.status_code == expect, response.text
    return response.json()


def candidacy(stack: Stack, candidacy_id: str) -> dict:
    with stack.client("intake", *OFFICE, region="140000") as client:
        return client.get(f"/selection/candidacies/{candidacy_id}").json()


def timeline(stack: Stack, candidacy_id: str) -> list[dict]:
    with stack.client("intake", *OFFICE, region="140000") as client:
        return client.get(f"/selection/candidacies/{candidacy_id}/timeline").json()


def visitor() -> dict[str, str]:
    """A member of the public: its own client address (the public routes are rate-limited per address)."""
    return {"X-Forwarded-For": f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"}


def publicity(stack: Stack, round_id: str) -> dict | None:
    with stack.client("review") as client:
        response = client.get(f"/public/selection/publicities/{round_id}", headers=visitor())
    return response.json() if response.status_code == 200 else None


def object_to(stack: Stack, round_id: str, candidacy_id: str, expect: int = 201) -> dict:
    with stack.client("review") as client:
        response = client.post(f"/public/selection/publicities/{round_id}/objections", headers=visitor(), json={
            "candidacy_id": candidacy_id, "objector_name": "张三", "contact_phone": "13800000000",
            "reason": "该企业主营业务收入数据与统计年报不符"})
    assert response.status_code == expect, response.text
    return response.json()


def verify(stack: Stack, objection_id: str, *, upheld: bool, reason: str = "经核实") -> dict:
    with stack.client("review", *OFFICE, region="140000") as client:
        response = client.post(f"/selection/objections/{objection_id}/verification", json={"upheld": upheld, "reason": reason})
    assert response.status_code == 201, response.text
    return response.json()


def approval_route(kind: str, chain: str, route: str = "leading_group") -> list[tuple[str, str, str]]:
    """(task kind, role, organisation) after the completeness check, as workflows.selection routes them."""
    if kind == "chain_core":
        return [("lead_unit_submission", "chain_lead_unit", f"{chain}.chain_lead_unit"),
                ("selection_approval", "chain_chief", f"{chain}.chain_chief")]
    if route == "chiefs":
        return [("chief_review", "chain_chief", f"{chain}.chain_chief"), ("selection_approval", *CHIEF_OF_CHIEFS)]
    return [("selection_approval", *LEADING_GROUP)]


def submit_list(stack: Stack, round_id: str, role: str, organisation: str, expect: int = 201) -> dict:
    """The bureau submits its recommendation list (once intake has every decision of its candidates)."""
    region = organisation.split(".")[0] if organisation[0].isdigit() else None
    with stack.client("intake", role, organisation, region=region, subject=f"list-{organisation}") as client:
        def attempt() -> dict | None:
            response = client.post(f"/selection/rounds/{round_id}/recommendation-lists", json={"note": "推荐名单"})
            if response.status_code == 409 and "未作推荐" in response.text and expect == 201:
                return None  # intake has not heard every decision yet
            assert response.status_code == expect, response.text
            return response.json()
        return eventually(attempt, what=f"{organisation} to submit its list")


def recommend(stack: Stack, nominated: dict, recommend: bool = True) -> None:
    role, org = nominated["assignee_role"], nominated["assignee_org"]
    region = org.split(".")[0] if org[0].isdigit() else None
    task = task_for(stack, role, org, nominated["id"], "city_recommendation", region=region)
    decide(stack, role, org, task["id"], "approve" if recommend else "reject", "推荐" if recommend else "不符合推荐条件",
           region=region, subject=f"bureau-{org}")


def carry_through(stack: Stack, *nominated: dict, route: str = "leading_group") -> None:
    """Recommend (and submit each bureau's list), pass the completeness check, let the panel propose and
    approve each candidacy, each step by a different official."""
    for each in nominated:
        recommend(stack, each)
    for role, org in sorted({(n["assignee_role"], n["assignee_org"]) for n in nominated}):
        submit_list(stack, nominated[0]["round_id"], role, org)
    for each in nominated:
        case_id, chain = each["id"], each["chain_id"]
        task = task_for(stack, *OFFICE, case_id, "completeness_check")
        decide(stack, *OFFICE, task["id"], reason="材料完整", subject="office-checker")
        experts_decide(stack, case_id)
        for kind, step_role, step_org in approval_route(each["kind"], chain, route):
            claims = {"chains": [chain]} if step_role in ("chain_lead_unit", "chain_chief") else {}
            task = task_for(stack, step_role, step_org, case_id, kind, **claims)
            decide(stack, step_role, step_org, task["id"], reason="同意", subject=f"{step_role}-official", **claims)


def expert_tasks(stack: Stack, case_id: str) -> list[dict]:
    with stack.client("review", "auditor", "audit-office") as auditor:
        def probe() -> list[dict]:
            tasks = auditor.get("/tasks", params={"status": "open", "limit": 500}).json()
            return [t for t in tasks if t["case_id"] == case_id and t["kind"] == "expert_review"]
        return eventually(probe, what=f"the expert panel's tasks for {case_id}")


def experts_decide(stack: Stack, case_id: str, decisions: dict[str, str] | None = None) -> list[dict]:
    """Each panel member scores and gives an opinion (approve unless `decisions` says otherwise)."""
    tasks = expert_tasks(stack, case_id)
    for task in tasks:
        decision = (decisions or {}).get(task["assignee_org"], "approve")
        with stack.client("review", "expert", task["assignee_org"], subject=task["assignee_org"]) as client:
            response = client.post(f"/tasks/{task['id']}/decision", json={
                "decision": decision, "reason": "评审意见：带动能力突出" if decision == "approve" else "评审意见：带动能力不足",
                "verified_facts": {"score": 86 if decision == "approve" else 55}})
        assert response.status_code == 201, response.text
    return tasks
