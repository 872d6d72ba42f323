"""Calendar periods and the dates clerks write.

A period is a month, a calendar quarter, a half-year (H1 January–June, H2
July–December) or a calendar year. Periods tile the calendar, so a section's
coverage is the set of months its notices cover.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTH, QUARTER, HALF, YEAR = "month", "quarter", "half", "year"
CYCLE_KINDS = {"monthly": MONTH, "quarterly": QUARTER, "half-yearly": HALF, "yearly": YEAR}
_MONTHS_PER = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True)
class Period:
    year: int
    kind: str
    index: int  # month 1–12, quarter 1–4, half 1–2, or 1 for a year

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS_PER[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.index * _MONTHS_PER[self.kind]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        last = self.last_month
        return dt.date(self.year, last, calendar.monthrange(self.year, last)[1])

    def months(self) -> tuple[Month, ...]:
        return tuple((self.year, m) for m in range(self.first_month, self.last_month + 1))

    def __str__(self) -> str:
        """The canonical key: 2026-10, 2026-Q3, 2026-H1, 2026."""
        if self.kind == MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.kind == HALF:
            return f"{self.year}-H{self.index}"
        return str(self.year)

    @property
    def label(self) -> str:
        """How a villager reads it: 2026年10月, 2026年第三季度…"""
        if self.kind == MONTH:
            return f"{self.year}年{self.index}月"
        if self.kind == QUARTER:
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        if self.kind == HALF:
            return f"{self.year}年{'上下'[self.index - 1]}半年"
        return f"{self.year}年度"

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.end, self.start)

    @property
    def previous_end(self) -> dt.date:
        """The last day of the period before this one: the one whose balance this one opens with."""
        return self.start - dt.timedelta(days=1)

    def previous(self) -> Period:
        return period_containing(self.previous_end, self.kind)

    def next(self) -> Period:
        count = 12 // _MONTHS_PER[self.kind]
        if self.index < count:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)


def period_containing(day: dt.date, kind: str) -> Period:
    index = (day.month - 1) // _MONTHS_PER[kind] + 1
    return Period(day.year, kind, index)


def periods_from(kind: str, start: dt.date) -> Iterator[Period]:
    """Every period of ``kind`` from the one containing ``start`` on, forever."""
    period = period_containing(start, kind)
    while True:
        yield period
        period = period.next()


_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIOD_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})-(\d{1,2})"), MONTH),
    (re.compile(r"(\d{4})-?[Qq]([1-4])"), QUARTER),
    (re.compile(r"(\d{4})-?[Hh]([12])"), HALF),
    (re.compile(r"(\d{4})(?:年度?)?"), YEAR),
    (re.compile(r"(\d{4})年(\d{1,2})月(?:份)?"), MONTH),
    (re.compile(r"(\d{4})年第?([一二三四1-4])季度"), QUARTER),
    (re.compile(r"(\d{4})年([上下])半年"), HALF),
]


def parse_period(value: object) -> Period:
    """Read a period as clerks write it; ``ValueError`` says what is accepted."""
    text = str(value).strip()
    for pattern, kind in _PERIOD_PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        year = int(match.group(1))
        if kind == YEAR:
            index = 1
        elif kind == HALF:
            index = {"上": 1, "下": 2}.get(match.group(2)) or int(match.group(2))
        elif kind == QUARTER:
            index = _CN_NUM[match.group(2)]
        else:
            index = int(match.group(2))
        if not FIRST_YEAR <= year <= LAST_YEAR or (kind == MONTH and not 1 <= index <= 12):
            break
        return Period(year, kind, index)
    raise ValueError(
        f"无法识别公开期间“{text}”：请写成 2026-10（月）、2026-Q3（季度）、"
        "2026-H1（半年）、2026（年度），或 2026年10月、2026年第三季度、2026年上半年、2026年度"
    )


_DATE_PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


FIRST_YEAR, LAST_YEAR = 1900, 2200  # dates and periods outside these years are typing mistakes


def parse_date(value: object) -> dt.date:
    """Read a date as clerks write it; ``ValueError`` says what is accepted."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _DATE_PATTERN.fullmatch(text)
    if match:
        try:
            day = dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueError(f"日期“{text}”不存在（请核对月份和日）") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError(f"日期“{text}”的年份不对：应在 {FIRST_YEAR} 年到 {LAST_YEAR} 年之间，请核对")
        return day
    raise ValueError(
        f"无法识别日期“{text}”：请写成 2026-11-05，也可写 2026/11/05、2026.11.05 或 2026年11月5日"
    )
