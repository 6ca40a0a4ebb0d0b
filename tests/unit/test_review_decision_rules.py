"""What a department may decide on a task (services/review/domain/task.py)."""
from __future__ import annotations

import pytest

from services.review.domain.task import DecisionRefused, check_decision, determines, same_item


@pytest.mark.parametrize(("kind", "decision", "missing", "field", "reason"), [
    ("list_gathering", "reject", [], "decision", "「名单汇总」待办只能确认 (approve)"),
    ("expert_review", "supplement", ["营业执照"], "decision", "「专家评审」待办不能要求补正"),
    ("case_review", "supplement", [], "missing_items", "要求补正时须列明所缺材料或事项"),
    ("case_review", "approve", ["营业执照"], "missing_items", "仅在要求补正时填写"),
])
def test_a_decision_the_rules_do_not_allow_names_its_field_and_reason(kind, decision, missing, field, reason):
    with pytest.raises(DecisionRefused) as refused:
        check_decision(kind, decision, missing)
    assert (refused.value.field, refused.value.reason) == (field, reason)


def test_a_supplement_with_its_missing_items_is_allowed_on_a_completeness_check_and_a_case_step():
    check_decision("completeness_check", "supplement", ["审计报告"])
    check_decision("case_determination", "supplement", ["技术合同登记证明"])


def test_only_approving_the_determining_step_fixes_an_amount_and_each_referral_phase_is_its_own_item():
    assert determines("case_determination", "approve") and not determines("case_determination", "reject")
    assert not determines("case_review", "approve")
    assert same_item({"phase": "phase_1"}, {"phase": "phase_1"}) and not same_item({"phase": "phase_2"}, {"phase": "phase_1"})
    assert same_item(None, {})
