"""The officials' pages over HTTP, as a browser without JavaScript uses them, on the real services: the 待办 inbox
(counts per department, overdue filter, working days left on review's calendar), a case page (facts by their
labels, the applicant's materials opened through the portal, earlier decisions, the calculator's determination,
the four-eyes rule and its refusal), 补正 without missing items refused beside the field, the decision recorded;
the chain office opens a selection round; the admin previews and loads a tier table; each workspace's pages are
refused to the others."""
from __future__ import annotations

import base64
import html
import re
import uuid

import pika
import pytest

from contracts.topology import topology
from infra.amqp import connection_parameters
from infra.settings import Settings
from infra.topology import delete_topology
from tests.support.cases import CENTER, SCIENCE, tech_transfer_facts
from tests.support.databases import DatabaseFactory
from tests.support.portal_stack import CSRF_TOKEN, PortalStack, hidden, portal_with_services
from tests.support.tokens import make_uscc

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n% officials\n"
OFFICER = "competent_department"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def system(request, tmp_path_factory, amqp_url):  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp("portal-officials")
    namespace = f"test-{uuid.uuid4().hex[:10]}"
    settings = Settings(environment="test", data_dir=directory, amqp_url=amqp_url, amqp_namespace=namespace,
                        relay_poll_seconds=0.05, log_json=True)
    databases = DatabaseFactory(request.param, directory, request.getfixturevalue("postgres_url")
                                if request.param == "postgresql" else None)
    with portal_with_services(settings, databases, services=("intake", "review")) as running:
        yield running
    databases.close()
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    delete_topology(topology(namespace), connection.channel())
    connection.close()


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _apply(system: PortalStack) -> tuple[str, dict]:
    uscc = make_uscc()
    with system.client("intake", "enterprise", uscc, region="140400") as client:
        created = client.post("/applications", json={
            "clause_id": "ckf2022-8.3", "facts": tech_transfer_facts(project_id=f"HT-{uuid.uuid4().hex[:6]}"),
            "applicant": {"uscc": uscc, "name": "长治办理示例有限公司", "kind": "enterprise", "region": "140400"},
            "materials": [{"filename": "技术合同.pdf", "content_type": "application/pdf",
                           "content_base64": base64.b64encode(PDF).decode()}]})
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["facts"]


def _open(system: PortalStack, case_id: str, facts: dict, kind: str, organisation: str, title: str) -> str:
    with system.client("review", "workflow", "duixian", subject="duixian-worker") as worker:
        opened = worker.post("/internal/tasks", json={
            "case_id": case_id, "kind": kind, "title": title, "clause_id": "ckf2022-8.3", "assignee_role": OFFICER,
            "assignee_org": organisation, "facts": facts, "due_working_days": 5,
            "applicant": {"uscc": facts["entity_id"], "name": "长治办理示例有限公司", "kind": "enterprise", "region": "140400"}},
            headers={"Idempotency-Key": uuid.uuid4().hex})
    assert opened.status_code == 201, opened.text
    return opened.json()["task_id"]


def _decide(browser, task_id: str, **fields) -> object:  # type: ignore[no-untyped-def]
    page = browser.get(f"/officials/tasks/{task_id}").text
    return browser.post(f"/officials/tasks/{task_id}/decision",
                        data={"csrf_token": CSRF_TOKEN, "submission_id": hidden(page, "submission_id"), **fields},
                        follow_redirects=True)


def test_an_official_finds_the_task_opens_the_case_and_its_materials_and_decides(system: PortalStack):
    case_id, facts = _apply(system)
    task_id = _open(system, case_id, facts, "case_review", CENTER, "技术合同登记审核")
    with system.browser("center-officer-1") as browser:
        inbox = browser.get("/officials/tasks")
        assert inbox.status_code == 200
        shown = text(inbox.text)
        # Opened today with 5 working days (its opening day is not counted): 5 left.
        assert "技术合同登记审核" in shown and "剩余 5 个工作日" in shown
        assert re.search(r"长治市引进国外智力（专家）服务中心 \d+ 0", shown), "the count per department, none overdue"
        assert "技术合同登记审核" not in text(browser.get("/officials/tasks", params={"overdue": "true"}).text)
        # On a phone the list scrolls sideways in its wrapper, which a keyboard can reach (a named region).
        assert '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="tasks-heading">' in inbox.text

        case = browser.get(f"/officials/tasks/{task_id}").text
        assert "技术合同成交实际到账技术交易额" in text(case) and "receipts_yuan" not in text(case), "facts by their labels"
        assert "5,000,000.00元" in text(case) and "5000000" not in text(case), "amounts in 元 with two decimals"
        link = re.search(r'href="(/officials/tasks/[^"]+/materials/[^"]+)"', case)
        assert link and "技术合同.pdf" in text(case)
        downloaded = browser.get(html.unescape(link.group(1)))
        assert downloaded.status_code == 200 and downloaded.content == PDF

        refused = _decide(browser, task_id, decision="supplement", reason="请补充材料", missing_items="")
        assert refused.status_code == 422
        assert "要求补正时须列明所缺材料或事项" in text(refused.text)
        decided = _decide(browser, task_id, decision="approve", reason="登记属实")
        assert decided.status_code == 200 and "已办理完毕" in text(decided.text) and "通过 ：登记属实" in text(decided.text)
    with system.browser("science-officer-1") as other:
        assert other.get(f"/officials/tasks/{task_id}").status_code == 404, "another department's task"


def test_the_determination_shows_the_calculator_and_the_four_eyes_rule_refuses_the_same_person(system: PortalStack):
    case_id, facts = _apply(system)
    review = _open(system, case_id, facts, "case_review", SCIENCE, "科技局审核")
    with system.browser("science-officer-1") as first:
        assert _decide(first, review, decision="approve", reason="材料齐全").status_code == 200
    determination = _open(system, case_id, facts, "case_determination", SCIENCE, "科技局核定")
    with system.browser("science-officer-1") as first:
        case = text(first.get(f"/officials/tasks/{determination}").text)
        assert "200,000.00元" in case and "长科发〔2022〕5号" in case, "the calculator's determination"
        assert "材料齐全" in case, "the earlier decision"
        history = case.split("办理记录", 1)[1]
        assert "李华" in history and "science-officer-1" not in history, "people by their directory names, not their ids"
        assert "四眼原则" in case and "另一名工作人员办理" in case
        refused = _decide(first, determination, decision="approve", reason="同意")
        assert refused.status_code == 403 and "四眼原则: 您已对该事项审核" in text(refused.text)
    with system.browser("science-officer-2") as second:
        decided = _decide(second, determination, decision="approve", reason="核定无误")
        assert decided.status_code == 200
        assert "计算器核定结果" not in text(decided.text), "once decided, the 核定 itself, not the calculator's preview"
        fixed = text(decided.text).split("核定结果", 1)[1]  # the amount fixed, with its citation and binding cap
        assert "200,000.00元 政策依据 长科发〔2022〕5号 第8.3条 上限 已按“单个科技成果最高补助20万元”封顶" in fixed, fixed


def test_the_chain_office_opens_a_round_and_the_admin_previews_and_loads_a_tier_table(system: PortalStack):
    with system.browser("office-1") as office:
        page = office.get("/chain-office/rounds").text
        assert "光伏产业链（省级）" in page and "光伏产业链（市级）" in page, "two chains of one name say whose each is"
        bad = office.post("/chain-office/rounds", data={"csrf_token": CSRF_TOKEN, "submission_id": hidden(page, "submission_id"),
                                                        "year": "2026", "kind": "chain_leader", "opens_on": "2026-03-01",
                                                        "closes_on": "2026-03-31", "publicity_working_days": "7"})
        assert bad.status_code == 422 and "请至少选择一条产业链" in text(bad.text)
        opened = office.post("/chain-office/rounds", data={
            "csrf_token": CSRF_TOKEN, "submission_id": hidden(page, "submission_id"), "year": "2026", "kind": "chain_leader",
            "chain_ids": ["cz_photovoltaic"], "opens_on": "2026-03-01", "closes_on": "2026-03-31",
            "approval_route": "leading_group", "publicity_working_days": "7"}, follow_redirects=True)
        assert opened.status_code == 200 and "遴选批次已开启" in text(opened.text)
        assert "暂无异议" in text(office.get("/chain-office/objections").text)
    document = ("table: 表1\ndocument_number: 晋工信新材料规字〔2024〕1号\nclause_number: 9.1.2\nsource_note: 页面测试转录\n"
                "rows:\n  - {tier: 一档, min_yuan: '10000000000', amount_yuan: '1000000'}\n"
                "  - {tier: 二档, min_yuan: '5000000000', amount_yuan: '2000000'}\n")
    with system.browser("admin-1") as admin:
        preview = admin.post("/admin/tier-tables", data={"csrf_token": CSRF_TOKEN, "document": document, "action": "preview"})
        assert preview.status_code == 422 and "各档门槛须严格递增" in text(preview.text)
        fixed = document.replace("5000000000", "30000000000")
        previewed = admin.post("/admin/tier-tables", data={"csrf_token": CSRF_TOKEN, "document": fixed, "action": "preview"})
        assert previewed.status_code == 200 and "二档" in text(previewed.text) and "已载入。" not in text(previewed.text)
        loaded = admin.post("/admin/tier-tables", data={"csrf_token": CSRF_TOKEN, "document": fixed, "action": "load",
                                                        "submission_id": uuid.uuid4().hex})
        assert loaded.status_code == 200 and "已载入。" in text(loaded.text)
        assert "第1版" in text(admin.get("/admin/tier-tables").text)
    with system.browser("center-officer-1") as official:
        assert official.get("/admin/tier-tables").status_code == 403
        assert official.get("/chain-office/rounds").status_code == 403
    with system.browser("admin-1") as admin:
        assert admin.get("/officials/tasks").status_code == 403


def test_an_expert_scores_a_candidate_with_the_experts_choices_and_never_sees_the_supplement(system: PortalStack):
    from services.portal.domain.directory import DirectoryEntry

    state = system.state
    state.directory.save(DirectoryEntry(subject="exp-demo-1", name="王专家", role="expert", organisation="exp-demo-1",
                                        chains=("cz_photovoltaic",)), state.directory.find("admin-1"))
    uscc = make_uscc()
    with system.client("review", "workflow", "duixian", subject="duixian-worker") as worker:
        opened = worker.post("/internal/tasks", json={
            "case_id": f"CAND-{uuid.uuid4().hex[:8].upper()}", "kind": "expert_review", "title": "链主企业专家评审",
            "assignee_role": "expert", "assignee_org": "exp-demo-1", "facts": {"chain_id": "cz_photovoltaic"},
            "applicant": {"uscc": uscc, "name": "长治评审示例有限公司", "kind": "enterprise", "region": "140400"}},
            headers={"Idempotency-Key": uuid.uuid4().hex})
    task_id = opened.json()["task_id"]
    with system.browser("exp-demo-1") as expert:
        page = expert.get(f"/officials/tasks/{task_id}")
        assert page.status_code == 200
        shown = text(page.text)
        assert "同意列入建议名单" in shown and "不同意列入" in shown and "要求补正" not in shown
        scored = _decide(expert, task_id, decision="reject", reason="研发投入强度不足")
        assert scored.status_code == 200 and "不同意列入 ：研发投入强度不足" in text(scored.text)


def test_a_task_without_a_due_date_says_so_until_the_admin_loads_its_year(system: PortalStack, monkeypatch):
    """Opened on 2026-12-28 its 5 working days reach 2027, which no calendar knows yet: the inbox and the case
    page say the deadline is pending; loading the 2027 schedule at the admin's page dates it and says how many."""
    import datetime as dt
    from pathlib import Path

    from services.review.service_layer import tasks as review_tasks

    case_id, facts = _apply(system)
    monkeypatch.setattr(review_tasks, "utcnow", lambda: dt.datetime(2026, 12, 28, 2, tzinfo=dt.UTC))  # 10:00 in Beijing
    task_id = _open(system, case_id, facts, "case_review", CENTER, "跨年待办审核")
    monkeypatch.undo()
    with system.browser("center-officer-1") as browser:
        inbox = text(browser.get("/officials/tasks").text)
        assert re.search(r"跨年待办审核 .*?办理时限待定（缺少节假日安排）", inbox)
        assert "办理时限待定（缺少节假日安排）" in text(browser.get(f"/officials/tasks/{task_id}").text)
    schedule = (Path(__file__).parents[1] / "unit/policies/fixtures/calendar_2027_TEST_DATA.yaml").read_text(encoding="utf-8")
    with system.browser("admin-1") as admin:
        loaded = admin.post("/admin/calendar-schedules", data={"csrf_token": CSRF_TOKEN, "document": schedule, "action": "load",
                                                              "submission_id": uuid.uuid4().hex})
        assert loaded.status_code == 200, text(loaded.text)
        assert re.search(r"已载入。 ?已为 [1-9]\d* 件期限跨入该年的在办待办确定办理期限。", text(loaded.text))
    with system.browser("center-officer-1") as browser:
        case = text(browser.get(f"/officials/tasks/{task_id}").text)
        assert "办理时限待定" not in case and re.search(r"办理期限 (截止|剩余)", case)
