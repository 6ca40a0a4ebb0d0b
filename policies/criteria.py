"""Selection criteria for chain leaders and chain cores, and the chain-member inclusion rule
(晋政办发〔2023〕44号, seed 004 §10.1–10.2).

Each criterion is met / not_met / needs_review, with a Chinese reason citing the threshold.
Qualitative parts (市场份额高、资源整合能力、社会责任感 …) are left to the expert panel; a
criterion whose facts were not declared is needs_review. Meeting the criteria is not selection:
the five-step procedure (自主参与 → 遴选推荐 → 专家评审 → 链长审定 → 公示发布) decides.

Thresholds depend on the chain's category (established / emerging). The seeds do not give the
category of Changzhi's chains, so it must be recorded on the chain or passed explicitly;
otherwise evaluation stops with ChainCategoryUnknown.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from policies.catalogue.models import Citation
from policies.errors import ChainCategoryUnknown, FactsInvalid
from policies.money import Yuan, format_yuan, to_fen, yuan_zh
from policies.registry import CHAIN_CATEGORY_ZH, Chain, ChainCategory
from policies.text import Text
from policies.validation import problems_from

Status = Literal["met", "not_met", "needs_review"]
Kind = Literal["chain_leader", "chain_core"]
CoreType = Literal["core_supplier", "potential_leader"]

DOCUMENT_NUMBER = "晋政办发〔2023〕44号"
DOCUMENT_TITLE = "山西省人民政府办公厅关于印发山西省重点产业链“链主”企业遴选及管理办法的通知"
STATUS_ZH = {"met": "符合", "not_met": "不符合", "needs_review": "需专家评审"}
CORE_TYPE_ZH = {"core_supplier": "核心配套类", "potential_leader": "潜在链主类"}
HONOUR_ZH = {"national_little_giant": "国家级小巨人", "national_single_champion": "国家级制造业单项冠军",
             "provincial_specialised_sme": "省级专精特新", "provincial_little_giant": "省级小巨人"}

# Thresholds of 10.1 / 10.2, in yuan; "原则上不低于 / 不少于" read as ≥, "超过" as >, "以上" as ≥.
LEADER_REVENUE = {"established": Decimal(5_000_000_000), "emerging": Decimal(500_000_000)}
LEADER_PARTNERS = {"established": 15, "emerging": 5}
CORE_REVENUE = {"established": Decimal(500_000_000), "emerging": Decimal(50_000_000)}
CORE_SUPPLIER_TRADE = Decimal(10_000_000)
POTENTIAL_LEADER_TRADE = Decimal(20_000_000)
POTENTIAL_LEADER_PARTNERS = 5
MEMBER_LEADER_TRADE = Decimal(1_000_000)
MEMBER_CHAIN_TRADE = Decimal(2_000_000)
MEMBER_CHAIN_PARTNERS = 5
NATIONAL_RANK, PROVINCIAL_RANK = 15, 5


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entity_id: Text | None = Field(default=None, title="企业标识（统一社会信用代码）")
    chain_id: Text | None = Field(default=None, title="所属产业链")
    chain_category: ChainCategory | None = Field(default=None, title="产业链类别（未登记时须给出）",
                                                 json_schema_extra={"labels_zh": dict(CHAIN_CATEGORY_ZH)})


class Platform(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text = Field(min_length=1, title="平台名称")
    level: Literal["national", "provincial", "city", "other"] = Field(
        title="级别", json_schema_extra={"labels_zh": {"national": "国家级", "provincial": "省级", "city": "市级", "other": "其他"}})


class Counterparty(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enterprise_id: Text = Field(min_length=1, title="同链条链上企业标识")
    trade_yuan: Yuan = Field(title="年度产品交易额（元）")


class LeaderFacts(_Facts):
    main_revenue_yuan: Yuan = Field(title="上一年度主营业务收入（元）")
    national_market_rank: StrictInt | None = Field(default=None, ge=1, title="主导产品国内市场占有率排名")
    provincial_market_rank: StrictInt | None = Field(default=None, ge=1, title="主导产品省内市场占有率排名")
    innovation_platforms: list[Platform] | None = Field(default=None, title="认定的创新研发平台")
    collaborating_enterprise_count: StrictInt | None = Field(default=None, ge=0, title="产业链上下游协作配套企业数")
    has_leadership_plan: StrictBool | None = Field(default=None, title="已制定“链主”企业带动产业链发展方案")
    commits_to_guidelines: StrictBool | None = Field(default=None, title="承诺按照“链主”行动指南承担任务")
    has_leading_talent: StrictBool | None = Field(default=None, title="拥有国家级、省级高层次领军人才或团队（优先考虑）")


class CoreFacts(_Facts):
    core_type: CoreType = Field(title="“链核”类型：core_supplier=核心配套类；potential_leader=潜在链主类",
                                json_schema_extra={"labels_zh": dict(CORE_TYPE_ZH)})
    main_revenue_yuan: Yuan = Field(title="上一年度主营业务收入（元）")
    trade_with_leader_yuan: Yuan | None = Field(default=None, title="与所属产业链“链主”企业年度产品交易额（元）")
    chain_enterprise_trades: list[Counterparty] | None = Field(default=None, title="与同链条链上其他企业的年度产品交易额")
    masters_key_technology: StrictBool | None = Field(default=None, title="掌握产业链关键技术或具有核心基础产品")
    honours: list[Literal["national_little_giant", "national_single_champion", "provincial_specialised_sme",
                          "provincial_little_giant"]] = Field(default=[], title="获得称号（优先考虑）",
                                                              json_schema_extra={"labels_zh": dict(HONOUR_ZH)})


class MemberFacts(_Facts):
    trade_with_leader_yuan: Yuan | None = Field(default=None, title="与“链主”企业年度协作配套产品交易额（元）")
    chain_enterprise_trades: list[Counterparty] | None = Field(default=None, title="与单条产业链链上企业的年度产品交易额")


class CriterionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    criterion: str
    title_zh: str
    status: Status
    reason_zh: str
    priority_notes: list[str] = []


class CriteriaResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["chain_leader", "chain_core", "chain_member"]
    chain_id: str | None
    category: ChainCategory | None
    core_type: CoreType | None = None
    results: list[CriterionResult]
    overall: Status
    overall_zh: str
    citation: Citation
    note_zh: str


def evaluate(kind: Kind, chain: Chain, facts: Mapping[str, Any] | BaseModel,
             category: ChainCategory | None = None) -> CriteriaResult:
    model = LeaderFacts if kind == "chain_leader" else CoreFacts
    parsed = _parse(model, facts)
    category = _category(chain, category or parsed.chain_category)
    if kind == "chain_leader":
        results = _leader(parsed, category)
        clause, core_type = "10.1", None
    else:
        results = _core(parsed, category)
        clause, core_type = "10.2", parsed.core_type
    overall = _all_of(results)
    return CriteriaResult(
        kind=kind, chain_id=chain.id, category=category, core_type=core_type, results=results,
        overall=overall, overall_zh=STATUS_ZH[overall], citation=_citation(clause),
        note_zh="申报材料层面的判定；入选须经自主参与、遴选推荐、专家评审、链长审定、公示发布程序",
    )


def chain_member_inclusion(facts: Mapping[str, Any] | BaseModel) -> CriteriaResult:
    """链上企业清单新增纳入: ≥ 100万 trade with the chain leader, or > 200万 with ≥ 5 chain enterprises."""
    parsed = _parse(MemberFacts, facts)
    results = [_member_via_leader(parsed), _member_via_chain(parsed)]
    statuses = {r.status for r in results}
    overall: Status = "met" if "met" in statuses else ("needs_review" if "needs_review" in statuses else "not_met")
    return CriteriaResult(
        kind="chain_member", chain_id=parsed.chain_id, category=None, results=results, overall=overall,
        overall_zh=STATUS_ZH[overall], citation=_citation("10.2"),
        note_zh="满足任一条件的，可由链长牵头单位推荐新增纳入重点产业链链上企业清单",
    )


def _leader(facts: LeaderFacts, category: ChainCategory) -> list[CriterionResult]:
    cat = CHAIN_CATEGORY_ZH[category]
    revenue, partners = LEADER_REVENUE[category], LEADER_PARTNERS[category]
    results = [_at_least("scale", "规模实力", facts.main_revenue_yuan, revenue,
                         f"{cat}“链主”企业上一年度主营业务收入原则上不低于{yuan_zh(to_fen(revenue))}")]
    ranks = [(facts.national_market_rank, NATIONAL_RANK, "国内"), (facts.provincial_market_rank, PROVINCIAL_RANK, "省内")]
    declared = [(r, top, where) for r, top, where in ranks if r is not None]
    rule = f"主导产品在国内市场占有率排名前{NATIONAL_RANK}或在省内市场占有率排名前{PROVINCIAL_RANK}"
    if not declared:
        results.append(_result("market_influence", "市场影响力", "needs_review", f"未申报市场占有率排名；标准：{rule}"))
    else:
        hit = [f"{where}排名第{r}" for r, top, where in declared if r <= top]
        shown = "、".join(f"{where}排名第{r}" for r, top, where in declared)
        results.append(_result("market_influence", "市场影响力", "met" if hit else "not_met",
                               f"{shown}；标准：{rule}（市场份额高低另由专家评审）"))
    platforms = facts.innovation_platforms
    rule = "拥有1个省级及以上认定的创新研发平台"
    if platforms is None:
        results.append(_result("innovation", "自主创新力", "needs_review", f"未申报创新研发平台；标准：{rule}"))
    else:
        qualified = [p.name for p in platforms if p.level in ("national", "provincial")]
        reason = (f"拥有省级及以上平台：{'、'.join(qualified)}" if qualified else "未拥有省级及以上认定的创新研发平台")
        notes = ["拥有国家级、省级高层次领军人才、团队，优先考虑"] if facts.has_leading_talent else []
        results.append(_result("innovation", "自主创新力", "met" if qualified else "not_met",
                               f"{reason}；标准：{rule}（获奖等创新成果由专家评审）", notes))
    rule = f"{cat}“链主”企业在所属产业链上下游协作配套的企业原则上不少于{partners}家"
    if facts.collaborating_enterprise_count is None:
        results.append(_result("driving_power", "产业带动力", "needs_review", f"未申报协作配套企业数；标准：{rule}"))
    else:
        count = facts.collaborating_enterprise_count
        results.append(_result("driving_power", "产业带动力", "met" if count >= partners else "not_met",
                               f"协作配套企业{count}家；标准：{rule}（资源整合、带动能力由专家评审）"))
    results.append(_willingness(facts))
    return results


def _willingness(facts: LeaderFacts) -> CriterionResult:
    parts = {"已制定“链主”企业带动产业链发展方案": facts.has_leadership_plan,
             "承诺按照“链主”行动指南承担任务": facts.commits_to_guidelines}
    missing = [k for k, v in parts.items() if v is None]
    refused = [k for k, v in parts.items() if v is False]
    if refused:
        return _result("willingness", "主体意愿度", "not_met", f"未满足：{'；'.join(refused)}")
    if missing:
        return _result("willingness", "主体意愿度", "needs_review", f"未申报：{'；'.join(missing)}")
    return _result("willingness", "主体意愿度", "met",
                   "已制定带动产业链发展方案并承诺按“链主”行动指南承担任务（社会责任感等由专家评审）")


def _core(facts: CoreFacts, category: ChainCategory) -> list[CriterionResult]:
    cat = CHAIN_CATEGORY_ZH[category]
    revenue = CORE_REVENUE[category]
    results = [_at_least("scale", "规模实力", facts.main_revenue_yuan, revenue,
                         f"{cat}“链核”企业上一年度主营业务收入原则上不低于{yuan_zh(to_fen(revenue))}")]
    if facts.core_type == "core_supplier":
        rule = f"核心配套类“链核”企业与所属产业链“链主”企业年度产品交易额超过{yuan_zh(to_fen(CORE_SUPPLIER_TRADE))}"
        trade = facts.trade_with_leader_yuan
        if trade is None:
            results.append(_result("supply_capability", "产业配套能力", "needs_review", f"未申报与“链主”交易额；标准：{rule}"))
        else:
            results.append(_result("supply_capability", "产业配套能力",
                                   "met" if trade > CORE_SUPPLIER_TRADE else "not_met",
                                   f"与“链主”年度产品交易额{format_yuan(to_fen(trade))}元；标准：{rule}"))
    else:
        results.append(_counterparties(
            "supply_capability", "产业配套能力", facts.chain_enterprise_trades, POTENTIAL_LEADER_PARTNERS,
            POTENTIAL_LEADER_TRADE,
            f"潜在链主类“链核”企业与{POTENTIAL_LEADER_PARTNERS}家以上（含）同链条链上其他企业年度产品交易额"
            f"超过{yuan_zh(to_fen(POTENTIAL_LEADER_TRADE))}"))
    notes = [f"获得“{HONOUR_ZH[h]}”称号，优先考虑" for h in facts.honours]
    rule = "掌握产业链关键技术或具有核心基础产品"
    statuses: dict[bool | None, Status] = {True: "met", False: "not_met", None: "needs_review"}
    status = statuses[facts.masters_key_technology]
    reason = {"met": f"申报{rule}（待专家评审核实）", "not_met": f"未{rule}",
              "needs_review": f"未申报；标准：{rule}"}[status]
    results.append(_result("industry_influence", "行业影响力", status, reason, notes))
    return results


def _member_via_leader(facts: MemberFacts) -> CriterionResult:
    rule = f"与“链主”企业开展协作配套的年度产品交易额在{yuan_zh(to_fen(MEMBER_LEADER_TRADE))}以上"
    trade = facts.trade_with_leader_yuan
    if trade is None:
        return _result("trade_with_leader", "与“链主”协作配套", "needs_review", f"未申报；标准：{rule}")
    return _result("trade_with_leader", "与“链主”协作配套", "met" if trade >= MEMBER_LEADER_TRADE else "not_met",
                   f"与“链主”年度产品交易额{format_yuan(to_fen(trade))}元；标准：{rule}")


def _member_via_chain(facts: MemberFacts) -> CriterionResult:
    return _counterparties(
        "trade_with_chain", "与链上企业协作配套", facts.chain_enterprise_trades, MEMBER_CHAIN_PARTNERS,
        MEMBER_CHAIN_TRADE,
        f"与单条产业链{MEMBER_CHAIN_PARTNERS}家（含）以上链上企业年度产品交易额超过{yuan_zh(to_fen(MEMBER_CHAIN_TRADE))}")


def _counterparties(criterion: str, title: str, trades: list[Counterparty] | None, partners: int,
                    floor: Decimal, rule: str) -> CriterionResult:
    """≥ `partners` distinct enterprises whose trade together exceeds `floor` (aggregate reading)."""
    if trades is None:
        return _result(criterion, title, "needs_review", f"未申报；标准：{rule}")
    ids = {t.enterprise_id for t in trades}
    if len(ids) != len(trades):
        raise FactsInvalid("chain_enterprise_trades", "同一企业重复列出")
    total = sum((t.trade_yuan for t in trades), Decimal(0))
    met = len(trades) >= partners and total > floor
    return _result(criterion, title, "met" if met else "not_met",
                   f"{len(trades)}家链上企业，年度产品交易额合计{format_yuan(to_fen(total))}元；标准：{rule}（按合计计算）")


def _at_least(criterion: str, title: str, value: Decimal, floor: Decimal, rule: str) -> CriterionResult:
    status: Status = "met" if value >= floor else "not_met"
    return _result(criterion, title, status, f"上一年度主营业务收入{format_yuan(to_fen(value))}元；标准：{rule}")


def _result(criterion: str, title: str, status: Status, reason: str, notes: list[str] | None = None) -> CriterionResult:
    return CriterionResult(criterion=criterion, title_zh=title, status=status,
                           reason_zh=f"{STATUS_ZH[status]}：{reason}", priority_notes=notes or [])


def _all_of(results: list[CriterionResult]) -> Status:
    statuses = {r.status for r in results}
    if "not_met" in statuses:
        return "not_met"
    return "needs_review" if "needs_review" in statuses else "met"


def _category(chain: Chain, given: ChainCategory | None) -> ChainCategory:
    if chain.category and given and chain.category != given:
        raise FactsInvalid("chain_category",
                           f"与登记的类别（{CHAIN_CATEGORY_ZH[chain.category]}，依据：{chain.category_source}）不一致")
    category = chain.category or given
    if category is None:
        raise ChainCategoryUnknown(chain.id, chain.name_zh)
    return category


def _parse(model: type[BaseModel], facts: Mapping[str, Any] | BaseModel) -> Any:
    if isinstance(facts, model):
        return facts
    if not isinstance(facts, Mapping):
        raise FactsInvalid("<facts>", "申报事实应为对象（字段名: 值）")
    try:
        return model.model_validate(dict(facts))
    except ValidationError as exc:
        raise FactsInvalid(problems=problems_from(exc, model)) from None


def _citation(clause: str) -> Citation:
    return Citation(document_number=DOCUMENT_NUMBER, document_title=DOCUMENT_TITLE, clause_number=clause)
