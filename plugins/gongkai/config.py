"""The site's settings, read once into one typed, frozen object.

Pelican hands the plugin a plain dict; ``gongkai check`` runs the settings
file itself. Both go through :meth:`Config.from_settings`, which validates
every ``GONGKAI_*`` value and raises :class:`SettingsError` naming the key,
so a mistake in ``pelicanconf.py`` is reported once, in one way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import runpy
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .periods import CYCLE_KINDS, parse_date
from .problems import closest

CYCLES = (*CYCLE_KINDS, "event", "review")
CYCLE_LABELS = {"monthly": "每月", "quarterly": "每季度", "half-yearly": "每半年", "yearly": "每年",
                "event": "随时（事项发生时）", "review": "长期公开、定期复核"}
BOARD_KINDS = {"township": "政务公开栏", "village": "村务公开栏"}
# What a nil return (``nil: true``) says on the board, by category; others use the category's name.
NIL_SUBJECTS = {"finance": "财务收支", "subsidies": "惠农补贴发放", "low-income-aid": "低保对象变动",
                "major-matters": "重大事项"}
# An event section's nil return covers the span its max_interval_days allows.
NIL_SPANS = ((31, "本月"), (92, "本季度"), (183, "本半年"), (366, "本年度"))


class FrozenMap(dict):
    """A read-only dict: settings cannot change once read, and the value pickles
    (worker processes receive the whole :class:`Config`, also under ``spawn``)."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("settings are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __reduce__(self):
        return (FrozenMap, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda kv: str(kv[0]))))


class SettingsError(Exception):
    """A settings value that cannot be used; ``key`` names it."""

    exit_code = 2  # a usage error: the settings must be changed before anything can run

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


Reader = Callable[[str, Any, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Setting:
    """One ``GONGKAI_*`` setting: what it holds, its default, how it is read and what it means.

    ``read(name, value, earlier)`` turns the value written in the settings file
    (the default when it is absent or ``None``) into the typed value the
    :class:`Config` keeps, or raises :class:`SettingsError`; ``earlier`` holds
    the settings read before it, in table order. ``example`` is the value as
    one writes it in ``pelicanconf.py``; ``shown_default`` is how the docs name
    a default whose literal says too little.
    """

    name: str
    type: str
    default: Any
    read: Reader
    help: str
    example: str
    shown_default: str | None = None

    def value(self, raw: Any, earlier: Mapping[str, Any]) -> Any:
        return self.read(self.name, self.default if raw is None else raw, earlier)

    @property
    def default_text(self) -> str:
        if self.shown_default is not None:
            return self.shown_default
        default = list(self.default) if isinstance(self.default, tuple) else self.default
        return f"`{default!r}`".replace("'", '"')


# Every GONGKAI_* setting. This table drives validation (unknown keys are
# reported, each value goes through its reader), ``gongkai settings`` and the
# settings table in docs/admin.md (tests/test_docs.py holds them together).
# The readers are the functions below; lambdas look them up when called.
SETTINGS: tuple[Setting, ...] = (
    Setting("GONGKAI_START", "date", "2024-01-01", lambda k, v, _: _date_setting(k, v),
            "No period that ended before this date is owed. Set it to the day the site starts.",
            '"2026-01-01"'),
    Setting("GONGKAI_TODAY", "date or None", None, lambda k, v, _: None if v in (None, "") else _date_setting(k, v),
            'Freeze "today" for statuses (a date). `None` follows the calendar in `TIMEZONE`. The environment '
            "variable `GONGKAI_TODAY` and `gongkai check --today` override it. A real site leaves it `None`.",
            '"2026-11-22"'),
    Setting("GONGKAI_CATEGORIES", "{slug: category}", None, lambda k, v, _: _read_categories(v or DEFAULT_CATEGORIES),
            "The categories: `{slug: {name, cycle, …}}`.",
            '{"finance": {"name": "财务公开", "cycle": "monthly", "grace_days": 10}}', "the five below"),
    Setting("GONGKAI_TOWNSHIPS", "list of townships", (), lambda k, v, _: _county().read_townships(k, v),
            "Makes this a county site: the townships whose published `status.json` `gongkai build` reads, a list of "
            "`{slug, name, status, url}` (`status`: the address of the township's status.json, or a path to it; "
            "`url`: its public address when status.json does not say). See docs/county.md.",
            '[{"slug": "dongdadi", "name": "东大地乡", "status": "https://dongdadi.example.gov.cn/status.json"}]', "none"),
    Setting("GONGKAI_COUNTY_SCORING", "{rule: number}", None, lambda k, v, _: _county().read_scoring(k, v),
            "A county site's assessment rules (考核): points off per overdue section and per week overdue, the cap, "
            "the scores for a green and an amber light, and the inspection's veto indicators (days the newest "
            "disclosure may be old, days a section may stay idle, how many empty sections veto). Keys left out keep "
            "their defaults.", '{"per_overdue_section": 3, "max_deduction": 30}',
            "`{\"full\": 100, \"per_overdue_section\": 2, \"per_overdue_week\": 1, \"max_deduction\": 40, "
            "\"green\": 90, \"amber\": 75, \"home_idle_days\": 14, \"section_idle_days\": 180, \"empty_sections\": 5}`"),
    Setting("GONGKAI_BOARDS", "list of boards", (), lambda k, v, earlier: _read_boards(
                v, earlier["GONGKAI_CATEGORIES"], county=bool(earlier["GONGKAI_TOWNSHIPS"])),
            "The boards: a list of `{slug, name, kind, categories, cycles, contacts}`. At least one is required "
            "(none on a county site).",
            '[{"slug": "nanwan", "name": "南湾村", "kind": "village"}]', "none"),
    Setting("GONGKAI_HOLIDAYS", "list of dates", (), lambda k, v, _: _date_set(k, v),
            "Extra official holidays (dates) for the working-day count.", '["2027-01-01"]'),
    Setting("GONGKAI_WORKDAYS", "list of dates", (), lambda k, v, _: _date_set(k, v),
            "Extra official working days (调休 weekends).", '["2027-02-20"]'),
    Setting("GONGKAI_LATE_WORKDAYS", "whole number ≥ 1", 20, lambda k, v, _: _whole(k, v),
            "Working days allowed from `formed` to publication before the `late` warning (政府信息公开条例 Art. 26).",
            "20"),
    Setting("GONGKAI_CONTACTS", "{label: text}", {}, lambda k, v, _: _str_mapping(k, v),
            "Contacts on every page and printed board.", '{"监督电话": "0371-63851234"}'),
    Setting("GONGKAI_LATEST", "whole number ≥ 1", 5, lambda k, v, _: _whole(k, v),
            "How many of a section's latest notices a board page lists.", "5"),
    Setting("GONGKAI_PAPER", "paper", "A4", lambda k, v, _: _paper(v),
            'Paper of the printable boards: `"A4"`, `"A3"`, `"A4 landscape"`, `"A3 landscape"`.', '"A3 landscape"'),
    Setting("GONGKAI_PDF", "True or False", False, lambda k, v, _: _flag(k, v),
            "Also write `/print/<board>.pdf` (needs a Chinese font, e.g. Debian's `fonts-noto-cjk`).", "True"),
    Setting("GONGKAI_SEARCH", "True or False", True, lambda k, v, _: _flag(k, v),
            "Index the built site for Chinese full-text search and offer `/search/`.", "False"),
    Setting("GONGKAI_PRECOMPRESS", "True or False", False, lambda k, v, _: _flag(k, v),
            "Write `.gz` and `.br` files next to HTML, CSS, JS and JSON for the web server.", "True"),
    Setting("GONGKAI_ATTACHMENT_MAX_MB", "whole number ≥ 1", 20, lambda k, v, _: _whole(k, v),
            "Largest attachment (a file a notice links: a voucher scan, a PDF) in megabytes; a larger one is the "
            "error `attachment.too-large`, since villagers open them over mobile data.", "10"),
    Setting("GONGKAI_ANNUAL_DUE", "month-day", "03-31", lambda k, v, _: _month_day(k, v),
            "The day the annual report (政府信息公开工作年度报告) for the year before is due: 31 March for governments, "
            '`"01-31"` for departments (条例 Art. 49). From 1 January it is a warning until the report is published, '
            "after this day an error.", '"01-31"'),
    Setting("GONGKAI_PUBLISH_TO", "text or None", None, lambda k, v, _: _optional_str(k, v),
            "Where `gongkai publish` goes without `--to`: a local web root, `user@host:/path` or `s3://bucket/prefix`. "
            "Set it in `publishconf.py`.", '"user@example.org:/srv/www/gongkai"'),
)
_SETTING_NAMES = {s.name: s for s in SETTINGS}

DEFAULT_CATEGORIES: dict[str, dict[str, Any]] = {
    "finance": {"name": "财务公开", "cycle": "monthly", "grace_days": 10,
                "basis": "《中华人民共和国村民委员会组织法》村务公开条款；《农村集体经济组织财务公开规定》",
                "content": "集体财务收入、支出、资产、债权债务、收益分配等收支明细"},
    "subsidies": {"name": "惠农补贴", "cycle": "quarterly", "grace_days": 15, "privacy": True,
                  "content": "惠农补贴的对象、项目、标准和发放金额"},
    "low-income-aid": {"name": "低保救助", "cycle": "quarterly", "grace_days": 15,
                       "privacy": True, "window_days": 7, "basis": "《社会救助暂行办法》",
                       "content": "最低生活保障、特困供养对象的户主姓名、保障人数、保障金额和类别"},
    "major-matters": {"name": "重大事项", "cycle": "event", "max_interval_days": 92,
                      "content": "村民会议、村民代表会议决定的事项及其实施情况"},
    "service-guides": {"name": "办事指南", "cycle": "review", "review_days": 365,
                       "basis": "《中华人民共和国政府信息公开条例》第二十条",
                       "content": "办理事项的依据、条件、材料、流程、时限和地点"},
}


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    cycle: str
    grace_days: int = 0
    max_interval_days: int | None = None
    review_days: int | None = None
    window_days: int | None = None
    privacy: bool = False
    basis: str = ""
    required: bool = True
    require: tuple[str, ...] = ()
    content: str = ""
    responsible: str = ""
    audience: str = "社会公众"
    channel: str = "公开栏、公开网站"
    review: tuple[str, ...] = ()                 # bodies that sign off before posting (reviewed_by), e.g. 民主理财小组
    window_workdays: int | None = None           # 公示期 in official working days, instead of window_days
    annual_item: str | None = None               # the row of the annual report's table 二 its notices count in (annual.py)

    @property
    def is_periodic(self) -> bool:
        return self.cycle in CYCLE_KINDS

    @property
    def period_kind(self) -> str | None:
        return CYCLE_KINDS.get(self.cycle)

    @property
    def cycle_label(self) -> str:
        return CYCLE_LABELS[self.cycle]

    @property
    def nil_label(self) -> str:
        """What a nil return says: 本期无财务收支, 本季度无重大事项 (the one place these words are made)."""
        subject = NIL_SUBJECTS.get(self.slug) or self.name.removesuffix("公开") or self.name
        if self.is_periodic:
            return f"本期无{subject}"
        if self.cycle == "event":
            days = self.max_interval_days or 0
            span = next((word for limit, word in NIL_SPANS if days and days <= limit), "近期")
            return f"{span}无{subject}"
        return f"暂无{subject}"


_CATEGORY_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "cycle": (str,), "grace_days": (int,), "max_interval_days": (int, type(None)),
    "review_days": (int, type(None)), "window_days": (int, type(None)), "privacy": (bool,),
    "basis": (str,), "required": (bool,), "require": (list, tuple), "content": (str,),
    "responsible": (str,), "audience": (str,), "channel": (str,),
    "review": (list, tuple), "window_workdays": (int, type(None)), "annual_item": (str, type(None)),
}


@dataclass(frozen=True)
class Board:
    slug: str
    name: str
    kind: str
    categories: tuple[str, ...]
    sections: Mapping[str, Category] = field(default_factory=dict)
    contacts: Mapping[str, str] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return BOARD_KINDS[self.kind]


@dataclass(frozen=True)
class Config:
    base_dir: Path
    content_dir: Path
    sitename: str
    siteurl: str
    timezone: str
    start: dt.date
    today: dt.date
    categories: Mapping[str, Category]
    boards: tuple[Board, ...]
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    late_workdays: int = 20
    contacts: Mapping[str, str] = field(default_factory=dict)
    latest: int = 5
    paper: str = "A4"
    landscape: bool = False
    pdf: bool = False
    search: bool = True
    precompress: bool = False
    attachment_max_mb: int = 20                  # GONGKAI_ATTACHMENT_MAX_MB
    publish_to: str | None = None
    annual_due: tuple[int, int] = (3, 31)        # GONGKAI_ANNUAL_DUE (month, day)
    page_dirs: tuple[str, ...] = ("pages",)      # PAGE_PATHS
    static_dirs: tuple[str, ...] = ("images",)   # STATIC_PATHS
    ignore_files: tuple[str, ...] = ()           # IGNORE_FILES (patterns of names)
    author: str = ""                             # AUTHOR
    output_dir: Path = Path("output")            # OUTPUT_PATH, resolved
    settings_file: str = "pelicanconf.py"        # the settings file's name, beside base_dir (problems name it)
    publishing: bool = False                     # gongkai publish: placeholders are errors, not warnings
    townships: tuple = ()                        # GONGKAI_TOWNSHIPS (county.TownshipSource): a county site
    scoring: Any = None                          # GONGKAI_COUNTY_SCORING (county.Scoring)

    @property
    def is_county(self) -> bool:
        """A county site: it aggregates the townships' status.json instead of reading notices of its own boards."""
        return bool(self.townships)
    settings_file: str = "pelicanconf.py"        # the settings file's name, beside base_dir (problems name it)
    publishing: bool = False                     # gongkai publish: placeholders are errors, not warnings

    # -- lookups -------------------------------------------------------
    def board(self, slug: str) -> Board:
        return next(b for b in self.boards if b.slug == slug)

    def section(self, board: str, category: str) -> Category:
        """The category as it applies on one board (per-board overrides)."""
        return self.board(board).sections[category]

    @cached_property
    def _spellings(self) -> tuple[dict[str, str], dict[str, str]]:
        return ({s: b.slug for b in self.boards for s in (b.slug, b.name)},
                {s: c.slug for c in self.categories.values() for s in (c.slug, c.name)})

    def board_spellings(self) -> dict[str, str]:
        return self._spellings[0]

    def category_spellings(self) -> dict[str, str]:
        return self._spellings[1]

    def resolve_board(self, name: object) -> str:
        """A board's slug from its slug or name; :class:`UnknownName` suggests the closest."""
        names = {b.slug: b.name for b in self.boards}
        return _resolve(str(name).strip(), self.board_spellings(), "公开栏", names)

    def resolve_category(self, name: object) -> str:
        names = {c.slug: c.name for c in self.categories.values()}
        return _resolve(str(name).strip(), self.category_spellings(), "公开类别", names)

    def shown_texts(self) -> list[tuple[str, str]]:
        """(setting, text) of every setting the site shows on its pages."""
        texts = [("SITENAME", self.sitename), ("AUTHOR", self.author),
                 *(("GONGKAI_CONTACTS", f"{k} {v}") for k, v in self.contacts.items())]
        texts += [(f"GONGKAI_CATEGORIES[{c.slug!r}]", " ".join((c.name, c.basis, c.content, c.responsible,
                                                                c.audience, c.channel))) for c in self.categories.values()]
        for b in self.boards:
            texts.append((f"GONGKAI_BOARDS[{b.slug!r}]", " ".join((b.name, *(f"{k} {v}" for k, v in b.contacts.items())))))
            texts.append((f"GONGKAI_BOARDS[{b.slug!r}]['cycles']", " ".join(c.basis + c.name for c in b.sections.values())))
        return texts

    def relpath(self, path: Path) -> str:
        """A path as problems name it: relative to the settings' directory, with /."""
        try:
            return Path(os.path.relpath(path, self.base_dir)).as_posix()
        except ValueError:  # another drive on Windows
            return Path(path).as_posix()

    # -- construction --------------------------------------------------
    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], base_dir: Path | str, today: dt.date | str | None = None
    ) -> Config:
        for key in settings:
            if key.startswith("GONGKAI_") and key not in _SETTING_NAMES:
                hint = closest(key, {n: n for n in _SETTING_NAMES})
                raise SettingsError(key, "不认识的设置名" + (f"，是否想写 {hint}？" if hint else "。"))

        base = Path(base_dir).resolve()
        tz = str(settings.get("TIMEZONE") or "Asia/Shanghai")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError("TIMEZONE", f"时区“{tz}”不存在，请写 Asia/Shanghai。") from None
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            values[setting.name] = setting.value(settings.get(setting.name), values)
        boards = values["GONGKAI_BOARDS"]
        paper, landscape = values["GONGKAI_PAPER"]
        page_dirs = _folders("PAGE_PATHS", settings.get("PAGE_PATHS", ("pages",)))
        static_dirs = _folders("STATIC_PATHS", settings.get("STATIC_PATHS", ("images",)))
        ignore = _folders("IGNORE_FILES", settings.get("IGNORE_FILES", ()))
        config = cls(
            base_dir=base,
            content_dir=(base / str(settings.get("PATH") or "content")).resolve(),
            sitename=_sitename(settings.get("SITENAME"), boards),
            author=str(settings.get("AUTHOR") or ""),
            output_dir=(base / str(settings.get("OUTPUT_PATH") or "output")).resolve(),
            siteurl=str(settings.get("SITEURL") or "").rstrip("/"),
            timezone=tz,
            start=values["GONGKAI_START"],
            today=resolve_today(today, values["GONGKAI_TODAY"], tz),
            categories=FrozenMap(values["GONGKAI_CATEGORIES"]),
            boards=boards,
            holidays=values["GONGKAI_HOLIDAYS"],
            workdays=values["GONGKAI_WORKDAYS"],
            late_workdays=values["GONGKAI_LATE_WORKDAYS"],
            contacts=values["GONGKAI_CONTACTS"],
            latest=values["GONGKAI_LATEST"],
            paper=paper,
            landscape=landscape,
            pdf=values["GONGKAI_PDF"],
            search=values["GONGKAI_SEARCH"],
            precompress=values["GONGKAI_PRECOMPRESS"],
            attachment_max_mb=values["GONGKAI_ATTACHMENT_MAX_MB"],
            publish_to=values["GONGKAI_PUBLISH_TO"],
            annual_due=values["GONGKAI_ANNUAL_DUE"],
            townships=values["GONGKAI_TOWNSHIPS"],
            scoring=values["GONGKAI_COUNTY_SCORING"],
            page_dirs=page_dirs,
            static_dirs=static_dirs,
            ignore_files=ignore,
        )
        _no_personal_numbers(config)
        check_output(config.output_dir, config)
        return config


def _no_personal_numbers(config: Config) -> None:
    """Settings text is shown on every page: an ID or bank-card number in it is a settings error."""
    from .privacy import PHONE, find, mask

    for key, text in config.shown_texts():
        for finding in find(text):
            if finding.code != PHONE and finding.checked:
                raise SettingsError(key, f"设置里出现了身份证号或银行卡号（{mask(finding.code, finding.digits)}），"
                                    "它会出现在网站的每一页上。请删除或打码。")


def check_output(output: Path, config: Config) -> Path:
    """The output folder is emptied and rewritten: never the root, the site, the home folder or the content."""
    output = output.resolve()
    covers = [p for p in (config.base_dir, config.content_dir, Path.home()) if output == p or output in p.parents]
    if covers or config.content_dir in output.parents:
        raise SettingsError("OUTPUT_PATH", f"输出目录 {output} 不能是根目录、站点目录、主目录、公告目录或它们的上级，"
                            "也不能放在公告目录里：生成网站时它会被重写。请写 OUTPUT_PATH = \"output\"。")
    return output


class UnknownName(ValueError):
    """A board or category name that is not in the settings; the message suggests the closest."""


def _resolve(name: str, spellings: dict[str, str], what: str, names: dict[str, str]) -> str:
    """The slug for a slug or name; the error suggests the closest by the Chinese name a clerk knows, code after."""
    if name in spellings:
        return spellings[name]
    hint = closest(name, spellings)
    known = "、".join(f"{names[slug]}（{slug}）" for slug in names)
    raise UnknownName(f"没有名为“{name}”的{what}。" + (f"是否想写 {names[hint]}（{hint}）？" if hint else "")
                      + f"可用的{what}：{known}。")


def _sitename(name: Any, boards: tuple[Board, ...]) -> str:
    """The site's name; Pelican's placeholder gives way to the township's own."""
    if name and name != "A Pelican Blog":
        return str(name)
    township = next((b.name for b in boards if b.kind == "township"), None)
    return f"{township}信息公开" if township else "村务政务公开"


def resolve_today(override: dt.date | str | None, setting: Any, tz: str) -> dt.date:
    """The one place that decides what "today" is.

    Precedence: an explicit override (``--today``), then the environment
    variable ``GONGKAI_TODAY``, then the setting, then the calendar in ``tz``.
    """
    for key, value in (("--today", override), ("GONGKAI_TODAY", os.environ.get("GONGKAI_TODAY")),
                       ("GONGKAI_TODAY", setting)):
        if value not in (None, ""):
            return _date_setting(key, value)
    return dt.datetime.now(ZoneInfo(tz)).date()


def built_at(tz: str) -> dt.datetime:
    """The time a build says it was made, in ``tz``.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds
    convention) fixes it, so that two builds of the same sources are the same
    bytes; otherwise it is the clock.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), ZoneInfo(tz))
    return dt.datetime.now(ZoneInfo(tz))


def load_settings_file(path: Path | str) -> dict[str, Any]:
    """Run a Pelican settings file and return its upper-case names.

    Used by the command line, which must not wait for Pelican to import.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise SettingsError(str(path), "找不到设置文件，请在站点目录（有 pelicanconf.py 的目录）运行，或用 -s 指定。")
    folder = str(path.parent)
    sys.path.insert(0, folder)
    try:
        values = runpy.run_path(str(path))
    except SyntaxError as exc:
        raise SettingsError(f"{path.name}:{exc.lineno}", f"设置文件有语法错误：{exc.msg}") from None
    except SystemExit as exc:  # sys.exit() or exit() in the settings would end gongkai without a word
        raise SettingsError(path.name, f"设置文件调用了 sys.exit()/exit()（退出码 {exc.code!r}），没有运行完。"
                            "请删去这一句：设置文件只应给 GONGKAI_BOARDS 等设置赋值。") from None
    except KeyboardInterrupt:
        raise SettingsError(path.name, "读取设置文件时被中断（Ctrl+C 或设置文件里的 raise KeyboardInterrupt）。"
                            "请重新运行；如果设置文件里有 raise KeyboardInterrupt，请删去。") from None
    except BaseException as exc:  # the settings file is user code: nothing it raises may escape unexplained
        raise SettingsError(path.name, f"设置文件运行出错：{type(exc).__name__}: {exc}。"
                            "请按报错修改设置文件，或用 gongkai init 生成的设置文件对照检查。") from None
    finally:
        sys.path.remove(folder)
    return {k: v for k, v in values.items() if k.isupper()}


def load(settings_path: Path | str, *, today: dt.date | str | None = None) -> tuple[dict[str, Any], Config]:
    """The one way every command reads a site's settings: the file's own values, and the Config."""
    path = Path(settings_path).resolve()
    own = load_settings_file(path)
    config = Config.from_settings(own, path.parent, today=today)
    return own, config if path.name == config.settings_file else replace(config, settings_file=path.name)


# -- validation helpers --------------------------------------------------

def _folders(key: str, value: Any) -> tuple[str, ...]:
    """PAGE_PATHS, STATIC_PATHS, IGNORE_FILES: lists of names, as Pelican takes them."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or not all(isinstance(v, str) for v in value):
        raise SettingsError(key, f"应为文字的列表，例如 [\"pages\"]，现在是 {value!r}。")
    return tuple(v.replace("\\", "/").strip("/") for v in value)

def _paper(value: Any) -> tuple[str, bool]:
    words = str(value).split()
    size = words[0].upper() if words else ""
    rest = [w.lower() for w in words[1:]]
    if size not in ("A4", "A3") or rest not in ([], ["portrait"], ["landscape"]):
        raise SettingsError("GONGKAI_PAPER", f"纸张“{value}”无效，应为 \"A4\"、\"A3\"、\"A4 landscape\" 或 \"A3 landscape\"。")
    return size, rest == ["landscape"]


def _month_day(key: str, value: Any) -> tuple[int, int]:
    """A day of the year written MM-DD (03-31)."""
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(value).strip())
    try:
        if match is None:
            raise ValueError
        dt.date(2001, int(match[1]), int(match[2]))  # not a leap year: 02-29 would be missing some years
    except ValueError:
        raise SettingsError(key, f"应为“月-日”，例如 \"03-31\"，现在是 {value!r}。") from None
    return int(match[1]), int(match[2])


def _optional_str(key: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return value.strip() if value else None
    raise SettingsError(key, f"应为文字（例如 \"/srv/www/gongkai\" 或 \"user@host:/srv/www/gongkai\"），现在是 {value!r}。")


def _flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(key, f"应为 True 或 False，现在是 {value!r}。")
    return value


def _date_setting(key: str, value: Any) -> dt.date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise SettingsError(key, str(exc)) from None


def _date_set(key: str, values: Any) -> frozenset[dt.date]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise SettingsError(key, "应为日期列表，例如 [\"2027-01-01\", \"2027-02-10\"]。")
    return frozenset(_date_setting(key, v) for v in values)


def _str_mapping(key: str, value: Any) -> FrozenMap:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise SettingsError(key, "应为 {名称: 文字} 的字典，例如 {\"监督电话\": \"0371-63851234\"}。")
    return FrozenMap(dict(value))


MAX_DAYS = 3660  # ten years: any count of days beyond it is a typing mistake


def _whole(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DAYS:
        raise SettingsError(key, f"应为正整数（不超过 {MAX_DAYS}），现在是 {value!r}。")
    return value


def _positive(key: str, value: Any, allow_zero: bool = True) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and (value > 0 or (allow_zero and value == 0)) \
            and value <= MAX_DAYS:
        return
    raise SettingsError(key, f"应为不超过 {MAX_DAYS} 的{'非负' if allow_zero else '正'}整数（天数），现在是 {value!r}。")


def _read_category(slug: str, raw: Any, key: str) -> Category:
    if not isinstance(raw, Mapping):
        raise SettingsError(key, "每个类别应为字典，例如 {\"name\": \"财务公开\", \"cycle\": \"monthly\"}。")
    values = dict(raw)
    for name, value in values.items():
        if name not in _CATEGORY_TYPES:
            hint = closest(str(name), {n: n for n in _CATEGORY_TYPES})
            raise SettingsError(f"{key}[{name!r}]", "不认识的类别设置" + (f"，是否想写 {hint}？" if hint else "。"))
        if not isinstance(value, _CATEGORY_TYPES[name]) or (
            isinstance(value, bool) and bool not in _CATEGORY_TYPES[name]
        ):
            raise SettingsError(f"{key}[{name!r}]", f"值 {value!r} 的类型不对。")
    if "name" not in values or not values["name"].strip():
        raise SettingsError(f"{key}['name']", "每个类别都要有中文名称。")
    cycle = values.get("cycle")
    if cycle not in CYCLES:
        hint = closest(str(cycle), {c: c for c in CYCLES})
        raise SettingsError(
            f"{key}['cycle']",
            f"更新周期 {cycle!r} 无效，应为 {' | '.join(CYCLES)} 之一" + (f"（是否想写 {hint}？）" if hint else "。"),
        )
    for name in ("grace_days", "window_days"):
        if values.get(name) is not None:
            _positive(f"{key}[{name!r}]", values[name])
    for name in ("max_interval_days", "review_days"):
        if values.get(name) is not None:
            _positive(f"{key}[{name!r}]", values[name], allow_zero=False)
    if cycle == "review" and values.get("review_days") is None:
        raise SettingsError(f"{key}['review_days']", "复核类（review）类别必须设置 review_days（多少天复核一次）。")
    values["require"] = tuple(str(f) for f in values.get("require", ()))
    _read_review_settings(values, key)
    return Category(slug=slug, **values)


def _read_review_settings(values: dict[str, Any], key: str) -> None:
    """``review`` (bodies that sign off), ``window_workdays`` and ``annual_item``, checked in place."""
    review = values.get("review", ())
    if any(not isinstance(b, str) or not b.strip() for b in review):
        raise SettingsError(f"{key}['review']", "应为审核机构名称的列表，例如 [\"民主理财小组\"]。")
    values["review"] = tuple(b.strip() for b in review)
    if values.get("window_workdays") is not None:
        _positive(f"{key}['window_workdays']", values["window_workdays"], allow_zero=False)
        if values.get("window_days") is not None:
            raise SettingsError(f"{key}['window_workdays']", "window_days（自然日）和 window_workdays（工作日）只能设一个。")
    item = values.get("annual_item")
    if item is not None:
        from .annual import ANNUAL_ITEMS

        if item not in ANNUAL_ITEMS:
            raise SettingsError(f"{key}['annual_item']", f"应为 {'、'.join(ANNUAL_ITEMS)} 之一，现在是 {item!r}。")


def _read_categories(raw: Any) -> dict[str, Category]:
    key = "GONGKAI_CATEGORIES"
    if not isinstance(raw, Mapping) or not raw:
        raise SettingsError(key, "应为非空字典：{类别代码: {name, cycle, …}}。")
    categories = {}
    for slug, value in raw.items():
        if not isinstance(slug, str) or not SLUG.fullmatch(slug):
            raise SettingsError(f"{key}[{slug!r}]", "类别代码只能用小写英文字母、数字和连字符（-），"
                                f"用作网址的一部分，例如 finance、low-income-aid。{_slug_hint(slug)}")
        categories[slug] = _read_category(slug, value, f"{key}[{slug!r}]")
    return categories


_BOARD_KEYS = {"slug", "name", "kind", "categories", "cycles", "contacts"}
# Board and category codes are parts of every address: lower-case ASCII words joined by hyphens.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _slug_hint(slug: Any) -> str:
    if not isinstance(slug, str):
        return f"现在是 {slug!r}。"
    fixed = re.sub(r"[^a-z0-9]+", "-", slug.strip().lower()).strip("-")
    return f"现在是 {slug!r}" + (f"，是否想写 {fixed!r}？" if fixed and fixed != slug else "。")


def _county():
    """county.py, which reads the county settings; imported when read (it imports this module)."""
    from . import county

    return county


def _read_boards(raw: Any, categories: Mapping[str, Category], county: bool = False) -> tuple[Board, ...]:
    key = "GONGKAI_BOARDS"
    if isinstance(raw, (str, bytes, Mapping)) or not hasattr(raw, "__iter__"):
        raise SettingsError(key, "应为列表：[{\"slug\": \"nanwan\", \"name\": \"南湾村\", …}, …]。")
    boards: list[Board] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            raise SettingsError(where, "每个公开栏应为字典。")
        for name in item:
            if name not in _BOARD_KEYS:
                hint = closest(str(name), {n: n for n in _BOARD_KEYS})
                raise SettingsError(f"{where}[{name!r}]", "不认识的公开栏设置" + (f"，是否想写 {hint}？" if hint else "。"))
        slug, name = item.get("slug"), item.get("name")
        if not isinstance(slug, str) or not SLUG.fullmatch(slug):
            raise SettingsError(f"{where}['slug']", "公开栏代码（slug）只能用小写英文字母、数字和连字符（-），"
                                f"用作网址的一部分，例如 nanwan（南湾村的拼音）。{_slug_hint(slug)}")
        if not isinstance(name, str) or not name.strip():
            raise SettingsError(f"{where}['name']", "公开栏要有中文名称，例如 南湾村。")
        for spelling in (slug, name):
            if spelling in seen:
                raise SettingsError(f"{where}", f"“{spelling}”与另一个公开栏重复。")
            seen[spelling] = slug
        kind = item.get("kind", "village")
        if kind not in BOARD_KINDS:
            raise SettingsError(f"{where}['kind']", f"应为 township（乡镇）或 village（村），现在是 {kind!r}。")
        cats = item.get("categories", list(categories))
        if isinstance(cats, str) or not hasattr(cats, "__iter__"):
            raise SettingsError(f"{where}['categories']", "应为类别代码的列表。")
        for cat in cats:
            if cat not in categories:
                hint = closest(str(cat), {s: c.slug for c in categories.values() for s in (c.slug, c.name)})
                raise SettingsError(f"{where}['categories']", f"类别 {cat!r} 没有在 GONGKAI_CATEGORIES 中定义"
                                    + (f"，是否想写 {categories[hint].name}（{hint!r}）？" if hint else "。"))
        overrides = item.get("cycles", {})
        if not isinstance(overrides, Mapping):
            raise SettingsError(f"{where}['cycles']", "应为字典，例如 {\"finance\": \"quarterly\"}。")
        sections = {}
        for cat in cats:
            override = overrides.get(cat)
            base = categories[cat]
            if override is None:
                sections[cat] = base
                continue
            patch = {"cycle": override} if isinstance(override, str) else override
            merged = {k: v for k, v in vars(base).items() if k != "slug" and v is not None}
            if isinstance(patch, Mapping):
                merged.update(patch)
            sections[cat] = _read_category(cat, merged if isinstance(patch, Mapping) else patch,
                                           f"{where}['cycles'][{cat!r}]")
        for cat in overrides:
            if cat not in cats:
                raise SettingsError(f"{where}['cycles'][{cat!r}]", "该公开栏没有这个类别，无法覆盖其周期。")
        contacts = _str_mapping(f"{where}['contacts']", item.get("contacts", {}))
        boards.append(Board(slug=slug, name=name, kind=kind, categories=tuple(cats),
                            sections=FrozenMap(sections), contacts=contacts))
    if not boards and not county:
        raise SettingsError(key, "至少要有一个公开栏。请在 pelicanconf.py 中写明，例如 GONGKAI_BOARDS = "
                            "[{\"slug\": \"nanwan\", \"name\": \"南湾村\", \"kind\": \"village\"}]。")
    return tuple(boards)

