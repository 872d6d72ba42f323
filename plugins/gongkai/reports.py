"""The yearly self-check report (自查报告) and the disclosure catalogue (公开目录).

Both are pure functions of the township model: the build renders them, and
the same figures can be checked in tests at any pinned date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .config import DEFAULT_CATEGORIES, Board, Category, Config
from .cycles import deadline
from .model import Section, Township
from .periods import Month, Period, periods_from


@dataclass(frozen=True)
class PeriodRecord:
    """One owed period of a section in the year under review."""

    period: Period
    deadline: dt.date
    published: dt.date | None  # the day every month of it was covered, if it was

    @property
    def on_time(self) -> bool:
        return self.published is not None and self.published <= self.deadline

    @property
    def days_late(self) -> int:
        if self.published is None or self.published <= self.deadline:
            return 0
        return (self.published - self.deadline).days


@dataclass
class SectionYear:
    section: Section
    records: list[PeriodRecord] = field(default_factory=list)
    notices: int = 0
    corrections: int = 0
    withdrawn: int = 0

    @property
    def owed(self) -> int:
        return len(self.records)

    @property
    def on_time(self) -> int:
        return sum(r.on_time for r in self.records)

    @property
    def late(self) -> list[PeriodRecord]:
        return [r for r in self.records if r.published is not None and not r.on_time]

    @property
    def missing(self) -> list[PeriodRecord]:
        return [r for r in self.records if r.published is None]

    @property
    def late_count(self) -> int:
        return len(self.late)

    @property
    def missing_count(self) -> int:
        return len(self.missing)

    @property
    def rate(self) -> float | None:
        return self.on_time / self.owed if self.owed else None


class _Totals:
    """Sums over the parts of a report (a board's sections, the township's boards)."""

    def _parts(self) -> list:
        raise NotImplementedError

    @property
    def owed(self) -> int:
        return sum(p.owed for p in self._parts())

    @property
    def on_time(self) -> int:
        return sum(p.on_time for p in self._parts())

    @property
    def rate(self) -> float | None:
        return self.on_time / self.owed if self.owed else None

    @property
    def late_count(self) -> int:
        return sum(p.late_count for p in self._parts())

    @property
    def missing_count(self) -> int:
        return sum(p.missing_count for p in self._parts())

    @property
    def corrections(self) -> int:
        return sum(p.corrections for p in self._parts())

    @property
    def notices(self) -> int:
        return sum(p.notices for p in self._parts())


@dataclass
class BoardYear(_Totals):
    board: Board
    sections: list[SectionYear]

    def _parts(self) -> list:
        return self.sections


@dataclass
class YearReport(_Totals):
    year: int
    today: dt.date
    boards: list[BoardYear]

    def _parts(self) -> list:
        return self.boards

    @property
    def complete(self) -> bool:
        """Whether the year and all its deadlines are behind us."""
        deadlines = [r.deadline for b in self.boards for s in b.sections for r in s.records]
        return dt.date(self.year, 12, 31) < self.today and all(d < self.today for d in deadlines)


def _first_covered(section: Section, today: dt.date) -> dict[Month, dt.date]:
    """For each month, the first day a counted notice covered it."""
    first: dict[Month, dt.date] = {}
    for notice in section.notices:
        if notice.period is None or not notice.is_counted(today):
            continue
        for month in notice.period.months():
            if month not in first or notice.date < first[month]:
                first[month] = notice.date
    return first


def section_year(section: Section, year: int, today: dt.date, start: dt.date) -> SectionYear:
    category: Category = section.category
    result = SectionYear(section)
    in_year = [n for n in section.notices if n.date.year == year]
    result.notices = sum(n.status == "published" for n in in_year)
    result.withdrawn = sum(n.status == "withdrawn" for n in in_year)
    result.corrections = sum(1 for n in section.notices for c in n.corrections if c.date.year == year)
    if not category.is_periodic or not category.required:
        return result
    first = _first_covered(section, today)
    for period in periods_from(category.period_kind, max(start, dt.date(year, 1, 1))):
        if period.year != year or period.end >= today:
            break
        published = None
        months = period.months()
        if all(m in first for m in months):
            published = max(first[m] for m in months)
        result.records.append(PeriodRecord(period, deadline(period, category), published))
    return result


def yearly_report(township: Township, year: int) -> YearReport:
    boards = [BoardYear(b.board, [section_year(s, year, township.today, township.config.start)
                                  for s in b.sections]) for b in township.boards]
    return YearReport(year, township.today, boards)


# -- the catalogue ----------------------------------------------------------


@dataclass(frozen=True)
class CatalogRow:
    board: Board
    category: Category

    @property
    def level(self) -> str:
        return "乡镇级" if self.board.kind == "township" else "村级"

    @property
    def content(self) -> str:
        default = DEFAULT_CATEGORIES.get(self.category.slug, {}).get("content")
        return self.category.content or default or self.category.name

    @property
    def time_limit(self) -> str:
        c = self.category
        if c.is_periodic:
            unit = c.cycle_label
            return f"{unit}结束后 {c.grace_days} 日内" if c.grace_days else f"{unit}公开一次"
        if c.cycle == "event":
            limit = f"，两次公开间隔不超过 {c.max_interval_days} 日" if c.max_interval_days else ""
            return f"事项发生后及时公开{limit}"
        return f"长期公开，每 {c.review_days} 日至少复核一次"

    @property
    def responsible(self) -> str:
        return f"{self.board.name}" + (f"（{self.category.responsible}）" if self.category.responsible else "")


def catalog_rows(config: Config) -> list[CatalogRow]:
    """One row per category and board, in the order of the settings."""
    return [CatalogRow(board, board.sections[slug]) for board in config.boards for slug in board.categories]
