"""The yearly self-check report (自查报告) and the disclosure catalogue (公开目录).

Both are pure functions of the township model: the build renders them, and
the same figures can be checked in tests at any pinned date.

The on-time rate counts periods, so event and review sections (重大事项,
办事指南) have none; a board at 100% may still have an overdue event
section. The report therefore carries each section's and each board's
status as of the report's day (the status page's), and names the overdue
sections the rate leaves out, so report and status page never seem to
disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .config import DEFAULT_CATEGORIES, Board, Category, Config
from .cycles import OVERDUE, deadline, worst
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

    @property
    def counted(self) -> bool:
        """Whether the section has periods the on-time rate counts (event and review sections do not)."""
        return self.section.category.is_periodic and self.section.category.required

    @property
    def status(self) -> str:
        """The section's status as of the report's day: the status page's word for it."""
        return self.section.status.status


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

    @property
    def status(self) -> str:
        """The board's status as of the report's day: its worst section's, as on the status page."""
        return worst(s.status for s in self.sections)

    @property
    def overdue_uncounted(self) -> list[SectionYear]:
        """Overdue sections the on-time rate leaves out: named beside the rate."""
        return [s for s in self.sections if s.status == OVERDUE and not s.counted]

    @property
    def overdue_now(self) -> int:
        return sum(s.status == OVERDUE for s in self.sections)


@dataclass
class YearReport(_Totals):
    year: int
    today: dt.date
    boards: list[BoardYear]

    def _parts(self) -> list:
        return self.boards

    @property
    def overdue_now(self) -> int:
        """Sections overdue as of the report's day, of every cycle."""
        return sum(b.overdue_now for b in self.boards)

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


def time_limit(category: Category) -> str:
    """公开时限 in the catalogue's words, for a category as it applies on a board."""
    c = category
    if c.is_periodic:
        unit = c.cycle_label
        return f"{unit}结束后 {c.grace_days} 日内" if c.grace_days else f"{unit}公开一次"
    if c.cycle == "event":
        limit = f"，两次公开间隔不超过 {c.max_interval_days} 日" if c.max_interval_days else ""
        return f"事项发生后及时公开{limit}"
    return f"长期公开，每 {c.review_days} 日至少复核一次"


@dataclass(frozen=True)
class CatalogException:
    """Boards where a category follows another rule than the settings' (per-board overrides), one rule each."""

    boards: tuple[Board, ...]
    time_limit: str  # the rule on those boards

    @property
    def text(self) -> str:
        return f"{'、'.join(b.name for b in self.boards)}：{self.time_limit}"


@dataclass(frozen=True)
class CatalogRow:
    """One category of the catalogue: what it discloses, by which rule, on which boards.

    One row per category rather than per board: a township of 30 villages
    would otherwise repeat the same row 30 times. Boards where the rule
    differs are named in ``exceptions``.
    """

    category: Category  # as the settings define it
    boards: tuple[Board, ...]  # the boards that carry it, in the settings' order
    all_villages: int = 0  # the number of villages when every village carries it, else 0

    @property
    def slug(self) -> str:
        return self.category.slug

    @property
    def level(self) -> str:
        kinds = {b.kind for b in self.boards}
        return "、".join(label for kind, label in (("township", "乡镇级"), ("village", "村级")) if kind in kinds)

    @property
    def content(self) -> str:
        default = DEFAULT_CATEGORIES.get(self.category.slug, {}).get("content")
        return self.category.content or default or self.category.name

    @property
    def time_limit(self) -> str:
        return time_limit(self.category)

    @property
    def offices(self) -> list[Board]:
        return [b for b in self.boards if b.kind != "village"]

    @property
    def villages(self) -> list[Board]:
        return [b for b in self.boards if b.kind == "village"]

    @property
    def responsible(self) -> str:
        """公开主体: the offices by name, the villages by name or as 全部 N 个村."""
        parts = [b.name for b in self.offices]
        if self.all_villages:
            parts.append(f"全部 {self.all_villages} 个村的村民委员会")
        elif self.villages:
            parts.append("、".join(b.name for b in self.villages) + "村民委员会")
        text = "；".join(parts)
        return text + (f"（{self.category.responsible}）" if self.category.responsible else "")

    @property
    def exceptions(self) -> list[CatalogException]:
        """Boards whose rule for this category differs from the settings' (another cycle, another limit)."""
        rules: dict[str, list[Board]] = {}
        for board in self.boards:
            rule = time_limit(board.sections[self.slug])
            if rule != self.time_limit:
                rules.setdefault(rule, []).append(board)
        return [CatalogException(tuple(boards), rule) for rule, boards in rules.items()]


def catalog_rows(config: Config) -> list[CatalogRow]:
    """One row per category that some board carries, in the order of the settings."""
    villages = [b for b in config.boards if b.kind == "village"]
    rows = []
    for slug, category in config.categories.items():
        boards = tuple(b for b in config.boards if slug in b.categories)
        if not boards:
            continue
        every = len(villages) > 1 and all(slug in b.categories for b in villages)
        rows.append(CatalogRow(category, boards, len(villages) if every else 0))
    return rows
