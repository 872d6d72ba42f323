"""The 20-working-day rule on China's official calendar (调休 included)."""

import datetime as dt

from conftest import run_gongkai
from gongkai.workdays import is_workday, workdays_between

D = dt.date.fromisoformat
MAJOR = "---\ntitle: {t}\nboard: township\ncategory: major-matters\ndate: {d}\nformed: {f}\n---\n"


def test_national_day_week_and_adjusted_weekends_2026():
    assert is_workday(D("2026-09-20"))  # Sunday, worked for National Day
    assert is_workday(D("2026-10-10"))  # Saturday, worked
    assert not any(is_workday(D(f"2026-10-0{d}")) for d in range(1, 8))


def test_formed_to_published_counts_official_days_not_weekdays():
    assert workdays_between(D("2026-09-18"), D("2026-10-20")) == 18
    weekdays = sum(1 for i in range(1, 33) if (D("2026-09-18") + dt.timedelta(days=i)).weekday() < 5)
    assert weekdays == 22


def test_late_only_after_twenty_working_days(minimal):
    minimal.write("township/major-matters/a.md", MAJOR.format(t="十八个工作日", d="2026-10-20", f="2026-09-18"))
    minimal.write("township/major-matters/b.md", MAJOR.format(t="二十个工作日", d="2026-10-22", f="2026-09-18"))
    minimal.write("township/major-matters/c.md", MAJOR.format(t="二十一个工作日", d="2026-10-23", f="2026-09-18"))
    problems = minimal.check_json()["problems"]
    late = [(p["file"], p["line"]) for p in problems if p["code"] == "late"]
    assert late == [("content/township/major-matters/c.md", 5)]
    assert "21 个工作日" in next(p["message"] for p in problems if p["code"] == "late")


def test_year_without_official_data_warns_once_and_counts_weekdays(minimal):
    minimal.write("township/major-matters/d.md", MAJOR.format(t="跨年", d="2027-02-26", f="2027-01-04"))
    minimal.write("township/major-matters/e.md", MAJOR.format(t="跨年二", d="2027-03-01", f="2027-01-05"))
    problems = minimal.check_json(today="2027-03-05")["problems"]
    calendar = [p for p in problems if p["code"] == "calendar"]
    assert len(calendar) == 1 and "2027" in calendar[0]["message"] and "GONGKAI_HOLIDAYS" in calendar[0]["message"]
    assert {p["file"] for p in problems if p["code"] == "late"} == {"content/township/major-matters/d.md",
                                                                    "content/township/major-matters/e.md"}


def test_township_can_enter_next_years_schedule(minimal):
    conf = minimal.root / "pelicanconf.py"
    holidays = [f"2027-02-{d:02d}" for d in range(6, 15)]  # a Spring Festival week entered by hand
    conf.write_text(conf.read_text(encoding="utf-8") + f"\nGONGKAI_HOLIDAYS = {holidays!r}\n"
                    "GONGKAI_WORKDAYS = ['2027-02-20']\n", encoding="utf-8")
    minimal.write("township/major-matters/f.md", MAJOR.format(t="春节后", d="2027-02-26", f="2027-01-25"))
    problems = minimal.check_json(today="2027-03-05")["problems"]
    # Exactly 20 working days with the entered schedule (25 weekdays without it); the settings' own
    # warning (this test site has no SITEURL) is not about the notice.
    assert [p["code"] for p in problems if p["file"].startswith("content/")] == []
    result = run_gongkai("check", cwd=minimal.root, today="2027-03-05")
    assert result.returncode == 0
