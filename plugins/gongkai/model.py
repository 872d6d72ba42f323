"""The township as the site shows it: boards, sections, notices, statuses.

Pure Python built from the settings and the checked notices, shared by the
site generator, the status report and ``gongkai check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import groupby

from .config import Board, Category, Config
from .cycles import LABELS as STATUS_LABELS
from .cycles import SectionStatus, section_status, worst
from .finance import balances_by_period
from .notices import Notice
from .workdays import nth_workday

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """The 公示期 of a notice: from its date to ``end``, inclusive.

    A withdrawn notice's 公示期 is over from its withdrawal date: ``end`` is
    then the day before (or the start, when it was withdrawn the day it was
    published) and ``withdrawn`` the withdrawal date.
    """

    start: dt.date
    end: dt.date
    open: bool
    withdrawn: dt.date | None = None

    @property
    def days(self) -> int:
        return max(0, (self.end - self.start).days + 1)

    @property
    def label(self) -> str:
        if self.open:
            return f"公示中，公示期至 {self.end.year}年{self.end.month}月{self.end.day}日"
        if self.withdrawn is not None:
            day = self.withdrawn
            return f"公告已于 {day.year}年{day.month}月{day.day}日撤回，公示终止"
        return "公示期满"


def window(notice: Notice, category: Category, today: dt.date,
           calendar: tuple[frozenset[dt.date], frozenset[dt.date]] = (frozenset(), frozenset())) -> Window | None:
    """The notice's 公示期 at ``today``; ``calendar`` is the settings' extra (holidays, workdays) for
    a category whose 公示期 is counted in official working days (``window_workdays``)."""
    if notice.window_until is not None:
        end = notice.window_until
    elif notice.window_days is None and category.window_workdays:
        end = nth_workday(notice.date, category.window_workdays, *calendar)
    else:
        days = notice.window_days if notice.window_days is not None else category.window_days
        if not days:
            return None
        end = notice.date + (days - 1) * ONE_DAY
    withdrawal = notice.withdrawal
    if withdrawal is not None and withdrawal.date <= end:
        end = max(notice.date, withdrawal.date - ONE_DAY)
        return Window(notice.date, end, today <= end and today < withdrawal.date, withdrawal.date)
    return Window(notice.date, end, today <= end)


@dataclass(eq=False)
class Section:
    board: Board
    category: Category
    status: SectionStatus
    notices: list[Notice]  # shown on the site: newest first
    latest_count: int = 5
    calendar: tuple[frozenset[dt.date], frozenset[dt.date]] = (frozenset(), frozenset())  # extra holidays, workdays

    @property
    def key(self) -> str:
        return f"{self.board.slug}/{self.category.slug}"

    @property
    def url(self) -> str:
        return f"{self.key}/index.html"

    @property
    def feed_url(self) -> str:
        return f"feeds/{self.board.slug}/{self.category.slug}.atom.xml"

    @property
    def latest(self) -> list[Notice]:
        return self.notices[: self.latest_count]

    def current_notices(self, today: dt.date) -> list[Notice]:
        """What hangs on the paper board now, newest first.

        Periodic sections: the notices of the latest period disclosed.
        Event sections: notices still in their 公示期, else the latest one.
        Review sections: every published guide.
        """
        published = [n for n in self.notices if n.status == "published"]
        if not published:
            return []
        if self.category.is_periodic:
            latest = self.status.latest_period
            return [n for n in published if n.period is not None and latest is not None
                    and n.period.end == latest.end] or published[:1]
        if self.category.cycle == "review":
            return published
        open_now = [n for n in published if (w := window(n, self.category, today, self.calendar)) is not None and w.open]
        return open_now or published[:1]

    def balances(self) -> list[BalancePoint]:
        return balance_series(self)

    def by_year(self) -> list[tuple[int, list[Notice]]]:
        return [(year, list(items)) for year, items in groupby(self.notices, key=lambda n: n.date.year)]


@dataclass(eq=False)
class BoardView:
    board: Board
    sections: list[Section]

    @property
    def slug(self) -> str:
        return self.board.slug

    @property
    def url(self) -> str:
        return f"{self.board.slug}/index.html"

    @property
    def feed_url(self) -> str:
        return f"feeds/{self.board.slug}.atom.xml"

    @property
    def print_url(self) -> str:
        """The board as it hangs on the wall: every section's current notices in full."""
        return f"print/{self.board.slug}.html"

    @property
    def pdf_url(self) -> str:
        """The same, as a PDF (written only with GONGKAI_PDF)."""
        return f"print/{self.board.slug}.pdf"

    @property
    def search_bundle(self) -> str | None:
        """Where this board's search index is published (search.py); a board without notices has none."""
        return f"{SEARCH_BUNDLE}{self.slug}/" if any(s.notices for s in self.sections) else None

    @property
    def status(self) -> str:
        return worst(s.status.status for s in self.sections)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def latest_date(self) -> dt.date | None:
        return max((s.status.latest_date for s in self.sections if s.status.latest_date), default=None)


@dataclass(eq=False)
class Township:
    config: Config
    today: dt.date
    boards: list[BoardView]
    notices: list[Notice]  # every visible notice, newest first
    sections_by_key: dict[str, Section] = field(default_factory=dict)

    @property
    def sections(self) -> list[Section]:
        return [s for b in self.boards for s in b.sections]

    @property
    def status(self) -> str:
        return worst(b.status for b in self.boards)

    def section_of(self, notice: Notice) -> Section:
        return self.sections_by_key[f"{notice.board}/{notice.category}"]

    def window(self, notice: Notice) -> Window | None:
        return window(notice, self.section_of(notice).category, self.today, (self.config.holidays, self.config.workdays))

    @cached_property
    def report_years(self) -> list[int]:
        """Every year with a visible notice, oldest first: one self-check report each.

        Cached: every page's footer asks for it.
        """
        return sorted({n.date.year for n in self.notices})

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATUS_LABELS, 0)
        for section in self.sections:
            result[section.status.status] += 1
        return result


def build_township(config: Config, notices: Sequence[Notice]) -> Township:
    """Group checked notices into boards and sections and compute every status."""
    today = config.today
    by_section: dict[tuple[str, str], list[Notice]] = {}
    for notice in notices:
        by_section.setdefault((notice.board, notice.category), []).append(notice)
    boards, index = [], {}
    for board in config.boards:
        sections = []
        for slug in board.categories:
            category = board.sections[slug]
            mine = by_section.get((board.slug, slug), [])
            status = section_status(board.slug, category, mine, today, config.start)
            shown = sorted((n for n in mine if n.is_visible(today)), key=lambda n: (n.date, n.path), reverse=True)
            section = Section(board, category, status, shown, config.latest, (config.holidays, config.workdays))
            sections.append(section)
            index[section.key] = section
        boards.append(BoardView(board, sections))
    visible = sorted((n for n in notices if n.is_visible(today)), key=lambda n: (n.date, n.path), reverse=True)
    return Township(config, today, boards, visible, index)


def report(township: Township, problems: Sequence, notices: int, built_at: dt.date | None = None) -> dict:
    """The JSON of ``gongkai check --format json`` and ``/status.json``.

    ``site``, ``boards`` and each section's ``url`` and ``name`` are what a
    county site reads to aggregate its townships (county.py) without scraping
    pages. ``built_at`` is None from ``check``, which builds nothing; a build gives the day it
    was built (not the minute: the same sources give the same file all day).
    """
    config = township.config
    year = township.today.year
    return {
        "today": township.today.isoformat(),
        "notices": notices,
        "sections": [{**s.status.as_dict(), "name": s.category.name, "url": _public(config.siteurl, s.url)}
                     for s in township.sections],
        "problems": [p.as_dict() for p in problems],
        "site": {"name": config.sitename, "url": config.siteurl or None,
                 "built_at": built_at.isoformat() if built_at else None,
                 "search": [b.search_bundle for b in township.boards if b.search_bundle] if config.search else []},
        "boards": [_board_entry(b, township, year) for b in township.boards],
    }


SEARCH_BUNDLE = "pagefind/"  # where the site's search indexes are published, one per board (search.py), for a county's search


def _public(siteurl: str, path: str) -> str:
    """A page's address: absolute with SITEURL, else relative to the site's root."""
    return f"{siteurl}/{path}" if siteurl else path


def _board_entry(board: BoardView, township: Township, year: int) -> dict:
    """One board in status.json, with this year's on-time record (as the self-check report counts it)."""
    from .reports import section_year

    owed = on_time = 0
    for section in board.sections:
        record = section_year(section, year, township.today, township.config.start)
        owed += record.owed
        on_time += record.on_time
    return {"slug": board.slug, "name": board.board.name, "kind": board.board.kind, "status": board.status,
            "url": _public(township.config.siteurl, board.url),
            "on_time": {"year": year, "owed": owed, "on_time": on_time}}


@dataclass(frozen=True)
class BalancePoint:
    label: str
    opening: Decimal
    closing: Decimal
    offset: int  # months from the first point's period: a chart's x position
    gap_before: bool  # a period is missing between this point and the one before


def balance_series(section: Section) -> list[BalancePoint]:
    """The balances of a finance section, oldest first.

    One point per period: a correction replaces the notice it corrects.
    """
    ordered = balances_by_period(section.notices)
    points: list[BalancePoint] = []
    for notice in ordered:
        p = notice.period
        offset = (p.start.year - ordered[0].period.start.year) * 12 + p.start.month - ordered[0].period.start.month
        gap = bool(points) and p.previous_end != ordered[len(points) - 1].period.end
        points.append(BalancePoint(p.label, notice.balance.opening, notice.balance.closing, offset, gap))
    return points
