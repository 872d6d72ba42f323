"""公示期 in official working days (``window_workdays``): a 低保 list posted before National Day.

2026: 1–7 October are holidays, Saturday 10 October is a working day. Seven working
days from Monday 28 September are 28, 29, 30 September, 8, 9, 10 October and
Monday 12 October; seven calendar days would end on 4 October, in the holiday.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Site, copy_site
from gongkai.config import Category
from gongkai.model import window
from gongkai.workdays import nth_workday

LIST = """---
title: 南湾村2026年第三季度低保对象审核结果公示
board: nanwan
category: low-income-aid
date: 2026-09-28
period: 2026-Q2
---
| 户主姓名 | 保障人数 | 月保障金额（元） |
|---|---:|---:|
| 张某某 | 2 | 760.00 |
"""


@pytest.fixture
def aid(tmp_path) -> Site:
    site = copy_site("minimal", tmp_path)
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('"privacy": True, "window_days": 7}',
                                                             '"privacy": True, "window_workdays": 7}'), encoding="utf-8")
    site.write("nanwan/low-income-aid/2026-q3.md", LIST)
    (site.root / "content" / "nanwan" / "finance" / "2026-q3.md").unlink()  # corrected on 2026-10-20, after these days
    return site


def test_seven_working_days_cross_national_day():
    assert nth_workday(dt.date(2026, 9, 28), 7) == dt.date(2026, 10, 12)
    assert nth_workday(dt.date(2026, 10, 3), 1) == dt.date(2026, 10, 8)  # posted on a holiday: from the next working day
    assert nth_workday(dt.date(2026, 10, 9), 2) == dt.date(2026, 10, 10)  # the 调休 Saturday counts


def test_the_window_is_open_until_the_seventh_working_day(aid: Site):
    category = Category("low-income-aid", "低保救助", "quarterly", window_workdays=7)

    class Posted:  # what window() reads of a notice
        date, window_until, window_days, withdrawal = dt.date(2026, 9, 28), None, None, None

    assert window(Posted, category, dt.date(2026, 10, 12)).open
    assert not window(Posted, category, dt.date(2026, 10, 13)).open
    aid.build(today="2026-10-12")
    page = aid.soup("nanwan/low-income-aid/2026-q3.html").get_text(" ", strip=True)
    assert "公示中，公示期至 2026年10月12日" in page
    aid.build(today="2026-10-13")
    assert "公示期满" in aid.soup("nanwan/low-income-aid/2026-q3.html").get_text(" ", strip=True)


def test_a_holiday_entered_in_the_settings_lengthens_it(aid: Site):
    conf = aid.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nGONGKAI_HOLIDAYS = ["2026-10-09"]\n', encoding="utf-8")
    aid.build(today="2026-10-12")
    assert "公示期至 2026年10月13日" in aid.soup("nanwan/low-income-aid/2026-q3.html").get_text(" ", strip=True)


def test_window_days_and_window_workdays_together_is_a_settings_error(tmp_path):
    site = copy_site("minimal", tmp_path)
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('"window_days": 7}', '"window_days": 7, "window_workdays": 7}'),
                    encoding="utf-8")
    result = site.check()
    assert result.returncode == 2 and "window_workdays" in result.stdout + result.stderr
