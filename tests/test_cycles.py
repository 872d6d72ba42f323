"""Update cycles, by hand-computed cases at fixed dates and by invariants.

Each case names the rule of "Update cycles" in docs/design.md it proves.
"""

import datetime as dt

from gongkai.config import Category
from gongkai.cycles import SEVERITY, section_status
from gongkai.notices import Notice
from gongkai.periods import parse_period
from hypothesis import given, settings
from hypothesis import strategies as st

D = dt.date.fromisoformat
MONTHLY = Category("finance", "财务公开", "monthly", grace_days=10)
QUARTERLY = Category("subsidies", "惠农补贴", "quarterly", grace_days=15)
EVENT = Category("major-matters", "重大事项", "event", max_interval_days=92)
REVIEW = Category("service-guides", "办事指南", "review", review_days=365)
START = D("2026-01-01")


def notice(date, period=None, status="published", reviewed=None, category="finance"):
    return Notice(path=f"{date}-{period}.md", slug=f"{date}-{period}", title="t", board="nanwan",
                  category=category, date=D(date), body="", body_line=1,
                  period=parse_period(period) if period else None, status=status,
                  reviewed=D(reviewed) if reviewed else None)


def months(*numbers, year=2026, published="{y}-{m:02d}-05"):
    """Monthly notices, each published on the 5th of the following month."""
    result = []
    for m in numbers:
        y, nm = (year, m + 1) if m < 12 else (year + 1, 1)
        result.append(notice(published.format(y=y, m=nm), f"{year}-{m:02d}"))
    return result


def status(category, notices, today, start=START):
    return section_status("nanwan", category, notices, D(today), start)


def test_deadline_day_itself_is_due():
    s = status(MONTHLY, months(*range(1, 10)), "2026-11-10")
    assert (s.status, s.next_deadline, s.days_overdue, s.missing_periods) == ("due", D("2026-11-10"), 0, ())
    assert str(s.next_period) == "2026-10"


def test_day_after_deadline_is_overdue():
    s = status(MONTHLY, months(*range(1, 10)), "2026-11-11")
    assert (s.status, s.days_overdue, [str(p) for p in s.missing_periods]) == ("overdue", 1, ["2026-10"])
    assert s.as_dict()["next_deadline"] == "2026-11-10"


def test_period_ends_the_day_after_its_last_day():
    # On 31 October, October has not ended: nothing is owed yet.
    s = status(MONTHLY, months(*range(1, 10)), "2026-10-31")
    assert (s.status, s.next_deadline) == ("current", D("2026-11-10"))
    s = status(MONTHLY, months(*range(1, 10)), "2026-11-01")
    assert s.status == "due"


def test_quarterly_notice_covers_three_months_of_a_monthly_section():
    notices = [notice("2026-04-08", "2026-Q1"), notice("2026-07-08", "2026-Q2"), notice("2026-10-08", "2026-Q3")]
    s = status(MONTHLY, notices, "2026-10-20")
    assert (s.status, s.next_deadline, str(s.latest_period)) == ("current", D("2026-11-10"), "2026-Q3")


def test_gap_in_the_middle_is_overdue_even_when_later_months_are_covered():
    notices = months(1, 2, 3, 4, 6, 7, 8, 9)
    s = status(MONTHLY, notices, "2026-10-05")
    assert s.status == "overdue"
    assert [str(p) for p in s.missing_periods] == ["2026-05"]
    assert s.next_deadline == D("2026-06-10")
    assert s.days_overdue == (D("2026-10-05") - D("2026-06-10")).days == 117


def test_all_missing_periods_oldest_first_and_days_from_earliest():
    s = status(QUARTERLY, [notice("2026-07-10", "2026-Q2")], "2026-11-22")
    assert [str(p) for p in s.missing_periods] == ["2026-Q1", "2026-Q3"]
    assert s.next_deadline == D("2026-04-15")
    assert s.days_overdue == (D("2026-11-22") - D("2026-04-15")).days


def test_drafts_withdrawn_and_future_notices_never_count():
    base = months(*range(1, 10))
    for extra in (notice("2026-11-05", "2026-10", status="draft"),
                  notice("2026-11-05", "2026-10", status="withdrawn"),
                  notice("2026-11-12", "2026-10")):
        s = status(MONTHLY, [*base, extra], "2026-11-11")
        assert (s.status, s.days_overdue) == ("overdue", 1), extra
        assert s.latest_date == D("2026-10-05")


def test_nothing_before_start_is_owed():
    s = status(MONTHLY, months(7, 8, 9), "2026-10-05", start=D("2026-07-01"))
    assert (s.status, s.next_deadline) == ("current", D("2026-11-10"))
    s = status(MONTHLY, months(7, 8, 9), "2026-10-05", start=D("2026-06-15"))
    assert [str(p) for p in s.missing_periods] == ["2026-06"]  # June ends after the start


def test_new_section_owes_its_first_period_only_after_it_ends():
    s = status(MONTHLY, [], "2026-01-05")
    assert (s.status, s.next_deadline, s.latest_period, s.latest_date) == ("current", D("2026-02-10"), None, None)


def test_current_section_points_to_the_coming_deadline_even_if_published_early():
    notices = [*months(*range(1, 10)), notice("2026-10-31", "2026-10")]
    s = status(MONTHLY, notices, "2026-10-31")
    assert (s.status, s.next_deadline) == ("current", D("2026-12-10"))


def test_latest_period_is_the_one_ending_last_not_the_newest_date():
    notices = [notice("2026-10-08", "2026-Q3"), notice("2026-10-20", "2026-Q1")]
    s = status(QUARTERLY, notices, "2026-10-21")
    assert (str(s.latest_period), s.latest_date) == ("2026-Q3", D("2026-10-20"))


def test_event_section_overdue_after_max_interval():
    notices = [notice("2026-08-01", category="major-matters")]
    on_time = status(EVENT, notices, "2026-11-01")
    assert (on_time.status, on_time.next_deadline) == ("current", D("2026-11-01"))
    late = status(EVENT, notices, "2026-11-02")
    assert (late.status, late.days_overdue, late.missing_periods) == ("overdue", 1, ())


def test_event_section_without_notices_counts_from_start():
    s = status(EVENT, [], "2026-04-04")
    assert (s.status, s.next_deadline, s.days_overdue) == ("overdue", D("2026-04-03"), 1)


def test_event_section_without_max_interval_is_never_overdue():
    s = status(Category("x", "随时", "event"), [], "2030-01-01")
    assert (s.status, s.next_deadline) == ("current", None)


def test_review_section_overdue_when_any_guide_is_stale():
    guides = [notice("2025-06-01", reviewed="2025-11-01", category="service-guides"),
              notice("2026-03-01", category="service-guides")]
    s = status(REVIEW, guides, "2026-11-01")
    assert (s.status, s.next_deadline) == ("current", D("2026-11-01"))
    s = status(REVIEW, guides, "2026-11-02")
    assert (s.status, s.days_overdue) == ("overdue", 1)


def test_review_uses_date_when_never_reviewed():
    s = status(REVIEW, [notice("2025-01-10", category="service-guides")], "2026-01-11")
    assert (s.status, s.next_deadline, s.days_overdue) == ("overdue", D("2026-01-10"), 1)


def test_optional_section_is_never_late():
    optional = Category("x", "其他", "monthly", required=False)
    assert status(optional, [], "2030-01-01").status == "current"


def test_json_shape_matches_the_contract():
    s = status(MONTHLY, months(*range(1, 9)), "2026-11-22")
    assert s.as_dict() == {
        "board": "nanwan", "category": "finance", "cycle": "monthly", "status": "overdue",
        "latest_period": "2026-08", "latest_date": "2026-09-05", "next_deadline": "2026-10-10",
        "days_overdue": 43, "missing_periods": ["2026-09", "2026-10"],
    }


# -- invariants --------------------------------------------------------------

periods = st.sampled_from([f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
                          + ["2025-Q1", "2025-Q3", "2026-Q2", "2025-H2", "2026-H1", "2025"])
days = st.dates(min_value=D("2025-01-01"), max_value=D("2026-06-30"))
notices_st = st.lists(st.tuples(days, periods), max_size=12)
categories = st.sampled_from([MONTHLY, QUARTERLY, Category("h", "半年", "half-yearly", grace_days=20),
                              Category("y", "年度", "yearly", grace_days=31), EVENT])


def build(items, category):
    return [notice(d.isoformat(), None if category.cycle == "event" else p) for d, p in items]


@settings(max_examples=300, deadline=None)
@given(notices_st, st.tuples(days, periods), categories, st.dates(D("2026-07-01"), D("2027-12-31")))
def test_adding_a_notice_never_makes_a_section_worse(items, extra, category, today):
    before = status(category, build(items, category), today.isoformat(), start=D("2025-01-01"))
    after = status(category, build([*items, extra], category), today.isoformat(), start=D("2025-01-01"))
    assert SEVERITY[after.status] <= SEVERITY[before.status]
    assert after.days_overdue <= before.days_overdue
    assert len(after.missing_periods) <= len(before.missing_periods)


@settings(max_examples=300, deadline=None)
@given(notices_st, categories, st.dates(D("2026-07-01"), D("2027-12-31")), st.integers(0, 400))
def test_moving_today_forward_never_makes_a_section_better(items, category, today, forward):
    notices = build(items, category)  # all dated before the earliest today
    earlier = status(category, notices, today.isoformat(), start=D("2025-01-01"))
    later = status(category, notices, (today + dt.timedelta(days=forward)).isoformat(), start=D("2025-01-01"))
    assert SEVERITY[later.status] >= SEVERITY[earlier.status]
    assert later.days_overdue >= earlier.days_overdue
