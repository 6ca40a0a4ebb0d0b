"""The portal's enterprise and policy pages over HTTP, as a browser without JavaScript uses them, on the real
services: the catalogue with 文号 and original text, the public calculator, the application form generated
from the facts schema (errors beside fields, 试算, drafts with files, one application however often it is
sent), 我的申报 (department, working days left on review's calendar), 补正, amount and payments, 自荐 with
its pre-check, and referral projects."""
from __future__ import annotations

import datetime as dt
import html
import re
import threading
import uuid
from pathlib import Path

import pika
import pytest

from contracts.topology import topology
from infra.amqp import connection_parameters
from infra.settings import Settings
from infra.topology import delete_topology
from policies.calendar import YearSchedule
from policies.errors import CalendarUnavailable
from tests.support.cases import CENTER, tech_transfer_facts
from tests.support.databases import DatabaseFactory
from tests.support.portal_stack import CSRF_TOKEN, PortalStack, enterprises_directory, hidden, portal_with_services
from tests.support.tokens import make_uscc
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n% portal test\n"
SCHEDULE_2027 = Path(__file__).parents[1] / "unit/policies/fixtures/calendar_2027_TEST_DATA.yaml"
FORM_8_3 = {"year": "2026", "project_id": "HT-2026-009", "receipts_yuan": "5,000,000", "output_party_in_changzhi": "true",
            "platform_registered": "true", "contract_registered_and_recognized": "true", "converted_with_results": "true",
            "financial_management_sound": "true", "ownership_clear": "true"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def system(request, tmp_path_factory, amqp_url):  # type: ignore[no-untyped-def]
    """One portal and services per database for the module; each test acts as an enterprise of its own."""
    directory = tmp_path_factory.mktemp("portal-pages")
    pool = enterprises_directory(directory / "directory.yaml", 12)
    namespace = f"test-{uuid.uuid4().hex[:10]}"
    settings = Settings(environment="test", data_dir=directory, amqp_url=amqp_url, amqp_namespace=namespace,
                        relay_poll_seconds=0.05, log_json=True, portal_directory_file=directory / "directory.yaml")
    databases = DatabaseFactory(request.param, directory, request.getfixturevalue("postgres_url")
                                if request.param == "postgresql" else None)
    with portal_with_services(settings, databases) as running:
        running.pool = pool
        yield running
    databases.close()
    connection = pika.BlockingConnection(connection_parameters(amqp_url))
    delete_topology(topology(namespace), connection.channel())
    connection.close()


@pytest.fixture
def enterprise(system) -> str:  # type: ignore[no-untyped-def]
    """An enterprise no other test of the module has used (its USCC, as it signs in)."""
    return system.pool.pop()


def text(page: str) -> str:
    """The page's visible text, roughly (tags dropped, entities decoded), for assertions on what people read."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def apply_form(system: PortalStack, browser, values: dict, action: str, *, files=(), submission_id: str | None = None):  # type: ignore[no-untyped-def]
    if submission_id is None:
        submission_id = hidden(browser.get("/enterprise/applications/new", params={"clause_id": "ckf2022-8.3"}).text, "submission_id")
    data = {"csrf_token": CSRF_TOKEN, "clause_id": "ckf2022-8.3", "submission_id": submission_id, "action": action, **values}
    return browser.post("/enterprise/applications/new", data=data,
                        files=[("materials", (name, content, "application/octet-stream")) for name, content in files] or None)


def test_the_catalogue_and_a_clause_show_the_document_number_and_the_policys_own_text_without_sign_in(system):
    with system.browser() as visitor:
        catalogue = visitor.get("/policies")
        assert catalogue.status_code == 200
        assert "长科发〔2022〕5号" in text(catalogue.text) and "第8.3条 市级科技成果转化补助" in text(catalogue.text)
        clause = visitor.get("/policies/ckf2022-8.3")
        shown = text(clause.text)
        assert "给予技术输出方5%的补助,单个科技成果最高补助20万元。" in shown
        assert "技术合同成交实际到账技术交易额（元，以转账凭证为依据）（元）" in shown
        assert "在线申报" not in shown, "applying needs an enterprise's sign-in"
        assert visitor.get("/policies/no-such-1").status_code == 404


def test_the_public_calculator_gives_the_amount_with_steps_and_the_cap_and_puts_errors_beside_the_fields(system):
    with system.browser() as visitor:
        form = visitor.get("/calculator/ckf2022-8.3")
        assert form.status_code == 200 and 'id="receipts_yuan-unit">元</span>' in form.text
        answer = visitor.post("/calculator/ckf2022-8.3", data={"csrf_token": CSRF_TOKEN, **FORM_8_3})
        assert answer.status_code == 200, text(answer.text)[:2000]
        shown = text(answer.text)
        assert re.search(r'id="result-amount">200,000.00元<', answer.text)
        assert "已按“单个科技成果最高补助20万元”封顶" in shown and "长科发〔2022〕5号 第8.3条" in shown
        assert "250000.00" in shown, "the step before the cap"

        wrong = visitor.post("/calculator/ckf2022-8.3", data={"csrf_token": CSRF_TOKEN, **FORM_8_3, "receipts_yuan": "五百万",
                                                            "year": "1999"})
        assert wrong.status_code == 422
        assert field_error(wrong.text, "receipts_yuan").startswith("请填写数字")
        assert 'id="receipts_yuan" name="receipts_yuan" value="五百万"' in wrong.text, "what was typed is kept"
        below = visitor.post("/calculator/ckf2022-8.3", data={"csrf_token": CSRF_TOKEN, **FORM_8_3, "year": "1999"})
        assert below.status_code == 422 and field_error(below.text, "year") == "应不小于2000", "the service's reason, beside it"
        not_eligible = {k: v for k, v in FORM_8_3.items() if k != "ownership_clear"}
        refused = visitor.post("/calculator/ckf2022-8.3", data={"csrf_token": CSRF_TOKEN, **not_eligible})
        assert refused.status_code == 422 and "权属" in text(refused.text)
        assert visitor.post("/calculator/ckf2022-8.3", data=FORM_8_3).status_code == 403, "no CSRF token, no answer"


def test_an_oversized_form_is_refused_with_a_chinese_page_not_json(system):
    with system.browser() as visitor:
        refused = visitor.post("/calculator/ckf2022-8.3", content=b"x" * (2 * 1024 * 1024),
                               headers={"content-type": "application/x-www-form-urlencoded"})
    assert refused.status_code == 413 and refused.headers["content-type"].startswith("text/html"), refused.text[:200]
    assert "提交的内容过大" in refused.text and "没有保存任何内容" in refused.text


def test_the_application_form_comes_from_the_clauses_facts_schema_with_labels_units_help_and_required_marks(system, enterprise):
    with system.browser(enterprise) as browser:
        page = browser.get("/enterprise/applications/new", params={"clause_id": "jgx2024-9.2.1"})
        assert page.status_code == 200
        shown = text(page.text)
        assert "申请阶段" in shown and "完成部分投资且投产" in shown, "a choice with its Chinese labels"
        assert 'id="completed_fai_yuan-unit">元<' in page.text and 'id="year-unit">年<' in page.text
        assert "第一阶段奖励所依据的已完成固定资产投资额（元）" in shown and "申请第二阶段时必填" in shown, "help text"
        assert re.search(r'<label for="project_id">[^<]*<span class="required">（必填）</span>', page.text)
        assert 'name="entity_id"' not in page.text, "the applicant is the signed-in enterprise"
        assert 'type="file" id="materials" name="materials" multiple' in page.text
        assert re.search(r'<form method="post" action="/enterprise/applications/new" enctype="multipart/form-data"[^>]*data-submit-once',
                         page.text)
    with system.browser("center-officer-1") as official:
        assert official.get("/enterprise/applications").status_code == 403


def test_preview_and_refusals_come_back_beside_the_fields_and_the_form_is_kept_as_a_draft_with_its_files(system, enterprise):
    with system.browser(enterprise) as browser:
        preview = apply_form(system, browser, FORM_8_3, "preview", files=[("技术合同.pdf", PDF)])
        assert preview.status_code == 200, text(preview.text)[:2000]
        assert re.search(r'id="preview-amount">200,000.00元<', preview.text)
        submission_id = hidden(preview.text, "submission_id")
        assert "技术合同.pdf" in preview.text, "the file is kept with the draft"

        not_a_pdf = apply_form(system, browser, FORM_8_3, "submit", submission_id=submission_id, files=[("说明.txt", b"plain text")])
        assert not_a_pdf.status_code == 422 and "不是 PDF、PNG 或 JPEG 文件" in field_error(not_a_pdf.text, "materials")
        refused = apply_form(system, browser, {**FORM_8_3, "year": "1999"}, "submit", submission_id=submission_id)
        assert refused.status_code == 422 and field_error(refused.text, "year") == "应不小于2000", "intake's reason, beside it"
        assert "技术合同.pdf" in refused.text
        assert system.client("intake", "enterprise", enterprise, region="140400").get("/applications").json() == []

        saved = apply_form(system, browser, {**FORM_8_3, "project_id": "HT-DRAFT"}, "draft", submission_id=submission_id)
        assert saved.status_code == 303 and saved.headers["location"] == "/enterprise/applications?done=saved"
        listing = browser.get(saved.headers["location"])
        assert "草稿已保存" in text(listing.text) and f"/enterprise/drafts/{submission_id}" in listing.text
        reopened = browser.get(f"/enterprise/drafts/{submission_id}")
        assert 'value="HT-DRAFT"' in reopened.text and "技术合同.pdf" in reopened.text
    with system.browser(system.pool.pop()) as another, system.browser() as visitor:
        assert another.get(f"/enterprise/drafts/{submission_id}").status_code == 404, "only its own enterprise opens a draft"
        assert visitor.get(f"/enterprise/drafts/{submission_id}").status_code == 303, "sign-in first"


def test_the_same_form_sent_twice_at_once_is_one_application_with_its_materials(system, enterprise):
    with system.browser(enterprise) as browser:
        first = apply_form(system, browser, FORM_8_3, "preview", files=[("技术合同.pdf", PDF)])
        submission_id = hidden(first.text, "submission_id")
        answers: list = []

        def send() -> None:
            with system.browser(enterprise) as again:
                answers.append(apply_form(system, again, FORM_8_3, "submit", submission_id=submission_id,
                                          files=[("技术合同.pdf", PDF)]))

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [a.status_code for a in answers] == [303, 303], [text(a.text)[:500] for a in answers]
        assert len({a.headers["location"] for a in answers}) == 1
        applications = system.client("intake", "enterprise", enterprise, region="140400").get("/applications").json()
        assert len(applications) == 1 and [m["filename"] for m in applications[0]["materials"]] == ["技术合同.pdf"]
        later = apply_form(system, browser, FORM_8_3, "submit", submission_id=submission_id)
        assert later.status_code == 303 and later.headers["location"].startswith(f"/enterprise/applications/{applications[0]['id']}")
        assert "/enterprise/drafts/" not in browser.get("/enterprise/applications").text, "a sent draft is no longer a draft"


def test_my_applications_show_the_department_and_working_days_left_then_the_supplement_and_its_answer(system, enterprise):
    with system.browser(enterprise) as browser:
        sent = apply_form(system, browser, FORM_8_3, "submit")
        application_id = sent.headers["location"].split("/")[-1].split("?")[0]
        assert "申请已提交" in text(browser.get(sent.headers["location"]).text)
        with system.client("review", "workflow", "duixian", subject="duixian-worker") as worker:
            task = worker.post("/internal/tasks", json={
                "case_id": application_id, "kind": "case_review", "title": "技术合同登记审核", "clause_id": "ckf2022-8.3",
                "assignee_role": "competent_department", "assignee_org": CENTER, "facts": tech_transfer_facts(),
                "due_working_days": 10}).json()
        # The page reads the status and the timeline in two requests: the event may land between them, so wait for both.
        row = eventually(lambda: (t := text(browser.get("/enterprise/applications").text)) and "引进国外智力" in t
                         and "审核中" in t and t, what="the department and 审核中 on 我的申报")
        assert re.search(r"长治市引进国外智力（专家）服务中心：剩余 \d+ 个工作日（截止\d{4}年\d+月\d+日）", row), row

        with system.client("review", "competent_department", CENTER, region="140400", subject="center-officer-1") as center:
            asked = center.post(f"/tasks/{task['task_id']}/decision", json={
                "decision": "supplement", "reason": "技术合同登记材料不全", "missing_items": ["技术合同登记证明"]})
            assert asked.status_code == 201, asked.text
        page = eventually(lambda: (p := browser.get(f"/enterprise/applications/{application_id}").text) and "补正要求" in p and p,
                          what="the supplement request on the page")
        assert "技术合同登记材料不全" in text(page) and '<ul id="missing-items"><li>技术合同登记证明</li></ul>' in page
        assert "本单位（待补正）" in text(page)

        answer = {"csrf_token": CSRF_TOKEN, "submission_id": hidden(page, "submission_id"), **FORM_8_3}
        empty = browser.post(f"/enterprise/applications/{application_id}/supplements", data=answer)
        assert empty.status_code == 422 and field_error(empty.text, "note") == "请写明补正情况（所补材料、更正事项）"
        done = browser.post(f"/enterprise/applications/{application_id}/supplements", data={**answer, "note": "补交技术合同登记证明"},
                            files=[("materials", ("登记证明.pdf", PDF, "application/pdf"))])
        assert done.status_code == 303 and done.headers["location"].endswith("?done=answered")
        shown = eventually(lambda: (t := text(browser.get(f"/enterprise/applications/{application_id}").text))
                           and "提交补正材料：补交技术合同登记证明" in t and t, what="the answer on the history")
        assert "补正要求" not in shown and "登记证明.pdf" in shown


def test_the_amount_fixed_and_each_paid_stage_show_on_the_application(system, enterprise):
    with system.browser(enterprise) as browser:
        sent = apply_form(system, browser, FORM_8_3, "submit")
        application_id = sent.headers["location"].split("/")[-1].split("?")[0]
        with system.client("review", "workflow", "duixian", subject="duixian-worker") as worker:
            task = worker.post("/internal/tasks", json={
                "case_id": application_id, "kind": "case_determination", "title": "核定补助金额", "clause_id": "ckf2022-8.3",
                "assignee_role": "competent_department", "assignee_org": "140400.city_science_bureau",
                "facts": {**tech_transfer_facts(), "entity_id": enterprise}}).json()
        with system.client("review", "competent_department", "140400.city_science_bureau", region="140400",
                           subject="science-officer-1") as science:
            decided = science.post(f"/tasks/{task['task_id']}/decision", json={"decision": "approve", "reason": "同意"}).json()
        with system.client("payout", "workflow", "duixian", subject="duixian-worker") as worker:
            opened = worker.post("/internal/payout-plans", json={
                "case_id": application_id, "determination": decided["determination"],
                "recipient": {"uscc": enterprise, "name": "长治测试企业", "kind": "enterprise", "region": "140400"}})
            assert opened.status_code == 201, opened.text
        stage = eventually(lambda: [s for s in system.client("payout", "auditor", "audit").get("/payout-stages").json()
                                    if s["case_id"] == application_id], what="the stage")[0]
        org, region = "140400.city_finance_bureau", "140400"
        with system.client("payout", "city_finance_bureau", org, region=region, subject="zhang") as preparer, \
                system.client("payout", "city_finance_bureau", org, region=region, subject="li") as approver:
            assert preparer.post(f"/payout-stages/{stage['id']}/preparation").status_code == 201
            assert approver.post(f"/payout-stages/{stage['id']}/approval").status_code == 201
            assert preparer.post(f"/payout-stages/{stage['id']}/disbursement", json={
                "bank_reference": "ICBC-TEST-1", "disbursed_on": "2026-03-02"}).status_code == 201
        page = eventually(lambda: (p := browser.get(f"/enterprise/applications/{application_id}").text) and "已全部拨付" in p and p,
                          what="the payment on the page")
        shown = text(page)
        assert re.search(r'id="determination-1-amount">200,000.00元<', page)
        assert "已按“单个科技成果最高补助20万元”封顶" in shown
        assert "第1期 200,000.00元 已拨付 2026年3月2日" in shown and re.search(r'id="paid-total">200,000.00元<', page)


def test_the_portal_counts_working_days_on_the_year_schedules_loaded_at_review(system):
    system.state.calendar.cache_seconds = 0
    makeup = dt.date(2027, 1, 9)  # a Saturday the test schedule makes a working day
    with pytest.raises(CalendarUnavailable):
        system.state.calendar.is_working_day(makeup)  # 2027 is in no calendar yet: not guessed
    schedule = YearSchedule.from_file(SCHEDULE_2027).model_dump(mode="json")
    with system.client("review", "admin", "ops", subject="admin-1") as admin:
        assert admin.post("/admin/calendar-schedules", json=schedule).status_code == 201
    assert system.state.calendar.is_working_day(makeup) is True
    assert system.state.calendar.is_working_day(dt.date(2027, 1, 1)) is False


def test_a_nomination_is_pre_checked_then_submitted_with_its_materials_and_followed(system, enterprise):
    now = dt.datetime.now(dt.UTC)
    with system.client("intake", "province_chain_office", "140000.province_chain_office", region="140000") as office:
        opened = office.post("/selection/rounds", json={
            "year": 2026, "kind": "chain_leader", "chain_ids": ["sx_photovoltaic"],
            "nomination_opens_at": (now - dt.timedelta(minutes=1)).isoformat(),
            "nomination_closes_at": (now + dt.timedelta(hours=1)).isoformat()})
        assert opened.status_code == 201, opened.text
    round_id = opened.json()["id"]
    with system.browser(enterprise) as browser:
        home = browser.get("/enterprise/selection")
        assert f"/enterprise/selection/rounds/{round_id}/nomination" in home.text
        form = browser.get(f"/enterprise/selection/rounds/{round_id}/nomination")
        facts = {"chain_category": "emerging", "main_revenue_yuan": "800,000,000", "provincial_market_rank": "2"}
        data = {"csrf_token": CSRF_TOKEN, "submission_id": hidden(form.text, "submission_id"), "chain_id": "sx_photovoltaic", **facts}
        checked = browser.post(f"/enterprise/selection/rounds/{round_id}/nomination", data={**data, "action": "precheck"})
        assert checked.status_code == 200 and 'id="precheck-overall">' in checked.text
        assert "上一年度主营业务收入" in text(checked.text) and "符合" in text(checked.text)
        wrong = browser.post(f"/enterprise/selection/rounds/{round_id}/nomination",
                             data={**data, "main_revenue_yuan": "八亿", "action": "precheck"})
        assert wrong.status_code == 422 and field_error(wrong.text, "main_revenue_yuan").startswith("请填写数字")
        sent = browser.post(f"/enterprise/selection/rounds/{round_id}/nomination", data={**data, "action": "submit"},
                            files=[("materials", ("营业执照.pdf", PDF, "application/pdf"))])
        assert sent.status_code == 303, text(sent.text)[:1500]
        page = text(browser.get(sent.headers["location"]).text)
        assert "自荐已提交" in page and "长治市工信局" in page and "营业执照.pdf" in page
        assert "已自荐, 待市级遴选推荐" in page

        # The office asks for a supplement at the completeness check; the enterprise answers with a file.
        candidacy_id = sent.headers["location"].split("/")[-1].split("?")[0]
        office = "140000.province_chain_office"
        with system.client("review", "workflow", "duixian", subject="duixian-worker") as worker:
            task = worker.post("/internal/tasks", json={"case_id": candidacy_id, "kind": "completeness_check",
                                                        "title": "完整性核查", "assignee_role": "province_chain_office",
                                                        "assignee_org": office}).json()
        with system.client("review", "province_chain_office", office, region="140000", subject="office-1") as checker:
            asked = checker.post(f"/tasks/{task['task_id']}/decision", json={
                "decision": "supplement", "reason": "缺审计报告", "missing_items": ["近三年审计报告"]})
            assert asked.status_code == 201, asked.text
        location = f"/enterprise/selection/candidacies/{candidacy_id}"
        asked_page = eventually(lambda: (p := browser.get(location).text) and "补正要求" in p and p, what="the 补正 request")
        assert '<ul id="missing-items"><li>近三年审计报告</li></ul>' in asked_page and "山西省链长办" in text(asked_page)
        answer = {"csrf_token": CSRF_TOKEN, "submission_id": hidden(asked_page, "submission_id"), **facts}
        nothing = browser.post(f"{location}/resubmission", data=answer)
        assert nothing.status_code == 422 and field_error(nothing.text, "materials") == "请上传所缺材料，或更正申报事实"
        answered = browser.post(f"{location}/resubmission", data=answer,
                                files=[("materials", ("审计报告.pdf", PDF, "application/pdf"))])
        assert answered.status_code == 303 and answered.headers["location"].endswith("?done=resubmitted")
        shown = text(browser.get(answered.headers["location"]).text)
        assert "已补正" in shown and "审计报告.pdf" in shown and "补正要求" not in shown


def test_a_referral_project_is_registered_and_its_progress_reported(system, enterprise):
    investee = "91140400MA0XYZ1234"  # Z is no USCC character
    with system.browser(enterprise) as browser:
        page = browser.get("/enterprise/referrals")
        data = {"csrf_token": CSRF_TOKEN, "submission_id": hidden(page.text, "submission_id"), "investee_name": "长治引进示例有限公司",
                "investee_uscc": investee, "investee_region": "140400", "project_code": "2026-140400-01", "project_name": "光伏组件项目",
                "chain_id": "", "planned_fai_yuan": "20,000,000"}
        small = browser.post("/enterprise/referrals", data=data)
        assert small.status_code == 422 and "3000万" in (field_error(small.text, "planned_fai_yuan") or text(small.text))
        wrong = browser.post("/enterprise/referrals", data={**data, "planned_fai_yuan": "50,000,000"})
        assert wrong.status_code == 422 and field_error(wrong.text, "investee_uscc") == "统一社会信用代码含非法字符: Z"
        sent = browser.post("/enterprise/referrals", data={**data, "planned_fai_yuan": "50,000,000", "investee_uscc": make_uscc()})
        assert sent.status_code == 303, text(sent.text)[:1500]
        project = browser.get(sent.headers["location"])
        assert "引荐项目已登记" in text(project.text) and "50,000,000.00元" in text(project.text)
        report = {"csrf_token": CSRF_TOKEN, "submission_id": hidden(project.text, "submission_id"),
                  "completed_fai_yuan": "30,000,000", "in_production": "true", "as_of": "2026-06-30", "note": "一期投产"}
        reported = browser.post(sent.headers["location"].split("?")[0] + "/progress", data=report)
        assert reported.status_code == 303, text(reported.text)[:1500]
        shown = text(browser.get(reported.headers["location"]).text)
        assert "2026年6月30日 30,000,000.00元 部分完成 已投产" in shown
