"""The history of every change: each published version of a corrected notice, and what changed.

A notice is published once and then changed only with a correction
(``corrections`` in its front matter; :mod:`.records` refuses any other
change). So its published versions are counted by its corrections: version 1
is the text as first published on ``date``, version *k* + 1 the text after
the *k*-th correction, public from that correction's date. Of the texts a
notice had, the one shown for a version is the **last** text with that many
corrections: edits before a notice went public, or before a correction was
published, were never seen by anyone.

Where the texts come from:

* **git** (clerks commit ``content/``): one ``git log`` for the whole content
  folder, renames followed, and one ``git cat-file --batch`` for the texts —
  three git processes for a site of any size, none when no notice is corrected;
* **what publish keeps**: ``gongkai publish`` writes ``/history.json`` with
  the text of every published notice and of each older version shown, and
  reads the live site's copy back, so a site without git keeps every version
  it ever published (other builds keep the corrected notices' versions only);
* the file on disk is always the current version.

A version whose text is not known is listed with its date and note and
marked as not kept. Every earlier text passes the same checks as the current
one before it is shown: a text with a personal number (or that cannot be read
any more) is listed but never shown, and so are the versions before a
correction marked ``privacy: true`` (a correction that removed personal
information). Changes are named as a villager reads them — "二、支出情况 ·
道路维修：由 6,840.00 元改为 6,480.00 元" — and the changed cells are marked
in the table, the old figure struck through beside the new one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import checks, privacy, tables
from .config import Config
from .finance import parse_amount, yuan
from .markup import Renderer
from .notices import Notice, Source, parse_source, validate
from .periods import parse_date
from .problems import Problem, warning

FILE = "history.json"     # the versions a build showed, in the output; publish reads the live copy back
FORMAT = 1
GIT_TIMEOUT = 120         # seconds for one git command
MAX_REVISIONS = 500       # texts read per notice from git: more is a loop, not a history

SHOWN, PRIVATE, UNREADABLE, NOT_KEPT = "shown", "private", "unreadable", "not-kept"
GIT, KEPT, CURRENT = "git", "kept", "current"
# What a villager reads where a version is listed but not shown.
STATE_TEXT = {
    PRIVATE: "此版本含有不应公开的个人信息，已不再显示",
    UNREADABLE: "此版本的原文无法读取，不予显示",
    NOT_KEPT: "此版本的原文没有保存在版本记录中",
}
_FIELDS = (("title", "标题"), ("period", "所属期间"), ("prepared_by", "经办人"), ("approved_by", "审核人"),
           ("summary", "摘要"))
_BALANCE = (("opening", "期初余额"), ("income", "本期收入"), ("expense", "本期支出"), ("closing", "期末余额"))
_SHORT = 60  # characters of a changed sentence quoted in a change


@dataclass(frozen=True)
class Change:
    """One change between two versions, in words; ``cell`` is (table, body row, column) in the newer one."""

    where: str
    before: str
    after: str
    cell: tuple[int, int, int] | None = None

    @property
    def text(self) -> str:
        if not self.before:
            return f"{self.where}：新增 {self.after}"
        if not self.after:
            return f"{self.where}：删去 {self.before}"
        return f"{self.where}：由 {self.before} 改为 {self.after}"


@dataclass(frozen=True)
class Version:
    """One published version of a notice."""

    number: int                      # 1 for the text first published
    date: dt.date                    # public from
    note: str | None                 # the correction that made it (None for version 1)
    state: str                       # SHOWN | PRIVATE | UNREADABLE | NOT_KEPT
    origin: str | None = None        # GIT | KEPT | CURRENT: where its text came from
    url: str | None = None           # its own page (older versions that are shown)
    notice: Notice | None = None     # the text as read and checked (shown versions)
    text: str = ""                   # the normalized source (shown versions), what history.json keeps
    body: str = ""                   # rendered, changed cells marked (when building)
    changes: tuple[Change, ...] = ()  # against the version before, when both are shown

    @property
    def shown(self) -> bool:
        return self.state == SHOWN

    @property
    def state_text(self) -> str:
        return STATE_TEXT.get(self.state, "")


@dataclass(frozen=True)
class History:
    """Every published version of one notice, oldest first; the last is the current one."""

    path: str
    url: str
    versions: tuple[Version, ...]

    @property
    def current(self) -> Version:
        return self.versions[-1]

    @property
    def older(self) -> tuple[Version, ...]:
        return self.versions[:-1]

    @property
    def origins(self) -> set[str]:
        return {v.origin for v in self.older if v.origin}


@dataclass
class Read:
    """What :func:`read` found for the site."""

    histories: dict[str, History] = field(default_factory=dict)  # notice path → its history (corrected notices)
    problems: list[Problem] = field(default_factory=list)
    passed: set[str] = field(default_factory=set)    # numbers the checks let through in shown older versions
    current: dict[str, str] = field(default_factory=dict)  # notice path → its normalized source, for history.json
    kept: dict[str, list[dict]] = field(default_factory=dict)  # what earlier history.json files kept, by notice path
    keep_all: bool = False  # publishing: history.json keeps every published notice's text (see write_pages)


# -- reading --------------------------------------------------------------

def read(config: Config, notices: Iterable[Notice], *, bodies: Mapping[str, str] | None = None,
         kept: Iterable[Mapping] | None = None, git: bool = True, keep_all: bool = False) -> Read:
    """The history of every corrected notice among ``notices`` (the checked, published ones).

    ``bodies`` (notice path → rendered body, when building) get their changed
    cells marked; ``kept`` are ``history.json`` files kept by earlier builds (:func:`kept_of`).
    """
    found = Read(keep_all=keep_all)
    kept = list(kept or ())  # read twice below
    for record in kept:
        if isinstance(record, Mapping) and isinstance(record.get("notices"), Mapping):
            found.kept.update((str(p), v) for p, v in record["notices"].items() if isinstance(v, list))
    corrected = [n for n in notices if n.corrections]
    if not corrected:
        return found
    prefix = config.relpath(config.content_dir) + "/"
    rels = {n.path: (n.path[len(prefix):] if prefix != "./" and n.path.startswith(prefix) else n.path) for n in corrected}
    committed = git_texts(config.content_dir, set(rels.values()), found.problems, prefix) if git else {}
    kept_texts = kept_sources(kept)
    renderer = Renderer() if bodies is not None else None
    for notice in corrected:
        rel = rels[notice.path]
        try:
            current = (config.content_dir / rel).read_bytes()
        except OSError:
            continue  # vanished since it was checked: the next run says so
        texts = [(KEPT, t) for t in kept_texts.get(notice.path, ())]
        texts += [(GIT, t) for t in committed.get(rel, ())]
        try:
            history = _history(config, notice, texts, current, found, renderer, bodies)
        except Exception as exc:  # one notice's history never stops the others, nor the notice itself
            found.problems.append(warning(notice.path, 1, "internal", f"读取这份公告的历次版本时发生了意外错误（{type(exc).__name__}），"
                                          "页面上只显示现在的版本。请把这个文件和这条信息发给技术支持。"))
            continue
        found.histories[notice.path] = history
        if bodies is not None and history.current.body:
            bodies[notice.path] = history.current.body  # type: ignore[index]
    return found


def _count(meta: dict) -> int:
    """How many corrections a text lists (read without validating it)."""
    value = meta.get("corrections")
    if isinstance(value, list):
        return len(value)
    return 1 if isinstance(value, dict) else 0


def _history(config: Config, notice: Notice, texts: list[tuple[str, bytes]], current: bytes, found: Read,
             renderer: Renderer | None, bodies: Mapping[str, str] | None) -> History:
    """The versions of one notice from its earlier texts (oldest first) and the file on disk."""
    count = len(notice.corrections)
    last: dict[int, tuple[str, Source, bytes]] = {}
    for origin, data in texts:
        source = parse_source(data, notice.path)
        k = _count(source.meta)
        if k < count:
            last[k] = (origin, source, data)  # the last text with k corrections is the one that was public
    now = parse_source(current, notice.path)
    hidden_until = _hidden_until(notice, now)
    base = notice.url[: -len(".html")]
    versions: list[Version] = []
    for k in range(count + 1):
        date = notice.date if k == 0 else notice.corrections[k - 1].date
        note = None if k == 0 else notice.corrections[k - 1].note
        number = k + 1
        if k == count:
            version = _current(config, notice, now, current, found, bodies)
            versions.append(replace(version, number=number, date=date, note=note))
            continue
        if k < hidden_until:
            versions.append(Version(number, date, note, PRIVATE, last[k][0] if k in last else None))
            continue
        if k not in last:
            versions.append(Version(number, date, note, NOT_KEPT))
            continue
        origin, source, data = last[k]
        version = _older(config, notice, source, number, date, note, origin, found)
        version = replace(version, text=_text(data)) if version.shown else version
        if version.shown:
            version = replace(version, url=f"{base}/v{number}.html",
                              body=renderer.render(version.notice.body) if renderer else "")
        versions.append(version)
    versions = _with_changes(versions)
    return History(notice.path, notice.url, tuple(versions))


_YES = {"true", "yes", "y", "on", "1", "是", "对"}


def _hidden_until(notice: Notice, source: Source) -> int:
    """How many versions a correction marked ``privacy: true`` hides: every version before it."""
    items = source.meta.get("corrections")
    items = [items] if isinstance(items, dict) else items if isinstance(items, list) else []
    flagged = set()
    for item in items:
        if isinstance(item, dict) and str(item.get("privacy") or "").strip().lower() in _YES:
            try:
                flagged.add((parse_date(item.get("date")), str(item.get("note") or "").strip()))
            except (ValueError, TypeError):
                continue
    return max((i + 1 for i, c in enumerate(notice.corrections) if (c.date, c.note) in flagged), default=0)


def _current(config: Config, notice: Notice, source: Source, data: bytes, found: Read,
             bodies: Mapping[str, str] | None) -> Version:
    """The file on disk: the pipeline checked it (its notice travels without a body; this one has it)."""
    checked, _ = validate(source, config)
    found.current[notice.path] = _text(data)
    body = bodies.get(notice.path, "") if bodies is not None else ""
    return Version(0, notice.date, None, SHOWN, CURRENT, url=notice.url, notice=checked or notice,
                   text=found.current[notice.path], body=body)


def _older(config: Config, notice: Notice, source: Source, number: int, date: dt.date, note: str | None,
           origin: str, found: Read) -> Version:
    """An earlier text, shown only when it passes today's checks of personal numbers."""
    old, _ = validate(source, config)
    if old is None:
        return Version(number, date, note, UNREADABLE, origin)
    passed: set[str] = set()
    leaks = [p for p in checks.trust(old, config, passed) if p.code.startswith("privacy.")]
    if leaks:
        found.problems.append(warning(notice.path, notice.line("corrections"), "history.hidden",
                                      f"这份公告的第 {number} 版（{date} 公开）含有个人号码（{leaks[0].code}），"
                                      "网站上只列出这一版的日期和更正说明，不显示它的内容。"))
        return Version(number, date, note, PRIVATE, origin)
    found.passed |= passed
    return Version(number, date, note, SHOWN, origin, notice=old)


_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _text(data: bytes) -> str:
    """A text as history.json keeps it: what the pages show of it, nothing more. HTML comments go
    (the pages never show them, and a clerk may think them private)."""
    text = data.decode("utf-8-sig", "replace").replace("\r\n", "\n").replace("\r", "\n")
    text = _COMMENT.sub("", text) if "<!--" in text else text
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


# -- git ---------------------------------------------------------------------

def git_texts(content_dir: Path, wanted: set[str], problems: list[Problem] | None = None,
              name: str = "content/") -> dict[str, list[bytes]]:
    """The committed texts of the ``wanted`` files (relative to ``content_dir``), oldest first.

    Empty when git is not installed or the folder is not in a repository. One
    ``git log`` over the whole folder finds every commit of every file
    (following renames), one ``git cat-file --batch`` reads the texts.
    """
    try:
        return _git_texts(content_dir, wanted, problems, name)
    except (OSError, subprocess.SubprocessError, ValueError, UnicodeError):
        return {}  # no git, or one that stopped answering: the kept history and the file on disk


def _git_texts(content_dir: Path, wanted: set[str], problems: list[Problem] | None, name: str) -> dict[str, list[bytes]]:
    top = _git(content_dir, "rev-parse", "--show-prefix")
    if top.returncode != 0:
        message = top.stderr.decode("utf-8", "replace")
        if "not a git repository" not in message.lower() and problems is not None:
            problems.append(warning(name.rstrip("/"), 1, "history.git",
                                    "content 文件夹在 git 仓库里，但无法读取它的历史（"
                                    + (message.strip().splitlines() or ["未知原因"])[-1][:200]
                                    + "）。更正过的公告只能显示现在的版本。请让管理员检查 git 是否可用"
                                      "（例如文件夹属于另一个用户时，运行 git config --global --add safe.directory 文件夹路径）。"))
        return {}
    prefix = top.stdout.decode("utf-8", "surrogateescape").strip()
    log = _git(content_dir, "-c", "core.quotepath=off", "log", "--format=%x01%H", "--name-status", "-z", "-M",
               "--relative", "--", ".")
    if log.returncode != 0:
        return {}  # a repository without commits yet
    wanted_at = _commits_of(log.stdout, wanted)
    specs = [(rel, f"{commit}:{prefix}{path}") for rel, found in wanted_at.items() for commit, path in found]
    if not specs:
        return {}
    texts: dict[str, list[bytes]] = {}
    for (rel, _), data in zip(specs, _cat_files([s for _, s in specs], content_dir), strict=True):
        if data is not None:
            texts.setdefault(rel, []).append(data)
    for rel in texts:
        texts[rel].reverse()  # git log gives newest first
    return texts


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, timeout=GIT_TIMEOUT, env=env,
                          stdin=subprocess.DEVNULL)


def _commits_of(log: bytes, wanted: set[str]) -> dict[str, list[tuple[str, str]]]:
    """(commit, path then) of every commit that touched each wanted file, newest first, following renames."""
    name_of = {rel: rel for rel in wanted}     # the wanted file → its name at the commit being read
    holder = {rel: rel for rel in wanted}      # a name → the wanted file that has it now
    found: dict[str, list[tuple[str, str]]] = {}
    for chunk in log.split(b"\x01")[1:]:
        commit, _, rest = chunk.partition(b"\x00")
        tokens = [t.decode("utf-8", "surrogateescape") for t in rest.lstrip(b"\n").split(b"\x00")]
        i = 0
        while i < len(tokens):
            status = tokens[i]
            if not status:
                i += 1
                continue
            if status[0] in "RC":
                old, new = tokens[i + 1], tokens[i + 2]
                i += 3
                rel = holder.get(new)
                if rel is not None and name_of.get(rel) == new:
                    found.setdefault(rel, []).append((commit.decode(), new))
                    if status[0] == "R":
                        del holder[new]
                        holder[old], name_of[rel] = rel, old
                continue
            path = tokens[i + 1] if i + 1 < len(tokens) else ""
            i += 2
            rel = holder.get(path)
            if rel is None or name_of.get(rel) != path or status[0] == "D":
                continue
            if len(found.setdefault(rel, [])) < MAX_REVISIONS:
                found[rel].append((commit.decode(), path))
            if status[0] == "A":  # before this commit the file did not exist
                del holder[path]
                name_of.pop(rel)
    return found


def _cat_files(specs: list[str], folder: Path) -> list[bytes | None]:
    """The blobs named ``commit:path``, in order (None for one that is missing)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    run = subprocess.run(["git", "cat-file", "--batch"], cwd=folder, input="".join(s + "\n" for s in specs).encode(
        "utf-8", "surrogateescape"), capture_output=True, timeout=GIT_TIMEOUT, env=env)
    out, at, blobs = run.stdout, 0, []
    for _ in specs:
        end = out.find(b"\n", at)
        if end < 0:
            blobs.append(None)
            continue
        header = out[at:end].split(b" ")
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            blobs.append(None)
            continue
        size = int(header[2])
        blobs.append(out[at:at + size])
        at += size + 1
    return blobs


# -- the kept history (history.json) ------------------------------------------

def kept_sources(kept: Iterable[Mapping] | None) -> dict[str, list[bytes]]:
    """notice path → the texts kept histories hold, the earlier histories' first, each oldest first."""
    result: dict[str, list[bytes]] = {}
    for record in kept or ():
        if not isinstance(record, Mapping) or not isinstance(record.get("notices"), Mapping):
            continue  # a broken file is no history, never a failure
        for path, versions in record["notices"].items():
            if not isinstance(versions, list):
                continue
            usable = [v for v in versions if _lines(v) is not None]
            usable.sort(key=lambda v: v["number"] if isinstance(v.get("number"), int) else 0)
            result.setdefault(str(path), []).extend("\n".join(_lines(v)).encode("utf-8") for v in usable)
    return result


def _lines(entry) -> list[str] | None:
    """A kept version's lines, or None when the entry is not one."""
    lines = entry.get("lines") if isinstance(entry, dict) else None
    return lines if isinstance(lines, list) and all(isinstance(line, str) for line in lines) else None


def kept_record(found: Read, current: Mapping[str, str]) -> dict:
    """What a build writes to history.json: for each published notice the text of every version it
    shows (``current``: notice path → its text now); what earlier history.json files kept of notices
    not published now (held back by an error) is carried on, so nothing kept is lost."""
    notices: dict[str, list[dict]] = {}
    for path, versions in found.kept.items():
        if path in current:
            continue
        carried = [v for v in versions if _lines(v) is not None
                   and not privacy.find("\n".join(_lines(v)), strict=True)]  # never re-published unchecked
        if carried:
            notices[path] = carried
    for path, text in current.items():
        history = found.histories.get(path)
        if history is None:
            notices[path] = [{"number": 1, "lines": text.split("\n")}]
        else:
            notices[path] = [{"number": v.number, "date": v.date.isoformat(), "lines": v.text.split("\n")}
                             for v in history.versions if v.shown and v.text]
    return {"version": FORMAT, "notices": {p: notices[p] for p in sorted(notices)}}


LIVE_KEY = "gongkai_history"  # publish puts the live site's history.json into the manifest it passes on


def publishing(previous: Mapping | None) -> bool:
    """Whether this build is ``gongkai publish``'s (it passes the live site's history, or None, under LIVE_KEY)."""
    return isinstance(previous, Mapping) and LIVE_KEY in previous


def kept_of(config: Config, previous: Mapping | None = None) -> list[dict]:
    """The kept histories a build reads: the last local build's (output/history.json), then the
    live site's (from ``gongkai publish``), which wins where both keep a version."""
    found = []
    try:
        local = load_kept((config.output_dir / FILE).read_bytes())
    except OSError:
        local = None
    if local is not None:
        found.append(local)
    live = previous.get(LIVE_KEY) if isinstance(previous, Mapping) else None
    if isinstance(live, dict):
        found.append(live)
    return found


def load_kept(data: bytes | None) -> dict | None:
    """A history.json as bytes (None: there is none); a broken one is no history, never a failure."""
    if not data:
        return None
    try:
        value = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


# -- what changed ------------------------------------------------------------

def _with_changes(versions: list[Version]) -> list[Version]:
    """Each shown version with its changes against the version before it, when that is shown too."""
    result = list(versions)
    for i in range(1, len(result)):
        before, after = result[i - 1], result[i]
        if before.shown and after.shown and before.notice is not None and after.notice is not None:
            found = tuple(changes(before.notice, after.notice))
            body = mark_cells(after.body, found) if after.body else after.body
            result[i] = replace(after, changes=found, body=body)
    return result


def changes(before: Notice, after: Notice) -> list[Change]:
    """What changed from ``before`` to ``after``: fields, balance, table cells, then sentences."""
    found: list[Change] = []
    for key, label in _FIELDS:
        old, new = getattr(before, key), getattr(after, key)
        old, new = (_plain(str(v)) if v is not None else "" for v in (getattr(old, "label", old), getattr(new, "label", new)))
        if old != new:
            found.append(Change(label, f"“{old}”" if old else "", f"“{new}”" if new else ""))
    if before.balance != after.balance:
        for key, label in _BALANCE:
            old = getattr(before.balance, key) if before.balance else None
            new = getattr(after.balance, key) if after.balance else None
            if old != new:
                found.append(Change(label, f"{yuan(old)} 元" if old is not None else "",
                                    f"{yuan(new)} 元" if new is not None else ""))
    old_lines, new_lines = before.body.split("\n"), after.body.split("\n")
    old_tables, new_tables = _tables(old_lines), _tables(new_lines)
    for t, (old_table, new_table) in enumerate(zip(old_tables, new_tables, strict=False)):
        found.extend(_table_changes(t, old_table, new_table))
    for old_table in old_tables[len(new_tables):]:
        found.append(Change(old_table.name, "整张表格", ""))
    for new_table in new_tables[len(old_tables):]:
        found.append(Change(new_table.name, "", "整张表格"))
    found.extend(_text_changes(_prose(old_lines, old_tables), _prose(new_lines, new_tables)))
    return found


@dataclass
class _Table:
    name: str
    start: int      # index of the header line
    end: int        # index after the last row
    header: list[str]
    rows: list[list[str]]


def _tables(lines: list[str]) -> list[_Table]:
    found = []
    for i, header in tables.headers(lines):
        rows = tables.body_rows(lines, i)
        name = next((_plain(lines[j]) for j in range(i - 1, max(-1, i - 4), -1) if _plain(lines[j])), "")
        name = name if name and len(name) <= 30 else f"表格{len(found) + 1}"
        found.append(_Table(name, i, i + 2 + len(rows), header, [cells for _, cells in rows]))
    return found


def _table_changes(index: int, old: _Table, new: _Table) -> list[Change]:
    """Changed, added and removed rows; rows are matched by their first cell where it is unique."""
    found: list[Change] = []
    if [_plain(c) for c in old.header] != [_plain(c) for c in new.header]:
        found.append(Change(f"{new.name} · 表头", "“" + "｜".join(map(_plain, old.header)) + "”",
                            "“" + "｜".join(map(_plain, new.header)) + "”"))
    labels_old = [_plain(r[0]) if r else "" for r in old.rows]
    labels_new = [_plain(r[0]) if r else "" for r in new.rows]
    unique = len(set(labels_old)) == len(labels_old) and len(set(labels_new)) == len(labels_new)
    if unique:
        pairs = [(labels_old.index(label), j) for j, label in enumerate(labels_new) if label in labels_old]
    else:
        pairs = [(j, j) for j in range(min(len(old.rows), len(new.rows)))]
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    for i, j in pairs:
        old_row, new_row = old.rows[i], new.rows[j]
        label = labels_new[j] or f"第 {j + 1} 行"
        for c in range(1, max(len(old_row), len(new_row))):
            was = _plain(old_row[c]) if c < len(old_row) else ""
            now = _plain(new_row[c]) if c < len(new_row) else ""
            if was == now or _same_amount(was, now):
                continue
            column = _plain(new.header[c]) if c < len(new.header) else f"第 {c + 1} 列"
            where = f"{new.name} · {label}" + (f"（{column}）" if len(new.header) > 2 else "")
            unit = " 元" if "元" in column else ""
            found.append(Change(where, _cell(was, unit), _cell(now, unit), (index, j, c) if c < len(new_row) else None))
        if labels_old[i] != labels_new[j] and not unique:
            found.append(Change(f"{new.name} · 第 {j + 1} 行", f"“{labels_old[i]}”", f"“{labels_new[j]}”", (index, j, 0)))
    for i, row in enumerate(old.rows):
        if i not in matched_old:
            found.append(Change(f"{old.name} · 删去一行", "“" + "｜".join(map(_plain, row)) + "”", ""))
    for j, row in enumerate(new.rows):
        if j not in matched_new:
            found.append(Change(f"{new.name} · 新增一行", "", "“" + "｜".join(map(_plain, row)) + "”"))
    return found


def _same_amount(was: str, now: str) -> bool:
    """3600 and 3,600.00 (or ３，６００．００) are one figure: a reader sees no change."""
    if not was or not now:
        return False
    old, new = parse_amount(was), parse_amount(now)
    return old is not None and old == new


def _cell(text: str, unit: str) -> str:
    """A cell's value as a change quotes it: an amount as written (with the column's 元), words in quotes."""
    if not text:
        return ""
    if parse_amount(text) is not None:
        return text if text.endswith("元") else f"{text}{unit}"
    return f"“{text}”"


_CLAUSE = re.compile(r"(?<=[，。；！？：])")  # not the ASCII comma: 284,051.39 is one number


def _prose(lines: list[str], found: list[_Table]) -> list[str]:
    """The body outside tables as plain clauses (split after ，。；！？：), so that a changed figure
    in a long sentence is quoted with the few words around it, not the whole paragraph."""
    inside = {i for t in found for i in range(t.start, t.end)}
    clauses = []
    for i, line in enumerate(lines):
        if i not in inside and (text := _plain(line)):
            clauses.extend(c for part in _CLAUSE.split(text) if (c := part.strip()))
    return clauses


def _text_changes(old: list[str], new: list[str]) -> list[Change]:
    found = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        was, now = ("".join(part[k1:k2]).rstrip("，；：") for part, k1, k2 in ((old, i1, i2), (new, j1, j2)))
        found.append(Change("正文", f"“{_short(was)}”" if was else "", f"“{_short(now)}”" if now else ""))
    return found


_MARKUP = re.compile(r"(\*\*|__|\*|`|^#+\s*|^>\s*|^[-+]\s+|<[^>]*>)", re.M)


def _plain(text: str) -> str:
    """Text as a reader sees it: no Markdown marks, no tags, spaces collapsed."""
    return " ".join(html.unescape(_MARKUP.sub("", text)).split())


def _short(text: str) -> str:
    return text if len(text) <= _SHORT else text[:_SHORT] + "…"


# -- marking the changed cells in rendered HTML -----------------------------------

_TAG = re.compile(r"<(/?)(table|thead|tbody|tr|td|th)\b([^>]*)>", re.I)


def mark_cells(body: str, found: Iterable[Change]) -> str:
    """The rendered body with each changed cell marked, and its earlier value struck through in it.

    Cells are counted as the Markdown tables were: tables in order, rows of
    the table body, columns from 0.
    """
    targets = {c.cell: c for c in found if c.cell is not None}
    if not targets:
        return body
    out, at = [], 0
    table, row, column, in_body = -1, -1, -1, False
    for match in _TAG.finditer(body):
        closing, tag = match.group(1), match.group(2).lower()
        if closing:
            if tag == "tbody":
                in_body = False
            continue
        if tag == "table":
            table, row, in_body = table + 1, -1, False
        elif tag == "tbody":
            in_body = True
        elif tag == "tr" and in_body:
            row, column = row + 1, -1
        elif tag in ("td", "th") and in_body:
            column += 1
            change = targets.get((table, row, column))
            if change is not None:
                out.append(body[at:match.start()])
                attributes = match.group(3)
                label = html.escape(f"已更正，原为 {change.before}" if change.before else "已更正（新增）", quote=True)
                out.append(f'<{match.group(2)}{attributes} class="gk-changed" title="{label}">')
                if change.before:  # the words are for screen readers (and feed readers, which show them)
                    out.append(f'<del class="gk-changed__was"><span class="gk-visually-hidden">原为</span>'
                               f'{html.escape(_bare(change.before))}</del> <span class="gk-visually-hidden">现为</span>')
                at = match.end()
    out.append(body[at:])
    return "".join(out)


def _bare(value: str) -> str:
    return value.strip("“”").removesuffix(" 元")


# -- writing ---------------------------------------------------------------------

def write_pages(write: Callable[..., None], township, found: Read, config: Config) -> int:
    """Write a page for every older version that is shown, and history.json; the number of pages.

    ``write(url, template, **values)`` is the build's page writer.
    """
    written = 0
    for board in township.boards:
        for section in board.sections:
            for notice in section.notices:
                history = found.histories.get(notice.path)
                if history is None:
                    continue
                for version in history.older:
                    if version.shown and version.url:
                        write(version.url, "version", board=board, section=section, notice=notice, history=history,
                              version=version, body=version.body, page_kind="version")
                        written += 1
    # Publishing keeps the text of every published notice, so that a site without git has its first
    # version when it is corrected later; other builds keep the corrected notices' versions only
    # (a few kilobytes instead of the whole site for the last gate to read again).
    current = {}
    for notice in township.notices:  # published ones only: never a draft's text, nor one dated after today
        if not found.keep_all and notice.path not in found.histories:
            continue
        text = found.current.get(notice.path)
        if text is None:
            try:
                text = _text((config.base_dir / notice.path).read_bytes())
            except OSError:
                continue
        current[notice.path] = text
    # One source line a JSON line: the last gate reads it line by line, as it reads the pages.
    text = json.dumps(kept_record(found, current), ensure_ascii=False, indent=0)
    write(FILE, "history_json", text=text, page_kind="history")
    return written
