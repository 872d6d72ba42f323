"""``gongkai new``: a correct notice skeleton, pre-filled from the settings and the calendar.

The skeleton comes from the site's ``archetypes/<category>.md`` when the
township has one, else from the templates shipped with gongkai. Every
blank a clerk must fill is marked （待填写）, which ``check`` reports as a
warning until it is filled and ``publish`` as an error (the notice is held back).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from string import Template

from .config import Category, Config, UnknownName
from .cycles import deadline, unpublished_ended
from .finance import balances_by_period
from .model import Township
from .notices import Notice, slugify
from .periods import Period, parse_period, periods_from

PACKAGE_ARCHETYPES = Path(__file__).resolve().parent / "archetypes"
from .checks import PLACEHOLDER  # noqa: E402 - the mark check looks for


class NewError(Exception):
    """A request ``new`` cannot carry out; the message says how to fix it."""

    exit_code = 1


class NewUsageError(NewError):
    """An unknown board, category or period on the command line (a usage error)."""

    exit_code = 2


class NewConflict(NewError):
    """The notice cannot be written: it exists already, or no template was found."""


@dataclass(frozen=True)
class Draft:
    path: Path
    text: str
    notes: tuple[str, ...] = ()  # what the clerk should know about the period chosen


def archetype(site_dir: Path, category: str) -> str:
    for folder in (site_dir / "archetypes", PACKAGE_ARCHETYPES):
        for name in (f"{category}.md", "default.md"):
            if (folder / name).is_file():
                return (folder / name).read_text(encoding="utf-8-sig")
    raise NewConflict("找不到公告模板（archetypes）。")  # pragma: no cover - the package ships them


def _previous_closing(notices: Sequence[Notice], period: Period) -> Decimal:
    """The closing balance the period opens with: the latest one before it (nil returns in between carry it over)."""
    before = [n for n in balances_by_period(notices) if n.period.end < period.start]
    return before[-1].balance.closing if before else Decimal("0.00")


def draft(config: Config, township: Township, category_ref: str, board_ref: str,
          period_ref: str | None = None, title: str | None = None, notices: Sequence[Notice] | None = None) -> Draft:
    """The new notice's path and text; nothing is written.

    ``notices`` are every valid notice of the site (those dated after today
    too); without them, the ones the township shows.
    """
    try:
        board_slug = config.resolve_board(board_ref)
        category_slug = config.resolve_category(category_ref)
    except UnknownName as exc:
        raise NewUsageError(str(exc)) from None
    board = config.board(board_slug)
    if category_slug not in board.categories:
        names = "、".join(f"{config.categories[c].name}（{c}）" for c in board.categories)
        raise NewUsageError(f"{board.name}没有“{config.categories[category_slug].name}”栏目。它的栏目有：{names}。")
    section = config.section(board_slug, category_slug)
    today = config.today
    period = None
    notes: tuple[str, ...] = ()
    mine = (township.sections_by_key[f"{board_slug}/{category_slug}"].notices if notices is None
            else [n for n in notices if n.board == board_slug and n.category == category_slug])
    if period_ref:
        try:
            period = parse_period(period_ref)
        except ValueError as exc:
            raise NewUsageError(str(exc)) from None
        if section.is_periodic and period.end >= today:
            notes = (unended_note(period, section),)
    elif section.is_periodic:
        period, notes = default_period(config, section, mine)
    given = title
    if title is None:
        if period is not None:
            title = f"{board.name}{period.label}{section.name}"
        elif section.cycle == "review":
            title = f"（{PLACEHOLDER}）办事指南"
        else:
            title = f"{board.name}关于（{PLACEHOLDER}）的公示"
    stem = str(period).lower() if period is not None else today.isoformat()
    name = f"{stem}-{slugify(given)[:40]}" if given else (stem if period is not None else f"{stem}-{category_slug}")
    path = config.content_dir / board_slug / category_slug / f"{name}.md"
    opening = _previous_closing(mine, period) if period else Decimal("0.00")
    template = archetype(config.base_dir, category_slug)
    required = "".join(f"{key}: （{PLACEHOLDER}）\n" for key in section.require if f"{key}:" not in template)
    text = Template(template).safe_substitute(
        title=_yaml_text(title), board=board_slug, category=category_slug, date=today.isoformat(),
        period_line=f"period: {period}\n" if period is not None else "", required=required,
        opening=f"{opening:.2f}", board_name=board.name, period_label=period.label if period else "",
        category_name=section.name)
    return Draft(path, text, notes)


def default_period(config: Config, section: Category, notices: Sequence[Notice]) -> tuple[Period, tuple[str, ...]]:
    """The latest period that has ended and is not yet published (on 1 December: November, not December).

    When every ended period is published, the running one, with a note that
    it has not ended; when older ones are missing too, a note naming them.
    """
    today = config.today
    owed = unpublished_ended(section, notices, today, config.start)
    if owed:
        period = owed[-1]
        older = owed[:-1]
        shown = "、".join(p.label for p in older[:_LISTED]) + (f"等 {len(older)} 期" if len(older) > _LISTED else "")
        notes = (f"还有更早的期间没有公开：{shown}。请另用 --period 逐期补写，例如 --period {older[0]}。",) if older else ()
        return period, notes
    period = next(p for p in periods_from(section.period_kind, config.start) if p.end >= today)
    return period, ("已结束的各期都已公开。" + unended_note(period, section),)


_LISTED = 6  # older missing periods named in a note; more are counted


def unended_note(period: Period, section: Category) -> str:
    """A period written before it ends: its figures cannot be complete yet."""
    return (f"{period.label}要到 {period.end} 才结束，应于 {deadline(period, section)} 前公开；"
            "现在写的数字可能还不完整。")


def _yaml_text(text: str) -> str:
    """A title safe as a YAML plain scalar, quoted when it needs to be."""
    if any(ch in text for ch in ":#'\"{}[]&*!|>%@`") or text.strip() != text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def write(new: Draft) -> Path:
    if new.path.exists():
        raise NewConflict(f"{new.path} 已经存在，不会覆盖。请打开它继续编辑，或用 --title 换一个名字。")
    new.path.parent.mkdir(parents=True, exist_ok=True)
    with new.path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(new.text)
    return new.path
