"""Official working days (China's calendar with 调休), for the 20-working-day rule.

``chinesecalendar`` carries the State Council's schedule for the years it
knows. For other years we count Monday–Friday and say so, and the township
can enter the new schedule itself (``GONGKAI_HOLIDAYS``, ``GONGKAI_WORKDAYS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import chinese_calendar

_ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=1)
def official_years() -> frozenset[int]:
    """Years for which the package has the official schedule."""
    return frozenset(range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1))


def is_workday(day: dt.date, holidays: frozenset[dt.date] = frozenset(),
               workdays: frozenset[dt.date] = frozenset()) -> bool:
    if day in workdays:
        return True
    if day in holidays:
        return False
    if day.year in official_years():
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def workdays_between(start: dt.date, end: dt.date, holidays: frozenset[dt.date] = frozenset(),
                     workdays: frozenset[dt.date] = frozenset()) -> int:
    """Working days after ``start`` up to and including ``end`` (the start day not counted)."""
    count, day = 0, start + _ONE_DAY
    while day <= end:
        count += is_workday(day, holidays, workdays)
        day += _ONE_DAY
    return count


def unofficial_years(start: dt.date, end: dt.date, entered: Iterable[dt.date] = ()) -> list[int]:
    """Years in (start, end] counted Monday–Friday: no package data and nothing entered."""
    known = official_years() | {d.year for d in entered}
    return [y for y in range(start.year, end.year + 1) if y not in known]


def nth_workday(start: dt.date, count: int, holidays: frozenset[dt.date] = frozenset(),
                workdays: frozenset[dt.date] = frozenset()) -> dt.date:
    """The last day of ``count`` working days beginning on ``start`` (``start`` counts when it is one):
    the end of a 公示期 of "7 个工作日" posted on ``start``."""
    day, left = start, count
    while True:
        left -= is_workday(day, holidays, workdays)
        if left <= 0:
            return day
        day += _ONE_DAY
