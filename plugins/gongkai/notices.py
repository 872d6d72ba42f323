"""Reading notices: bytes → text → front matter → a validated :class:`Notice`.

Reading happens in two steps so that the build can cache the first:

* :func:`parse_source` depends only on the file's bytes: it decodes, splits
  the front matter and parses the YAML, remembering the line of every key.
* :func:`validate` checks the fields against the settings (boards,
  categories, today) and builds the :class:`Notice`.

Every problem found is collected, none raised: one bad file never hides
another, and no input produces a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import yaml

from .config import Config, UnknownName
from .periods import Period, parse_date, parse_period
from .problems import Problem, closest, error, warning

try:  # the C loader is several times faster on thousands of files
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader


_NULL = "tag:yaml.org,2002:null"


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe YAML that never changes the text a clerk wrote.

    YAML 1.1 would read ``yes`` as True, ``0012`` as 12, ``1e3`` as 1000.0
    and a date as a date object. Here every value stays text, except an
    empty value (``key:``, ``~``, ``null``), and each field's own parser reads
    the text: it accepts every form clerks write and explains the rest.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == _NULL]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
        if any(tag == _NULL for tag, _ in resolvers)
    }

STATUSES = {"published": "已公开", "draft": "草稿", "withdrawn": "已撤回"}
FRONT_MATTER_LIMIT = 64 * 1024
FILE_LIMIT = 4 * 1024 * 1024  # a notice is text; anything larger is a scan or a mistake
_BOM = b"\xef\xbb\xbf"
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?=\s|$)")
_FULLWIDTH_COLON = re.compile(r"\s*([A-Za-z_][\w-]*)\s*：")
_NO_SPACE_COLON = re.compile(r"([A-Za-z_][\w-]*):(?=[^\s/])")


@dataclass(frozen=True)
class Source:
    """A notice file as read from disk, before it meets the settings."""

    path: str  # as problems name it: relative to the settings' directory
    meta: dict[str, Any]
    key_lines: dict[str, int]
    body: str
    body_line: int
    problems: tuple[Problem, ...] = ()
    digest: str = ""  # sha256 of the normalized text, for tamper evidence
    # The same without the status and withdrawn entries of the front matter:
    # withdrawing a notice changes only those, and must change nothing else.
    content_digest: str = ""
    # The line of every key and list item, nested ones too: ("balance", "opening"),
    # ("corrections", 0, "date").
    value_lines: dict[tuple[str | int, ...], int] = field(default_factory=dict, compare=False)

    def line(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    def value_line(self, path: tuple[str | int, ...]) -> int:
        """The line of a nested value, else of the nearest key that holds it."""
        while path:
            if path in self.value_lines:
                return self.value_lines[path]
            path = path[:-1]
        return 1


@dataclass(frozen=True)
class Correction:
    date: dt.date
    note: str


@dataclass(frozen=True)
class Withdrawal:
    """Why and when a published notice was withdrawn (status: withdrawn)."""

    date: dt.date
    reason: str


@dataclass(frozen=True)
class SignOff:
    """One body's sign-off before posting (reviewed_by): who signed for it, and when."""

    body: str
    name: str
    date: dt.date


@dataclass(frozen=True)
class Balance:
    opening: Decimal
    income: Decimal
    expense: Decimal
    closing: Decimal


@dataclass(frozen=True)
class Notice:
    path: str
    slug: str
    title: str
    board: str
    category: str
    date: dt.date
    body: str
    body_line: int
    period: Period | None = None
    formed: dt.date | None = None
    window_days: int | None = None
    window_until: dt.date | None = None
    reviewed: dt.date | None = None
    approved_by: str | None = None
    prepared_by: str | None = None
    balance: Balance | None = None
    corrections: tuple[Correction, ...] = ()
    status: str = "published"
    corrects: str | None = None
    summary: str | None = None
    withdrawal: Withdrawal | None = None  # the `withdrawn:` field; set exactly when status is withdrawn
    nil: bool = False  # a nil return (本期无此类事项): covers its period, or counts in an event section
    reviewed_by: tuple[SignOff, ...] = ()  # sign-offs before posting (signoff.py checks them against the category's review)
    digest: str = ""
    content_digest: str = ""  # the digest without the status and withdrawn entries
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def url(self) -> str:
        return f"{self.board}/{self.category}/{self.slug}.html"

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def fingerprint(self) -> str:
        """核对码: the first 8 hex digits of the manifest sha256, as ``a1b2 c3d4`` (printed and on the page; /verify/)."""
        code = self.digest[:8].lower()
        return f"{code[:4]} {code[4:]}" if len(code) == 8 else ""

    def is_visible(self, today: dt.date) -> bool:
        """Shown on the site: published or withdrawn, and dated today or before."""
        return self.status != "draft" and self.date <= today

    def is_counted(self, today: dt.date) -> bool:
        """Counts towards the section's disclosure duty."""
        return self.status == "published" and self.date <= today

    @property
    def last_corrected(self) -> dt.date | None:
        return max((c.date for c in self.corrections), default=None)

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


# -- step 1: bytes to Source ---------------------------------------------

def parse_source(data: bytes, path: str) -> Source:
    """Decode and split a notice file; never raises."""

    def failed(line: int, code: str, message: str, *more: Problem) -> Source:
        return Source(path, {}, {}, "", 1, (error(path, line, code, message), *more))

    if len(data) > FILE_LIMIT:
        return failed(1, "file.too-large", f"文件有 {len(data) // 1024 // 1024} MB，超过了公告文件 4 MB 的上限。"
                      "请不要把扫描件或图片直接粘贴进公告：图片请放在 content/images/ 中，在正文中用 ![说明](图片地址) 引用。")
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return failed(line, "encoding", _encoding_message(data, path, line))
    if "\x00" in text:
        return failed(1, "encoding", "文件里有空字符（\\0），不像是文本文件。请确认这是用记事本等编辑器保存的 Markdown（.md）文件。")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    digest = normalized_digest(lines)
    first = next((i for i, s in enumerate(lines) if s.strip()), None)
    if first is None:
        return failed(1, "front-matter", "文件是空的。请从模板复制（gongkai new …），第一行写 ---，"
                      "接着写 title、board、category、date 等字段，再写一行 --- 结束。")
    if lines[first].strip() != "---":
        return failed(first + 1, "front-matter", "文件开头缺少文件头：第一行应为 ---，然后逐行写 title、board、"
                      "category、date 等字段，再用一行 --- 结束，正文写在其后。")
    end = next((i for i in range(first + 1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return failed(first + 1, "front-matter", "文件头没有结束：请在最后一个字段之后加一行 ---，正文写在它的下面。")
    offset = first + 2  # 1-based line number of the first front-matter line
    block = lines[first + 1:end]
    body_line = end + 2
    body = "\n".join(lines[end + 1:])
    raw = "\n".join(block)
    if len(raw) > FRONT_MATTER_LIMIT:
        return failed(offset, "front-matter", "文件头太长（超过 64 KB）。文件头只放 title、date 等字段，表格和正文写在第二个 --- 之后。")

    key_lines, problems = _scan_front_matter(block, offset, path)
    if problems:
        return Source(path, {}, {}, body, body_line, tuple(problems))
    value_lines: dict[tuple[str | int, ...], int] = {}
    try:
        if "&" in raw or "*" in raw:
            _refuse_aliases(raw)
        node = yaml.compose(raw, Loader=_Loader)
        meta = None if node is None else _construct(node, (), value_lines, offset)
    except _DuplicateKey as exc:
        where = "".join(f"{p} 下的" if isinstance(p, str) else f"第 {p + 1} 项的" for p in exc.path)
        return failed(exc.line, "front-matter", f"{where}字段 {exc.key} 写了两次（第 {exc.first} 行和第 {exc.line} 行），"
                      "只能保留一个。请删去写错的那一行；如果是更正，请改原来那一行并在 corrections 中记一条更正。")
    except _ComplexKey as exc:
        return failed(exc.line, "front-matter", "字段名只能是文字，不能是列表或字典。"
                      "请逐行写成“字段名: 值”，值里有冒号、方括号或大括号时用引号括起来。")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = offset + (mark.line if mark else 0)
        reason = exc.problem or exc.context or "格式错误"
        return failed(line, "front-matter", f"文件头的 YAML 写法有误（{reason}）。请检查这一行及上一行："
                      "每行写成“字段名: 值”，冒号为半角并后跟一个空格，值里有冒号或#时用引号括起来。")
    except _AliasError:
        return failed(offset, "front-matter", "文件头里用了 YAML 的锚点或引用（& 或 *）。请直接写出每个值；"
                      "如果值本身含有 * 或 &，请用引号括起来。")
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return failed(offset, "front-matter", f"文件头无法解析（{type(exc).__name__}）。请按模板逐行写“字段名: 值”。")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return failed(offset, "front-matter", "文件头应逐行写成“字段名: 值”，例如 title: 南湾村2026年10月财务收支公开。")
    key_lines.update({key[0]: line for key, line in value_lines.items() if len(key) == 1})
    frozen_out = _entry_lines(node, ("status", "withdrawn"), first + 1, len(block))
    content_digest = normalized_digest([s for i, s in enumerate(lines) if i not in frozen_out]) if frozen_out else digest
    return Source(path, meta, key_lines, body, body_line, digest=digest, content_digest=content_digest,
                  value_lines=value_lines)


class _DuplicateKey(Exception):
    def __init__(self, path: tuple[str | int, ...], key: str, first: int, line: int):
        super().__init__(key)
        self.path, self.key, self.first, self.line = path, key, first, line


class _ComplexKey(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _construct(node: yaml.Node, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int],
               offset: int) -> Any:
    """Python values from the YAML nodes: text, None, lists and dicts.

    Records the line of every key and list item in ``lines`` and refuses a
    key written twice (YAML would keep the last one silently).
    """
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == _NULL else node.value
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[(*path, i)] = offset + item.start_mark.line
            items.append(_construct(item, (*path, i), lines, offset))
        return items
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = offset + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                raise _ComplexKey(line)
            key = key_node.value
            if key in result:
                raise _DuplicateKey(path, key, lines[(*path, key)], line)
            lines[(*path, key)] = line
            result[key] = _construct(value_node, (*path, key), lines, offset)
        return result
    raise yaml.YAMLError(f"unexpected node {type(node).__name__}")  # pragma: no cover


def _entry_lines(node: yaml.Node | None, keys: tuple[str, ...], start: int, count: int) -> set[int]:
    """Indexes (in the file's lines) of the front-matter lines that hold ``keys``.

    A top-level entry runs from its key to the line before the next key;
    ``start`` is the index of the first front-matter line, ``count`` their number.
    """
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        return set()
    firsts = [key.start_mark.line for key, _ in node.value]
    found: set[int] = set()
    for i, (key, _) in enumerate(node.value):
        if isinstance(key, yaml.ScalarNode) and key.value in keys:
            end = firsts[i + 1] if i + 1 < len(firsts) else count
            found.update(range(start + firsts[i], start + end))
    return found


def normalized_digest(lines: list[str]) -> str:
    """sha256 of the text as a reader sees it: line ends, trailing spaces and BOM do not count."""
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _encoding_message(data: bytes, path: str, line: int) -> str:
    try:
        data.decode("gb18030")
        guess = "看起来是 GBK/GB18030 编码（Windows 记事本的“ANSI”）。"
    except UnicodeDecodeError:
        guess = ""
    return (f"文件不是 UTF-8 编码，第 {line} 行起有无法识别的文字。{guess}"
            f"请运行 gongkai fix-encoding {path} 转为 UTF-8（原文件会另存备份）；"
            "或用记事本打开，“另存为”时编码选 UTF-8。")


def _scan_front_matter(block: list[str], offset: int, path: str) -> tuple[dict[str, int], list[Problem]]:
    """The line of every top-level key, and the mistakes YAML reports badly:
    tabs, full-width colons, no space after the colon."""
    key_lines: dict[str, int] = {}
    problems: list[Problem] = []
    for i, s in enumerate(block):
        line = offset + i
        key = _KEY_LINE.match(s)
        if key:  # a well-formed "key: value" line: nothing to report
            key_lines.setdefault(key.group(1), line)
            continue
        indent = s[: len(s) - len(s.lstrip())]
        if "\t" in indent:
            problems.append(error(path, line, "front-matter",
                                  "这一行用 Tab 键缩进了，文件头只能用空格缩进。请把 Tab 换成两个空格。"))
        elif (fullwidth := _FULLWIDTH_COLON.match(s)) and not _KEY_LINE.match(s.strip()):
            name = fullwidth.group(1)
            problems.append(error(path, line, "front-matter", f"字段 {name} 后面的冒号是全角“：”（中文输入法）。"
                                  f"请改成半角冒号“:”并在其后加一个空格，例如 {name}: …"))
        elif (glued := _NO_SPACE_COLON.match(s)) and not s.startswith(" "):
            name = glued.group(1)
            problems.append(error(path, line, "front-matter",
                                  f"字段 {name} 的冒号后面缺少空格。请写成 {name}: 值（冒号后加一个空格）。"))
    return key_lines, problems


class _AliasError(Exception):
    pass


def _refuse_aliases(raw: str) -> None:
    """Anchors and aliases can expand into huge values: refuse them outright."""
    for event in yaml.parse(raw, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasError


# -- step 2: Source to Notice --------------------------------------------

class FieldError(ValueError):
    """A field value that cannot be read; the message is for the clerk.

    ``at`` is where inside the field the bad value is (``("opening",)`` in
    ``balance``, ``(1, "date")`` in ``corrections``): the problem names its line.
    """

    def __init__(self, message: str, code: str = "field.invalid", at: tuple[str | int, ...] = ()):
        super().__init__(message, code)
        self.message, self.code, self.at = message, code, tuple(at)


@dataclass
class _Context:
    config: Config
    source: Source
    problems: list[Problem]

    def notice_date(self) -> dt.date | None:
        """The notice's own date, when it can be read (for the fields that must follow it).

        A notice dated after today is not shown yet (``--today`` may look back):
        only a shown notice's corrections and withdrawal must not lie in the future.
        """
        try:
            return parse_date(self.source.meta.get("date"))
        except (ValueError, TypeError):
            return None


def _text(value: Any, ctx: _Context) -> str:
    if isinstance(value, (dict, list)):
        raise FieldError("应为一段文字，不能是列表或字典。如果文字里有冒号、方括号或大括号，请用引号括起来。")
    text = str(value).strip()
    if not text:
        raise FieldError("不能为空。")
    return text


def _date(value: Any, ctx: _Context) -> dt.date:
    if isinstance(value, (dict, list)):
        raise FieldError("应为一个日期，例如 2026-11-05。")
    try:
        return parse_date(value)
    except ValueError as exc:
        raise FieldError(str(exc) + "。") from None


def _period(value: Any, ctx: _Context) -> Period:
    if isinstance(value, (dict, list)):
        raise FieldError("应为一个期间，例如 2026-10 或 2026-Q3。")
    try:
        return parse_period(value)
    except ValueError as exc:
        raise FieldError(str(exc) + "。") from None


_DAYS = re.compile(r"\d{1,4}")


def _days(value: Any, ctx: _Context) -> int:
    text = "" if isinstance(value, (bool, dict, list)) else unicodedata.normalize("NFKC", str(value)).strip()
    text = text.removesuffix("天").strip()
    if not _DAYS.fullmatch(text) or int(text) > 3660:
        shown = value if len(str(value)) <= 20 else f"{str(value)[:20]}…"
        raise FieldError(f"应为天数（0 到 3660 的整数），现在是“{shown}”。请写成 window_days: 7 这样的整数。")
    return int(text)


def _board(value: Any, ctx: _Context) -> str:
    try:
        return ctx.config.resolve_board(_text(value, ctx))
    except UnknownName as exc:
        raise FieldError(str(exc), "board.unknown") from None


def _category(value: Any, ctx: _Context) -> str:
    try:
        return ctx.config.resolve_category(_text(value, ctx))
    except UnknownName as exc:
        raise FieldError(str(exc), "category.unknown") from None


def _status(value: Any, ctx: _Context) -> str:
    name = _text(value, ctx).lower()
    aliases = {"已公开": "published", "发布": "published", "草稿": "draft", "撤回": "withdrawn", "已撤回": "withdrawn"}
    name = aliases.get(name, name)
    if name not in STATUSES:
        raise FieldError(f"状态“{value}”无效，应为 published（公开）、draft（草稿）或 withdrawn（撤回）。")
    return name


AMOUNT_INTEGER_DIGITS = 15  # a trillion yuan and more: anything longer is a typo
AMOUNT_DECIMALS = 4
_MONEY = re.compile(r"(?P<open>\()?\s*(?P<sign>[-+])?\s*¥?\s*(?P<sign2>[-+])?\s*"
                    r"(?P<int>\d(?:[\d,]*\d)?)(?:\.(?P<frac>\d+))?\s*元?\s*(?P<close>\))?")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"})


def amount(value: Any) -> Decimal:
    """An amount of money as clerks write it; :class:`FieldError` says why not.

    The one reader of money, for the ``balance`` field and table cells alike.
    Accepts 1234.5, "1,234.50", "¥1234", "￥1,234.00元", full-width digits and
    punctuation (１２，３４５．００), the minus sign U+2212 (−12.5) and
    accounting brackets for a negative amount ((12.00)). Refuses scientific
    notation, NaN and infinity, and more than 15 integer digits or 4 decimals.
    """
    if isinstance(value, (bool, dict, list)):
        raise FieldError("应为金额数字，例如 12345.60。")
    if isinstance(value, float):
        value = repr(value)
    raw = str(value)
    shown = raw if len(raw) <= 24 else f"{raw[:24]}…"
    text = raw.strip() if raw.isascii() else unicodedata.normalize("NFKC", raw).translate(_MINUS_SIGNS).strip()
    match = _MONEY.fullmatch(text)
    if match is None or bool(match["open"]) != bool(match["close"]) or (match["sign"] and match["sign2"]):
        hint = "不要用科学计数法（如 1e3）。" if re.search(r"\d[eE][-+]?\d", text) else ""
        raise FieldError(f"“{shown}”不是金额。{hint}请写成 12345.60 这样的数字，负数写 -12.50。")
    digits = match["int"].replace(",", "").lstrip("0")
    if len(digits) > AMOUNT_INTEGER_DIGITS or len(match["frac"] or "") > AMOUNT_DECIMALS:
        raise FieldError(f"金额“{shown}”位数太多（整数最多 {AMOUNT_INTEGER_DIGITS} 位，小数最多 {AMOUNT_DECIMALS} 位），"
                         "请核对是否多打了数字。")
    result = Decimal((digits or "0") + (f".{match['frac']}" if match["frac"] else ""))
    negative = bool(match["open"]) or "-" in ((match["sign"] or "") + (match["sign2"] or ""))
    return -result if negative else result


def _balance(value: Any, ctx: _Context) -> Balance:
    parts = ("opening", "income", "expense", "closing")
    if not isinstance(value, dict):
        raise FieldError("应写成 {opening: 期初余额, income: 本期收入, expense: 本期支出, closing: 期末余额}。")
    missing = [p for p in parts if value.get(p) in (None, "")]
    if missing:
        raise FieldError(f"缺少 {'、'.join(missing)}。四项都要写：opening（期初）、income（收入）、expense（支出）、closing（期末）。")
    for name in value:
        if name not in parts:
            hint = closest(str(name), {p: p for p in parts})
            raise FieldError(f"不认识“{name}”，" + (f"是否想写 {hint}？" if hint else "")
                             + "应为 opening（期初）、income（收入）、expense（支出）、closing（期末）四项。", at=(name,))
    result = []
    for p in parts:
        try:
            result.append(amount(value[p]))
        except FieldError as exc:
            raise FieldError(f"{p}：{exc.message}", at=(p,)) from None
    return Balance(*result)


def _corrections(value: Any, ctx: _Context) -> tuple[Correction, ...]:
    single = isinstance(value, dict)
    items = [value] if single else value
    if not isinstance(items, list):
        raise FieldError("应为列表，每项写成 {date: 2026-11-08, note: 更正了什么}。")
    published, today = ctx.notice_date(), ctx.config.today
    result = []
    for i, item in enumerate(items):
        at: tuple[str | int, ...] = () if single else (i,)
        if not isinstance(item, dict) or item.get("date") in (None, "") or not _filled(item.get("note")):
            raise FieldError("每条更正都要有 date（更正日期）和 note（更正说明），例如 {date: 2026-11-08, note: 更正第3行金额}。",
                             at=at)
        try:
            day = _date(item["date"], ctx)
        except FieldError as exc:
            raise FieldError(exc.message, at=(*at, "date")) from None
        if published is not None and day < published:
            raise FieldError(f"更正日期 {day} 早于公告的公开日期 {published}：更正只能在公开之后。请核对更正日期。",
                             at=(*at, "date"))
        if day > today and (published is None or published <= today):
            raise FieldError(f"更正日期 {day} 在今天（{today}）之后。请写实际更正的日期。", at=(*at, "date"))
        result.append(Correction(day, _text(item["note"], ctx)))
    return tuple(sorted(result, key=lambda c: c.date))


_YES = {"true", "yes", "y", "on", "1", "是", "有", "对"}
_NO = {"false", "no", "n", "off", "0", "否", "无", "不是"}


def _flag(value: Any, ctx: _Context) -> bool:
    """A yes/no field as clerks write it: true/false, yes/no, 是/否."""
    text = "" if isinstance(value, (dict, list)) else unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise FieldError(f"应为 true（是）或 false（否），现在是“{str(value)[:20]}”。本期没有此类事项时写 nil: true。")


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _withdrawal(value: Any, ctx: _Context) -> Withdrawal:
    example = "例如 withdrawn: {date: 2026-11-20, reason: 名单有误，已重新公示}"
    if not isinstance(value, dict):
        raise FieldError(f"应写明撤回日期和原因，{example}。")
    for name in value:
        if name not in ("date", "reason"):
            hint = closest(str(name), {"date": "date", "reason": "reason"})
            raise FieldError(f"不认识“{name}”，" + (f"是否想写 {hint}？" if hint else "")
                             + f"只能写 date（撤回日期）和 reason（撤回原因），{example}。", at=(name,))
    if value.get("date") in (None, ""):
        raise FieldError(f"缺少撤回日期 date，{example}。")
    if not _filled(value.get("reason")):
        raise FieldError(f"缺少撤回原因 reason（会在网站上公开），{example}。", at=("reason",) if "reason" in value else ())
    try:
        day = _date(value["date"], ctx)
    except FieldError as exc:
        raise FieldError(exc.message, at=("date",)) from None
    published, today = ctx.notice_date(), ctx.config.today
    if published is not None and day < published:
        raise FieldError(f"撤回日期 {day} 早于公告的公开日期 {published}。请核对撤回日期。", at=("date",))
    if day > today and (published is None or published <= today):
        raise FieldError(f"撤回日期 {day} 在今天（{today}）之后。请写实际撤回的日期，到那天再改为撤回。", at=("date",))
    return Withdrawal(day, value["reason"].strip())


def _sign_offs(value: Any, ctx: _Context) -> tuple[SignOff, ...]:
    """``reviewed_by: [{body: 民主理财小组, name: 王五, date: 2026-11-03}]``: the sign-offs, in the order written."""
    example = "例如 reviewed_by: [{body: 民主理财小组, name: 王五, date: 2026-11-03}]"
    items = [value] if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise FieldError(f"应为列表，每个审核机构一项，{example}。")
    result = []
    for i, item in enumerate(items):
        at: tuple[str | int, ...] = () if isinstance(value, dict) else (i,)
        if not isinstance(item, dict) or not all(_filled(item.get(k)) for k in ("body", "name")) \
                or item.get("date") in (None, ""):
            raise FieldError(f"每项都要写 body（审核机构）、name（签字人）和 date（审核日期），{example}。", at=at)
        unknown = [k for k in item if k not in ("body", "name", "date")]
        if unknown:
            raise FieldError(f"不认识“{unknown[0]}”，只能写 body、name 和 date，{example}。", at=(*at, unknown[0]))
        try:
            day = _date(item["date"], ctx)
        except FieldError as exc:
            raise FieldError(exc.message, at=(*at, "date")) from None
        result.append(SignOff(item["body"].strip(), item["name"].strip(), day))
    return tuple(result)


@dataclass(frozen=True)
class Field:
    parse: Callable[[Any, _Context], Any]
    label: str


# Front matter fields: name → parser and the Chinese label used in messages.
FIELDS: dict[str, Field] = {
    "title": Field(_text, "标题"),
    "board": Field(_board, "公开栏"),
    "category": Field(_category, "公开类别"),
    "date": Field(_date, "公开日期"),
    "period": Field(_period, "公开期间"),
    "formed": Field(_date, "信息形成日期"),
    "window_days": Field(_days, "公示天数"),
    "window_until": Field(_date, "公示截止日期"),
    "reviewed": Field(_date, "复核日期"),
    "approved_by": Field(_text, "审核人"),
    "prepared_by": Field(_text, "经办人"),
    "balance": Field(_balance, "收支余额"),
    "corrections": Field(_corrections, "更正记录"),
    "status": Field(_status, "状态"),
    "corrects": Field(_text, "所更正的公告"),
    "summary": Field(_text, "摘要"),
    "slug": Field(_text, "网址名"),
    "withdrawn": Field(_withdrawal, "撤回说明"),
    "nil": Field(_flag, "本期无此类事项"),
    "reviewed_by": Field(_sign_offs, "审核签字"),
}
_ATTRIBUTES = {"withdrawn": "withdrawal"}  # a field whose Notice attribute has another name
REQUIRED = ("title", "board", "category", "date")


def slugify(text: str) -> str:
    """A URL-safe slug that keeps Chinese characters (browsers show them as typed)."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\-]+", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-_") or "notice"


def validate(source: Source, config: Config) -> tuple[Notice | None, list[Problem]]:
    """Check a source against the settings; the notice is None when any error is found."""
    problems = list(source.problems)
    if problems:
        return None, problems
    ctx = _Context(config, source, problems)
    values: dict[str, Any] = {}
    path = source.path
    for key, raw in source.meta.items():
        spec = FIELDS.get(key)
        if spec is None and key.lower() in FIELDS:  # Status: draft would be ignored, and the draft published
            problems.append(error(path, source.line(key), "field.invalid", f"字段名“{key}”要全部小写，请写成 {key.lower()}:。"))
            continue
        if spec is None:
            hint = closest(key, {k: k for k in FIELDS})
            problems.append(warning(path, source.line(key), "field.unknown", f"不认识的字段“{key}”，它会被忽略。"
                                    + (f"是否想写 {hint}？" if hint else "可用字段见模板（gongkai new）。")))
            continue
        if raw is None or raw == "":
            continue  # an empty value is the same as a missing field
        try:
            values[_ATTRIBUTES.get(key, key)] = spec.parse(raw, ctx)
        except FieldError as exc:
            message = exc.message if exc.code != "field.invalid" else f"{spec.label}（{key}）：{exc.message}"
            problems.append(error(path, source.value_line((key, *exc.at)) if exc.at else source.line(key),
                                  exc.code, message))
        except Exception as exc:  # one unreadable value must never stop the check
            problems.append(error(path, source.line(key), "field.invalid",
                                  f"{spec.label}（{key}）：无法识别这个值（{type(exc).__name__}）。请按模板（gongkai new）填写。"))
    def blank(key: str) -> bool:
        return source.meta.get(key) in (None, "")

    for key in REQUIRED:
        if blank(key):
            problems.append(_missing(path, key))
    board, category = values.get("board"), values.get("category")
    section = None
    if board and category:
        if category not in config.board(board).categories:
            b = config.board(board)
            names = "、".join(f"{config.categories[c].name}（{c}）" for c in b.categories)
            problems.append(error(path, source.line("category"), "category.unknown",
                                  f"{b.name}公开栏没有设置“{config.categories[category].name}”栏目。它的栏目有：{names}。"
                                  "请改正 category，或请管理员在 pelicanconf.py 的 GONGKAI_BOARDS 中添加。"))
        else:
            section = config.section(board, category)
    if section is not None:
        if section.is_periodic and blank("period"):
            problems.append(_missing(path, "period", f"“{section.name}”按{section.cycle_label}公开，必须写明是哪一期，"
                                     "例如 period: 2026-10 或 period: 2026-Q3。"))
        for key in section.require:
            if blank(key):
                problems.append(_missing(path, key, f"“{section.name}”要求填写 {key}。"))
    if "window_days" in values and "window_until" in values:
        problems.append(error(path, source.line("window_until"), "field.invalid",
                              "window_days（公示天数）和 window_until（公示截止日期）只能写一个。"))
    if "date" in values and values.get("window_until") and values["window_until"] < values["date"]:
        problems.append(error(path, source.line("window_until"), "field.invalid",
                              "公示截止日期（window_until）早于公开日期（date），请核对。"))
    status = values.get("status", "published")
    if status == "withdrawn" and blank("withdrawn"):
        problems.append(error(path, source.line("status"), "field.missing",
                              "撤回的公告要写明撤回日期和原因（会在网站上公开）。请在文件头加上 "
                              "withdrawn: {date: 2026-11-20, reason: 撤回原因}"))
    elif status != "withdrawn" and not blank("withdrawn") and ("status" in values or blank("status")):
        problems.append(error(path, source.line("withdrawn"), "field.invalid",
                              "写了撤回说明（withdrawn），但状态不是撤回。请同时写 status: withdrawn；"
                              "如果公告没有撤回，请删去 withdrawn 这几行。"))
    if any(p.is_error for p in problems):
        return None, problems
    slug = slugify(values.pop("slug", None) or PurePosixPath(path).stem)
    notice = Notice(path=path, slug=slug, body=source.body, body_line=source.body_line,
                    digest=source.digest, content_digest=source.content_digest, lines=dict(source.key_lines),
                    **values)
    return notice, problems


def _missing(path: str, key: str, why: str = "") -> Problem:
    label = FIELDS[key].label if key in FIELDS else key
    example = {"title": "南湾村2026年10月财务收支公开", "board": "nanwan", "category": "finance",
               "date": "2026-11-05", "period": "2026-10"}.get(key, "…")
    return error(path, 1, "field.missing", f"缺少{label}（{key}）。{why}请在文件头加一行 {key}: {example}")
