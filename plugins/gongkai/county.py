"""A county site: every township's published ``status.json``, read, checked, scored and put together.

Townships build and publish on their own; a county needs nothing but the
``status.json`` each one publishes (model.report). A site whose settings set
``GONGKAI_TOWNSHIPS`` is a county site: at every build this module

1. **fetches** each township's status.json, from a URL (with a timeout and a
   few retries) or a local path, several at once;
2. **validates** it (a page of HTML, half a file or another program's JSON is
   refused, never half-read);
3. **keeps the last good copy** under the cache folder, with the time it was
   read: an unreachable township or one that returns garbage is shown from
   that copy, marked with its age, and reported as a warning with a code —
   never a traceback, never a blank county;
4. **scores** every township and village by the county's own rules
   (``GONGKAI_COUNTY_SCORING``), each score with the rule that made it;
5. **models the county** for the templates, ``/county.json`` and the feed of
   sections that became overdue since the previous county build.

Pure Python: nothing here imports Pelican (county_site.py is the adapter).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .problems import Problem, warning

TIMEOUT = 10.0        # seconds for one attempt to read a township's status.json
ATTEMPTS = 3          # attempts before a township counts as unreachable
BACKOFF = 0.5         # seconds before the second attempt, doubling after
MAX_BYTES = 20 << 20  # a status.json is a few hundred KB; anything near this is not one
WORKERS = 16          # townships read at once
STATUSES = ("current", "due", "overdue")
FEED_SIZE = 100
USER_AGENT = "gongkai-county (+https://github.com/gongkai)"

# Lights: never the colour alone — each has its words (and the templates a shape).
GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"
LIGHT_LABELS = {GREEN: "绿灯", AMBER: "黄灯", RED: "红灯", UNKNOWN: "无数据"}
LIGHT_ORDER = {RED: 0, AMBER: 1, GREEN: 2, UNKNOWN: 3}


# -- settings ------------------------------------------------------------------

@dataclass(frozen=True)
class TownshipSource:
    """One line of ``GONGKAI_TOWNSHIPS``: where the county reads a township's status."""

    slug: str
    name: str
    status: str             # the address of its status.json (http/https), or a path to it
    url: str | None = None  # its public address, when its status.json does not carry one

    @property
    def is_remote(self) -> bool:
        return self.status.startswith(("http://", "https://"))


def read_townships(key: str, value: Any) -> tuple[TownshipSource, ...]:
    """``GONGKAI_TOWNSHIPS``: a list of ``{slug, name, status, url}``; errors name the entry and key."""
    from .config import SLUG, SettingsError

    if value in (None, ()):
        return ()
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise SettingsError(key, "应为列表：[{\"slug\": \"dongdadi\", \"name\": \"东大地乡\", "
                            "\"status\": \"https://…/status.json\"}, …]。")
    found: list[TownshipSource] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            raise SettingsError(where, "每个乡镇应为字典，例如 {\"slug\": \"dongdadi\", \"name\": \"东大地乡\", "
                                "\"status\": \"https://dongdadi.example.gov.cn/status.json\"}。")
        unknown = set(item) - {"slug", "name", "status", "url"}
        if unknown:
            raise SettingsError(f"{where}[{sorted(unknown)[0]!r}]", "不认识的乡镇设置，只能写 slug、name、status、url。")
        slug, name, status, url = item.get("slug"), item.get("name"), item.get("status"), item.get("url")
        if not isinstance(slug, str) or not SLUG.fullmatch(slug):
            raise SettingsError(f"{where}['slug']", "乡镇代码只能用小写英文字母、数字和连字符（-），用作网址的一部分，"
                                f"例如 dongdadi。现在是 {slug!r}。")
        if slug in seen:
            raise SettingsError(f"{where}['slug']", f"乡镇代码 {slug} 重复了。")
        seen.add(slug)
        if not isinstance(name, str) or not name.strip():
            raise SettingsError(f"{where}['name']", "乡镇要有中文名称，例如 东大地乡。")
        if not isinstance(status, str) or not status.strip():
            raise SettingsError(f"{where}['status']", "请写乡镇网站 status.json 的地址（https://…/status.json）或本机路径。")
        if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            raise SettingsError(f"{where}['url']", f"应为乡镇网站的网址，以 https:// 开头，现在是 {url!r}。")
        found.append(TownshipSource(slug, name.strip(), status.strip(), url.rstrip("/") if url else None))
    return tuple(found)


@dataclass(frozen=True)
class Scoring:
    """The county's assessment rules (``GONGKAI_COUNTY_SCORING``). Every score shows :meth:`rule`."""

    full: int = 100                 # points before deductions
    per_overdue_section: float = 2  # points off per overdue section
    per_overdue_week: float = 1     # points off per full week overdue, summed over sections
    max_deduction: float = 40       # the most a township or village can lose
    green: float = 90               # a score at or above this is a green light
    amber: float = 75               # at or above this (below green) amber; below it red
    home_idle_days: int = 14        # veto: the newest disclosure of a township older than this
    section_idle_days: int = 180    # veto: an overdue section whose latest disclosure is older than this
    empty_sections: int = 5         # veto: this many sections with nothing ever disclosed

    def rule(self) -> str:
        """The whole rule in one sentence, shown beside the scores."""
        return (f"满分 {_num(self.full)} 分；每个逾期栏目扣 {_num(self.per_overdue_section)} 分，"
                f"各栏目逾期每满 7 天再扣 {_num(self.per_overdue_week)} 分，最多扣 {_num(self.max_deduction)} 分；"
                f"{_num(self.green)} 分及以上为绿灯，{_num(self.amber)} 分及以上为黄灯，其余为红灯。"
                f"单项否决（直接红灯）：乡镇最新公开超过 {self.home_idle_days} 天；"
                f"逾期栏目超过 {self.section_idle_days} 天未更新；空白栏目达到 {self.empty_sections} 个。")


def read_scoring(key: str, value: Any) -> Scoring:
    """``GONGKAI_COUNTY_SCORING``: numbers by name; the keys left out keep their defaults."""
    from .config import SettingsError

    if value is None:
        return Scoring()
    if not isinstance(value, Mapping):
        raise SettingsError(key, "应为字典，例如 {\"per_overdue_section\": 3, \"max_deduction\": 30}。")
    known = {f.name: f for f in fields(Scoring)}
    values: dict[str, Any] = {}
    for name, number in value.items():
        if name not in known:
            raise SettingsError(f"{key}[{name!r}]", f"不认识的考核规则，可用的有：{'、'.join(known)}。")
        whole = name.endswith(("_days", "_sections"))
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0 or math.isinf(number) \
                or number != number or (whole and not isinstance(number, int)) or number > 100_000:
            raise SettingsError(f"{key}[{name!r}]", f"应为不小于 0 的{'整' if whole else ''}数，现在是 {number!r}。")
        values[name] = number
    scoring = Scoring(**values)
    if scoring.amber > scoring.green or scoring.green > scoring.full:
        raise SettingsError(key, "应满足 amber ≤ green ≤ full（黄灯分数线不高于绿灯分数线，绿灯分数线不高于满分）。")
    return scoring


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# -- reading a township's status.json ---------------------------------------------

class Unreadable(Exception):
    """The status could not be had: ``code`` is ``county.unreachable`` or ``county.invalid``."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def fetch(source: TownshipSource, base_dir: Path, *, timeout: float = TIMEOUT, attempts: int = ATTEMPTS,
          sleep: Callable[[float], None] = time.sleep) -> bytes:
    """The bytes of the township's status.json; :class:`Unreadable` when there are none.

    Network failures and server errors (5xx) are tried again; a 4xx answer is not,
    nor is a file that is not there.
    """
    if not source.is_remote:
        path = Path(source.status).expanduser()
        path = path if path.is_absolute() else base_dir / path
        try:
            with open(path, "rb") as handle:
                return handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise Unreadable("county.unreachable", f"无法读取文件 {path}（{exc.strerror or type(exc).__name__}）") from None
    delay, reason = BACKOFF, ""
    for attempt in range(attempts):
        if attempt:
            sleep(delay)
            delay *= 2
        request = urllib.request.Request(source.status, headers={"User-Agent": USER_AGENT,
                                                                 "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # http(s) only, checked above
                return _read_within(response, time.monotonic() + timeout * 3)
        except urllib.error.HTTPError as exc:
            reason = f"服务器回答 HTTP {exc.code}"
            if exc.code < 500:
                break
        except (urllib.error.URLError, OSError) as exc:
            why = getattr(exc, "reason", exc)
            reason = "连接超时" if isinstance(why, TimeoutError) or "timed out" in str(why) else f"无法连接（{why}）"
    raise Unreadable("county.unreachable", f"{reason}，已尝试 {attempts} 次" if attempts > 1 else reason)


def _read_within(response, deadline: float) -> bytes:
    """The body, unless it takes past ``deadline`` (a server that sends a byte a second never ends)."""
    chunks, size = [], 0
    while size <= MAX_BYTES:
        chunk = response.read1(1 << 16)  # what has arrived: read() would wait for all of it
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
    return b"".join(chunks)


def validate(raw: bytes) -> dict:
    """The parsed status, if it is a gongkai status.json; :class:`Unreadable` (``county.invalid``) if not."""
    if len(raw) > MAX_BYTES:
        raise Unreadable("county.invalid", f"文件超过 {MAX_BYTES >> 20} MB，不像是 status.json")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Unreadable("county.invalid", "不是 UTF-8 文字") from None
    except ValueError as exc:
        start = raw[:60].decode("utf-8", "replace").strip()
        looks = "，收到的像是网页" if start.lower().startswith(("<!doctype", "<html")) else ""
        raise Unreadable("county.invalid", f"不是有效的 JSON（{exc.msg}，第 {exc.lineno} 行）{looks}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not isinstance(data.get("today"), str):
        raise Unreadable("county.invalid", "不是 gongkai 的 status.json（缺少 today 或 sections）")
    try:
        dt.date.fromisoformat(data["today"])
    except ValueError:
        raise Unreadable("county.invalid", f"today 不是日期：{data['today'][:20]!r}") from None
    for i, section in enumerate(data["sections"]):
        problem = _section_problem(section)
        if problem:
            raise Unreadable("county.invalid", f"sections 第 {i + 1} 项{problem}")
    boards = data.get("boards")
    if boards is not None and (not isinstance(boards, list) or not all(
            isinstance(b, dict) and isinstance(b.get("slug"), str) and isinstance(b.get("name"), str) for b in boards)):
        raise Unreadable("county.invalid", "boards 应为公开栏（slug、name）的列表")
    if data.get("site") is not None and not isinstance(data["site"], dict):
        raise Unreadable("county.invalid", "site 应为字典")
    return data


def _section_problem(section: Any) -> str:
    if not isinstance(section, dict):
        return "不是字典"
    for key in ("board", "category"):
        if not isinstance(section.get(key), str) or not section[key]:
            return f"缺少 {key}"
    if section.get("status") not in STATUSES:
        return f"的 status 无效（{str(section.get('status'))[:20]!r}）"
    days = section.get("days_overdue", 0)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        return "的 days_overdue 不是非负整数"
    for key in ("latest_date", "next_deadline"):
        value = section.get(key)
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                return f"的 {key} 不是日期"
    for key in ("url", "name", "latest_period"):
        if section.get(key) is not None and not isinstance(section[key], str):
            return f"的 {key} 不是文字"
    if not isinstance(section.get("missing_periods", []), list):
        return "的 missing_periods 不是列表"
    return ""


@dataclass
class Reading:
    """What the county has of one township this build."""

    source: TownshipSource
    data: dict | None                    # the status used (fresh or the last good copy), None if none ever read
    fetched_at: dt.datetime | None       # when ``data`` was read
    fresh: bool                          # read this build
    problem: Problem | None = None       # why not fresh


def _cache_file(cache_dir: Path, source: TownshipSource) -> Path:
    return cache_dir / f"{source.slug}.json"


def read_township(source: TownshipSource, base_dir: Path, cache_dir: Path, now: dt.datetime,
                  **fetch_options: Any) -> Reading:
    """One township: fresh if possible, else the last good copy; never an exception."""
    try:
        data = validate(fetch(source, base_dir, **fetch_options))
    except Unreadable as exc:
        return _from_cache(source, cache_dir, now, exc)
    except Exception as exc:  # an unforeseen failure in one township must not stop the county
        return _from_cache(source, cache_dir, now, Unreadable("county.unreachable", f"意外错误（{type(exc).__name__}: {exc}）"))
    _save(cache_dir, source, data, now)
    return Reading(source, data, now, True)


def _save(cache_dir: Path, source: TownshipSource, data: dict, now: dt.datetime) -> None:
    """The last good copy, written whole or not at all (a full disk keeps the older copy)."""
    path = _cache_file(cache_dir, source)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"fetched_at": now.isoformat(), "status": source.status, "data": data},
                                        ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _from_cache(source: TownshipSource, cache_dir: Path, now: dt.datetime, failure: Unreadable) -> Reading:
    data, fetched_at = None, None
    try:
        kept = json.loads(_cache_file(cache_dir, source).read_text(encoding="utf-8"))
        data = validate(json.dumps(kept["data"]).encode("utf-8"))
        fetched_at = dt.datetime.fromisoformat(kept["fetched_at"])
    except (OSError, ValueError, KeyError, TypeError, Unreadable):
        data, fetched_at = None, None
    what = "无法读取" if failure.code == "county.unreachable" else "读到的不是有效的 status.json"
    if data is not None:
        shown = f"县级汇总暂用 {_when(fetched_at)} 读取的上一份（{age_words(now - fetched_at)}前）。"
    else:
        shown = "此前也没有读取成功过，县级汇总中该乡镇暂无数据。"
    message = (f"{source.name}（{source.slug}）的公开状态{what}：{failure.reason}。{shown}"
               "请确认该乡镇网站已发布、地址正确（GONGKAI_TOWNSHIPS 中的 status），下次生成时会再读取。")
    return Reading(source, data, fetched_at, False, warning(source.status, 1, failure.code, message))


def _when(moment: dt.datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def age_words(age: dt.timedelta) -> str:
    """How old a copy is, as a clerk says it: 3 小时, 2 天."""
    seconds = max(0, int(age.total_seconds()))
    if seconds < 3600:
        return f"{max(1, seconds // 60)} 分钟"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} 小时"
    return f"{seconds // 86400} 天"


def read_all(sources: Iterable[TownshipSource], base_dir: Path, cache_dir: Path, now: dt.datetime,
             **fetch_options: Any) -> list[Reading]:
    """Every township, several at once, in the order of the settings."""
    sources = list(sources)
    if not sources:
        return []
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(sources))) as pool:
        return list(pool.map(lambda s: read_township(s, base_dir, cache_dir, now, **fetch_options), sources))


# -- the county model ------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    """A score, the arithmetic that made it and the indicators that veto it."""

    value: float
    light: str
    overdue: int          # overdue sections
    weeks: int            # full weeks overdue, summed
    deduction: float      # points off, after the cap
    capped: bool
    vetoes: tuple[str, ...]

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def shown(self) -> str:
        return _num(self.value)

    def working(self, scoring: Scoring) -> str:
        """This score's arithmetic under the rule, e.g. 逾期栏目 2 个 × 2 分 + 逾期 3 周 × 1 分 = 扣 7 分."""
        raw = self.overdue * scoring.per_overdue_section + self.weeks * scoring.per_overdue_week
        text = (f"逾期栏目 {self.overdue} 个 × {_num(scoring.per_overdue_section)} 分 + "
                f"逾期 {self.weeks} 周 × {_num(scoring.per_overdue_week)} 分 = 扣 {_num(raw)} 分")
        if self.capped:
            text += f"（封顶扣 {_num(scoring.max_deduction)} 分）"
        return text + f"，得 {self.shown} 分"


@dataclass(frozen=True)
class CountySection:
    township: str          # the township's slug
    board: str
    category: str
    name: str              # the category's name on that board
    status: str
    days_overdue: int
    next_deadline: str | None
    latest_date: str | None
    latest_period: str | None
    missing_periods: tuple[str, ...]
    url: str | None        # the township's own section page, absolute; None when its address is unknown
    board_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.township}/{self.board}/{self.category}"

    @property
    def became_overdue(self) -> str | None:
        """The day after the deadline it missed."""
        if self.status != "overdue" or not self.next_deadline:
            return None
        return (dt.date.fromisoformat(self.next_deadline) + dt.timedelta(days=1)).isoformat()


@dataclass
class CountyBoard:
    """A village (or the township's own board) as the county sees it."""

    slug: str
    name: str
    kind: str
    status: str
    url: str | None
    sections: list[CountySection]
    owed: int = 0
    on_time: int = 0
    score: Score | None = None

    @property
    def rate(self) -> float | None:
        return self.on_time / self.owed if self.owed else None


@dataclass
class CountyTownship:
    source: TownshipSource
    reading: Reading
    boards: list[CountyBoard] = field(default_factory=list)
    url: str | None = None           # its public home page
    today: str | None = None         # the day its status was computed
    built_at: str | None = None
    score: Score | None = None
    search: tuple[str, ...] = ()     # its published search indexes, absolute

    @property
    def slug(self) -> str:
        return self.source.slug

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def has_data(self) -> bool:
        return self.reading.data is not None

    @property
    def sections(self) -> list[CountySection]:
        return [s for b in self.boards for s in b.sections]

    @property
    def status(self) -> str | None:
        if not self.has_data:
            return None
        return max((s.status for s in self.sections), key=STATUSES.index, default="current")

    @property
    def owed(self) -> int:
        return sum(b.owed for b in self.boards)

    @property
    def on_time(self) -> int:
        return sum(b.on_time for b in self.boards)

    @property
    def rate(self) -> float | None:
        return self.on_time / self.owed if self.owed else None

    @property
    def villages(self) -> list[CountyBoard]:
        return [b for b in self.boards if b.kind == "village"]

    @property
    def page(self) -> str:
        return f"townships/{self.slug}.html"

    @property
    def source_shown(self) -> str | None:
        """Where its status is read, as the county's pages may say it: an address, never a path on the county's machine."""
        return self.source.status if self.source.is_remote else None

    def age(self, now: dt.datetime) -> str | None:
        """How old the status shown is, when it is not this build's."""
        if self.reading.fresh or self.reading.fetched_at is None:
            return None
        return age_words(now - self.reading.fetched_at)


@dataclass
class County:
    name: str
    today: dt.date
    now: dt.datetime
    scoring: Scoring
    townships: list[CountyTownship]
    events: list[dict] = field(default_factory=list)  # sections that became overdue, newest first

    @property
    def problems(self) -> list[Problem]:
        return [t.reading.problem for t in self.townships if t.reading.problem is not None]

    @property
    def overdue(self) -> list[CountySection]:
        """Every overdue section in the county, worst first."""
        rows = [s for t in self.townships for s in t.sections if s.status == "overdue"]
        return sorted(rows, key=lambda s: (-s.days_overdue, s.township, s.board, s.category))

    def township(self, slug: str) -> CountyTownship:
        return next(t for t in self.townships if t.slug == slug)

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATUSES, 0)
        for township in self.townships:
            for section in township.sections:
                result[section.status] += 1
        return result

    def lights(self) -> dict[str, int]:
        result = dict.fromkeys(LIGHT_LABELS, 0)
        for township in self.townships:
            result[township.score.light if township.score else UNKNOWN] += 1
        return result

    @property
    def stale(self) -> list[CountyTownship]:
        return [t for t in self.townships if not t.reading.fresh]

    def rule(self) -> str:
        return self.scoring.rule()


def score(sections: list[CountySection], scoring: Scoring, today: dt.date, *, township: bool) -> Score:
    """The score and light of one township (``township=True``) or one board, under the county's rules."""
    overdue = [s for s in sections if s.status == "overdue"]
    weeks = sum(s.days_overdue // 7 for s in overdue)
    raw = len(overdue) * scoring.per_overdue_section + weeks * scoring.per_overdue_week
    deduction = min(raw, scoring.max_deduction)
    value = max(0, scoring.full - deduction)
    vetoes: list[str] = []
    if township:
        newest = max((s.latest_date for s in sections if s.latest_date), default=None)
        idle = (today - dt.date.fromisoformat(newest)).days if newest else None
        if idle is None or idle > scoring.home_idle_days:
            vetoes.append(f"最新公开已 {idle} 天（超过 {scoring.home_idle_days} 天）" if idle is not None
                          else "从未公开任何内容")
    for s in overdue:
        if s.latest_date and (today - dt.date.fromisoformat(s.latest_date)).days > scoring.section_idle_days:
            vetoes.append(f"{s.board_name}·{s.name}逾期且 {(today - dt.date.fromisoformat(s.latest_date)).days} 天未更新"
                          f"（超过 {scoring.section_idle_days} 天）")
    empty = sum(1 for s in sections if not s.latest_date)
    if scoring.empty_sections and empty >= scoring.empty_sections:
        vetoes.append(f"空白栏目 {empty} 个（达到 {scoring.empty_sections} 个）")
    light = RED if vetoes else GREEN if value >= scoring.green else AMBER if value >= scoring.amber else RED
    return Score(value, light, len(overdue), weeks, deduction, raw > deduction, tuple(vetoes))


def _base_url(source: TownshipSource, data: dict) -> str | None:
    """Where the township's relative addresses start: the setting, its status.json, or where it was read."""
    site = data.get("site") or {}
    if source.url:
        return source.url + "/"
    if isinstance(site.get("url"), str) and site["url"].startswith(("http://", "https://")):
        return site["url"].rstrip("/") + "/"
    if source.is_remote:
        return urllib.parse.urljoin(source.status, ".")
    return None


def _absolute(base: str | None, url: Any) -> str | None:
    """An address from a township's status as an absolute http(s) URL, or None.

    Anything else (``javascript:``, ``data:``, a path with no known site) is
    dropped: a township's file must not be able to put a script in a county page.
    A path is taken relative to the township's root, never to another host.
    """
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if urllib.parse.urlsplit(url).scheme:
        joined = url
    elif base is None:
        return None
    else:
        joined = urllib.parse.urljoin(base, url.lstrip("/"))
    parts = urllib.parse.urlsplit(joined)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in joined for c in "\t\n\r\x00 "):
        return None
    return joined


def model_township(reading: Reading, scoring: Scoring, today: dt.date) -> CountyTownship:
    """A township's boards and sections, with absolute links and scores, from its status."""
    township = CountyTownship(reading.source, reading)
    data = reading.data
    if data is None:
        return township
    source = reading.source
    base = _base_url(source, data)
    site = data.get("site") or {}
    township.url = base
    township.today = data.get("today")
    township.built_at = site.get("built_at") if isinstance(site.get("built_at"), str) else None
    bundles = site.get("search") if isinstance(site.get("search"), list) else []
    township.search = tuple(u for u in (_absolute(base, b) for b in bundles if isinstance(b, str)) if u)
    described = {b["slug"]: b for b in data.get("boards") or ()}
    sections_by_board: dict[str, list[CountySection]] = {}
    for s in data["sections"]:
        status, days = _as_of(s, today)
        section = CountySection(
            township=source.slug, board=s["board"], category=s["category"], name=str(s.get("name") or s["category"]),
            status=status, days_overdue=days, next_deadline=s.get("next_deadline"),
            latest_date=s.get("latest_date"), latest_period=s.get("latest_period"),
            missing_periods=tuple(str(p) for p in s.get("missing_periods") or ()),
            url=_absolute(base, s.get("url") or f"{s['board']}/{s['category']}/index.html"),
            board_name=str(described.get(s["board"], {}).get("name") or s["board"]))
        sections_by_board.setdefault(section.board, []).append(section)
    for slug in [*described, *(b for b in sections_by_board if b not in described)]:
        entry = described.get(slug, {})
        sections = sections_by_board.get(slug, [])
        on_time = entry.get("on_time") if isinstance(entry.get("on_time"), dict) else {}
        board = CountyBoard(
            slug=slug, name=str(entry.get("name") or slug), kind=entry.get("kind") if entry.get("kind") in
            ("township", "village") else "village",
            status=max((s.status for s in sections), key=STATUSES.index, default="current"),
            url=_absolute(base, entry.get("url") or f"{slug}/index.html"), sections=sections,
            owed=_count(on_time.get("owed")), on_time=_count(on_time.get("on_time")))
        board.on_time = min(board.on_time, board.owed)
        board.score = score(sections, scoring, today, township=False)
        township.boards.append(board)
    township.score = score(township.sections, scoring, today, township=True)
    return township


def _as_of(section: dict, today: dt.date) -> tuple[str, int]:
    """A section's status and days overdue on the county's day, not the day its township last built.

    ``days_overdue`` is today − ``next_deadline`` (docs/design.md), so a township
    that has not rebuilt since is as late as the calendar says: more days for an
    overdue section, and overdue for one whose deadline has passed since.
    """
    deadline = section.get("next_deadline")
    if not deadline:
        return section["status"], int(section.get("days_overdue") or 0)
    late = (today - dt.date.fromisoformat(deadline)).days
    if late > 0:
        return "overdue", late
    return section["status"], int(section.get("days_overdue") or 0)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def build_county(name: str, readings: list[Reading], scoring: Scoring, today: dt.date, now: dt.datetime,
                 history: dict | None = None) -> tuple[County, dict]:
    """The county, and the history to keep for the next build (which sections were overdue, the events)."""
    townships = [model_township(r, scoring, today) for r in readings]
    county = County(name, today, now, scoring, townships)
    county.events, kept = overdue_events(county, history)
    return county, kept


def overdue_events(county: County, history: dict | None) -> tuple[list[dict], dict]:
    """Sections that became overdue since the previous county build, added to the earlier ones.

    A section is new when it is overdue now and was not (for the same missed
    deadline) at the previous build. A township shown without data keeps its
    earlier sections, so that its return does not read as new lateness.
    """
    history = history if isinstance(history, dict) else {}
    before = history.get("overdue") if isinstance(history.get("overdue"), dict) else {}
    first = not history
    events = [e for e in history.get("events", []) if isinstance(e, dict) and isinstance(e.get("id"), str)]
    now_overdue: dict[str, str] = {}
    silent = {t.slug for t in county.townships if not t.has_data}
    for key, deadline in before.items():
        if key.split("/", 1)[0] in silent:
            now_overdue[key] = deadline
    names = {t.slug: t.name for t in county.townships}
    for t in county.townships:
        for b in t.boards:
            for s in b.sections:
                if s.status != "overdue":
                    continue
                deadline = s.next_deadline or ""
                now_overdue[s.key] = deadline
                if before.get(s.key) == deadline:
                    continue
                events.append({
                    "id": f"{s.key}@{deadline}", "township": t.slug, "township_name": names[t.slug],
                    "board": s.board, "board_name": b.name, "category": s.category, "name": s.name,
                    "next_deadline": s.next_deadline, "since": s.became_overdue, "detected": county.today.isoformat(),
                    "first_build": first, "url": s.url})
    seen: set[str] = set()
    unique = []
    for event in sorted(events, key=lambda e: (e.get("detected") or "", e.get("since") or "", e["id"]), reverse=True):
        if event["id"] not in seen:
            seen.add(event["id"])
            unique.append(event)
    unique = unique[:FEED_SIZE]
    return unique, {"overdue": now_overdue, "events": unique}


def county_json(county: County) -> dict:
    """``/county.json``: everything the county pages show, for other programs."""
    def board_entry(b: CountyBoard) -> dict:
        return {"slug": b.slug, "name": b.name, "kind": b.kind, "status": b.status, "url": b.url,
                "on_time": {"owed": b.owed, "on_time": b.on_time}, "score": _score_entry(b.score)}

    return {
        "today": county.today.isoformat(),
        "name": county.name,
        "scoring": {**{f.name: getattr(county.scoring, f.name) for f in fields(Scoring)}, "rule": county.rule()},
        "townships": [{
            "slug": t.slug, "name": t.name, "status_source": t.source_shown, "url": t.url,
            "status": t.status, "fresh": t.reading.fresh,
            "read_at": t.reading.fetched_at.isoformat(timespec="seconds") if t.reading.fetched_at else None,
            "problem": _problem_entry(t),
            "today": t.today, "built_at": t.built_at,
            "on_time": {"owed": t.owed, "on_time": t.on_time}, "score": _score_entry(t.score),
            "boards": [board_entry(b) for b in t.boards],
        } for t in county.townships],
        "overdue": [{"township": s.township, "board": s.board, "category": s.category, "name": s.name,
                     "days_overdue": s.days_overdue, "next_deadline": s.next_deadline,
                     "missing_periods": list(s.missing_periods), "url": s.url} for s in county.overdue],
        "became_overdue": county.events,
    }


def _problem_entry(township: CountyTownship) -> dict | None:
    """Why a township was not read: in full for an address; only the code for a file on the county's machine,
    whose path the public county.json has no business showing."""
    problem = township.reading.problem
    if problem is None:
        return None
    return problem.as_dict() if township.source_shown else {"severity": problem.severity, "code": problem.code}


def _score_entry(s: Score | None) -> dict | None:
    if s is None:
        return None
    return {"value": s.value, "light": s.light, "overdue_sections": s.overdue, "overdue_weeks": s.weeks,
            "deduction": s.deduction, "vetoes": list(s.vetoes)}


def feed(county: County, siteurl: str, path: str) -> str:
    """The Atom feed of sections that became overdue, newest first."""
    from zoneinfo import ZoneInfo

    from feedgenerator import Atom1Feed

    base = (siteurl or "") + "/"
    title = f"{county.name}：新增逾期栏目"
    document = Atom1Feed(title=title, link=base + "overdue/index.html", feed_url=base + path, description=title,
                         language="zh-CN", feed_guid=base + path)
    tz = county.now.tzinfo or ZoneInfo("Asia/Shanghai")
    for event in county.events:
        detected = dt.datetime.combine(dt.date.fromisoformat(event["detected"]), dt.time(), tz)
        where = f"{event['township_name']}·{event['board_name']}·{event['name']}"
        since = f"，{event['since']} 起逾期（截止日 {event['next_deadline']}）" if event.get("since") else ""
        note = "（首次汇总时已逾期）" if event.get("first_build") else ""
        document.add_item(title=f"逾期：{where}", link=event.get("url") or base + "overdue/index.html",
                          unique_id=f"{base}overdue/#{event['id']}", description=f"{where}未按期公开{since}{note}。",
                          pubdate=detected, updateddate=detected, categories=[event["township_name"]])
    return document.writeString("utf-8")


def summary(data: dict) -> list[str]:
    """What ``gongkai build`` prints for a county, from its ``county.json``: lights, townships not read, the worst sections."""
    townships = data.get("townships", [])
    lights = dict.fromkeys(LIGHT_LABELS, 0)
    for t in townships:
        lights[(t.get("score") or {}).get("light", UNKNOWN)] += 1
    lines = [f"全县公开状态（截至 {data.get('today')}）：{len(townships)} 个乡镇，"
             + "，".join(f"{LIGHT_LABELS[k]} {v}" for k, v in lights.items() if v) + "。"]
    for t in townships:
        if not t.get("fresh"):
            shown = f"显示 {t['read_at'][:16].replace('T', ' ')} 读取的数据" if t.get("read_at") else "暂无数据"
            lines.append(f"  注意：{t['name']} 本次没有读到（{(t.get('problem') or {}).get('code', '')}），{shown}。")
    overdue = data.get("overdue", [])
    names = {t["slug"]: t["name"] for t in townships}
    boards = {(t["slug"], b["slug"]): b["name"] for t in townships for b in t.get("boards", [])}
    lines.append(f"逾期栏目 {len(overdue)} 个" + ("，逾期最久的：" if overdue else "。"))
    for s in overdue[:10]:
        where = f"{names.get(s['township'], s['township'])}·{boards.get((s['township'], s['board']), s['board'])}·{s['name']}"
        lines.append(f"  逾期 {s['days_overdue']} 天  {where}")
    if len(overdue) > 10:
        lines.append(f"  ……其余 {len(overdue) - 10} 个见 overdue/index.html")
    return lines
