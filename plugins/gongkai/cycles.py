"""Update cycles: is a section's disclosure current, due or overdue?

The rules are those of "Update cycles" in docs/design.md. Everything here is a
pure function of the section's settings, its notices and today, so the
build and ``gongkai check`` compute the same status, and tests can pin any
date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .config import Category
from .notices import Notice
from .periods import Month, Period, periods_from

CURRENT, DUE, OVERDUE = "current", "due", "overdue"
SEVERITY = {CURRENT: 0, DUE: 1, OVERDUE: 2}
LABELS = {CURRENT: "按期公开", DUE: "待公开", OVERDUE: "逾期未公开"}  # on the site
SHORT_LABELS = {CURRENT: "按期", DUE: "待公开", OVERDUE: "逾期"}  # in the command's summary
ORDER = (OVERDUE, DUE, CURRENT)  # the most urgent first, as reports list sections
_HORIZON = 200  # periods looked ahead for the next deadline of a fully covered section


@dataclass(frozen=True)
class SectionStatus:
    board: str
    category: str
    cycle: str
    status: str
    latest_period: Period | None
    latest_date: dt.date | None
    next_deadline: dt.date | None
    days_overdue: int
    missing_periods: tuple[Period, ...]
    next_period: Period | None = None  # the earliest uncovered period: the one next_deadline is for

    @property
    def label(self) -> str:
        return LABELS[self.status]

    def as_dict(self) -> dict:
        return {
            "board": self.board,
            "category": self.category,
            "cycle": self.cycle,
            "status": self.status,
            "latest_period": str(self.latest_period) if self.latest_period else None,
            "latest_date": _iso(self.latest_date),
            "next_deadline": _iso(self.next_deadline),
            "days_overdue": self.days_overdue,
            "missing_periods": [str(p) for p in self.missing_periods],
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=SEVERITY.__getitem__, default=CURRENT)


def deadline(period: Period, category: Category) -> dt.date:
    return period.end + dt.timedelta(days=category.grace_days)


def section_status(board: str, category: Category, notices: Sequence[Notice], today: dt.date,
                   start: dt.date) -> SectionStatus:
    """The status of one section at ``today``; ``notices`` are that section's, any status."""
    counted = [n for n in notices if n.is_counted(today)]
    with_period = [n for n in counted if n.period is not None]
    latest_period = max((n.period for n in with_period), key=lambda p: p.sort_key, default=None)
    latest_date = max((n.date for n in counted), default=None)
    common = dict(board=board, category=category.slug, cycle=category.cycle,
                  latest_period=latest_period, latest_date=latest_date)
    if not category.required:
        return SectionStatus(status=CURRENT, next_deadline=None, days_overdue=0, missing_periods=(), **common)
    if category.is_periodic:
        return _periodic(category, with_period, today, start, common)
    if category.cycle == "event":
        if category.max_interval_days is None:
            return SectionStatus(status=CURRENT, next_deadline=None, days_overdue=0, missing_periods=(), **common)
        due_by = (latest_date or start) + dt.timedelta(days=category.max_interval_days)
        return _by_deadline(due_by, today, common)
    # review: every published guide must have been reviewed within review_days
    reviews = [(n.reviewed or n.date) + dt.timedelta(days=category.review_days) for n in counted]
    return _by_deadline(min(reviews, default=None), today, common)


def _by_deadline(due_by: dt.date | None, today: dt.date, common: dict) -> SectionStatus:
    late = due_by is not None and due_by < today
    return SectionStatus(status=OVERDUE if late else CURRENT, next_deadline=due_by,
                         days_overdue=(today - due_by).days if late else 0, missing_periods=(), **common)


def _periodic(category: Category, notices: Sequence[Notice], today: dt.date, start: dt.date,
              common: dict) -> SectionStatus:
    covered: set[Month] = set()
    for notice in notices:
        covered.update(notice.period.months())
    missing: list[Period] = []
    first_open: Period | None = None  # the earliest period not covered
    for i, period in enumerate(periods_from(category.period_kind, start)):
        ended = period.end < today
        if not ended and (first_open is not None or i > _HORIZON + _periods_until(start, today)):
            break
        if covered.issuperset(period.months()):
            continue
        if first_open is None:
            first_open = period
        if not ended:
            break
        if deadline(period, category) < today:
            missing.append(period)
    next_deadline = deadline(first_open, category) if first_open else None
    if missing:
        status = OVERDUE
    elif first_open is not None and first_open.end < today:
        status = DUE
    else:
        status = CURRENT
    days = (today - next_deadline).days if status == OVERDUE else 0
    return SectionStatus(status=status, next_deadline=next_deadline, days_overdue=days,
                         missing_periods=tuple(missing), next_period=first_open, **common)


def unpublished_ended(category: Category, notices: Sequence[Notice], today: dt.date, start: dt.date) -> list[Period]:
    """The periods that have ended by ``today`` (from ``GONGKAI_START`` on) and that no published notice covers,
    oldest first: what ``gongkai new`` offers to write.

    A published notice dated after today counts here (it is on its way and
    would be a duplicate); drafts and withdrawn notices do not.
    """
    if not category.is_periodic:
        return []
    covered: set[Month] = set()
    for notice in notices:
        if notice.status == "published" and notice.period is not None:
            covered.update(notice.period.months())
    result = []
    for period in periods_from(category.period_kind, start):
        if period.end >= today:
            break
        if not covered.issuperset(period.months()):
            result.append(period)
    return result


def _periods_until(start: dt.date, today: dt.date) -> int:
    return max(0, (today.year - start.year) * 12 + today.month - start.month + 1)
