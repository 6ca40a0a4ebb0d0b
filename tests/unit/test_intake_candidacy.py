"""A candidacy's rules at intake (services/intake/domain/candidacy.py, seed 004 §10.3)."""
from __future__ import annotations

from datetime import UTC, datetime

from services.intake.domain.candidacy import follows, nomination_window_refusal

OPENS = datetime(2025, 9, 1, 0, 0, tzinfo=UTC)
CLOSES = datetime(2025, 9, 30, 16, 0, tzinfo=UTC)  # 2025-10-01 00:00 in Beijing


def test_a_removed_or_published_candidacy_stays_so_and_keep_names_statuses_an_event_leaves_alone():
    assert follows("nominated", "recommended") == "recommended"
    assert follows("published", "removed") == "published" and follows("removed", "in_publicity") == "removed"
    assert follows("resubmitted", "recommended", keep=("resubmitted",)) == "resubmitted"


def test_nominations_are_refused_before_the_window_and_from_its_close_in_beijing_time():
    assert nomination_window_refusal(datetime(2025, 9, 15, tzinfo=UTC), OPENS, CLOSES) is None
    assert nomination_window_refusal(CLOSES, OPENS, CLOSES) == "自荐已于 2025-10-01 00:00（北京时间）截止"
    assert nomination_window_refusal(datetime(2025, 8, 31, 15, 59, tzinfo=UTC), OPENS, CLOSES) == \
        "自荐将于 2025-09-01 08:00（北京时间）开始"
