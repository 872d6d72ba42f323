"""One read-and-check pipeline for every command and every file the site publishes.

``gongkai check``, the build (``gongkai build``, plain ``pelican``,
``serve``), ``new`` and ``publish`` all call :func:`read_site`, which runs
the same steps in the same order:

1. **discover** every file under the content folder and decide what it is:
   a notice, a page, a static file, or something that is not published
   (with a warning when it looks like a notice that would be skipped);
   links that leave the content folder or lead nowhere are refused;
2. **read and check each file** on its own (on every core for large
   sites): notices through :mod:`.notices` and :mod:`.checks`, pages and
   static files through :mod:`.pages`. An unexpected exception in one file
   becomes the problem ``internal`` on that file, and the others go on;
3. **check across files**: duplicates, balance continuity, the
   20-working-day rule, and the record check against a published manifest;
4. **model the township**: boards, sections and their statuses.

A file with an error is *held back*: it is never published, and the rest
of the site is (see "When a file has an error" in docs/admin.md). The
result says which files may be published; the Pelican adapter publishes
nothing else.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Protocol

from . import annual, attachments, checks, history, pages, records
from .config import Config
from .markup import Renderer
from .model import Township, build_township
from .notices import Notice, Source, parse_source
from .outputs import digest
from .parallel import PARALLEL_FROM, pool_map
from .problems import Problem, error, internal, warning

NOTICE, PAGE, STATIC = "notice", "page", "static"
ATTACHMENT = "attachment"  # any other file beside the notices: published when a notice links it
BACKUP_SUFFIXES = (".gbk.bak",)  # what gongkai fix-encoding keeps: never published, nothing to say
NOTICE_SUFFIXES = (".md", ".markdown")
# Names a notice is saved under by mistake (Notepad adds .txt; other editors
# other endings): they would be skipped, so they get a warning.
LOOKALIKE_SUFFIXES = (".md.txt", ".markdown.txt", ".txt", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".md.bak",
                      ".docx.md", ".text")


@dataclass(frozen=True)
class SiteFile:
    """A file under the content folder and what the site does with it."""

    rel: str   # relative to the content folder, with /
    kind: str  # notice | page | static | attachment


@dataclass(frozen=True)
class FileResult:
    """What reading and checking one file found."""

    file: SiteFile
    problems: tuple[Problem, ...] = ()
    notice: Notice | None = None  # a valid notice, without its body
    source: Source | None = None  # what the content cache keeps (notices)
    rendered: str | None = None   # the notice body as HTML, when rendering
    draft: bool = False           # a page that is not to be published
    passed: frozenset[str] = frozenset()  # personal numbers let through on purpose (for the last gate)
    slug: str | None = None       # a page's address (pages/<slug>.html)
    links: tuple[attachments.Link, ...] = ()  # a notice's links that may lead to a file of the site

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


@dataclass
class Site:
    """The whole site, read and checked: what every command works from."""

    config: Config
    files: list[SiteFile]
    notices: list[Notice]            # valid notices, without bodies
    problems: list[Problem]          # every problem, sorted
    township: Township
    held_back: frozenset[str]        # content-relative paths never published
    drafts: frozenset[str] = frozenset()
    bodies: dict[str, str] = field(default_factory=dict)     # notice path → rendered body
    sources: dict[str, Source] = field(default_factory=dict)  # rel → parsed source (notices, when building)
    passed: frozenset[str] = frozenset()  # personal numbers the checks let through on purpose, in published files
    attachments: attachments.Plan = field(default_factory=attachments.Plan)  # what the notices link, and where it goes
    history: history.Read = field(default_factory=history.Read)  # every version of each corrected notice

    def __post_init__(self) -> None:
        self.passed = self.passed | self.history.passed  # older versions shown: their numbers were checked too

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def notice_count(self) -> int:
        return sum(f.kind == NOTICE for f in self.files)

    def publishes(self, rel: str) -> bool:
        """Whether the file at ``rel`` (relative to the content folder) may be published."""
        return rel in self._published

    @cached_property
    def _published(self) -> frozenset[str]:
        return frozenset(f.rel for f in self.files if f.kind not in (NOTICE, ATTACHMENT)) - self.held_back - self.drafts


class Cache(Protocol):
    """What :func:`read_site` asks of a content cache (:class:`.outputs.Store`)."""

    def get_cached_data(self, name: str, default=None): ...  # pragma: no cover - protocol

    def cache_data(self, name: str, data) -> None: ...  # pragma: no cover - protocol


# -- 1. discovery -----------------------------------------------------------

def discover(config: Config) -> tuple[list[SiteFile], list[Problem]]:
    """Every file the site may publish, sorted; and the problems of files it refuses or skips."""
    root = config.content_dir
    found: list[SiteFile] = []
    problems: list[Problem] = []
    real_root = os.path.realpath(root)

    def name(rel: str) -> str:
        return config.relpath(root / rel)

    def ignored(basename: str) -> bool:
        return basename.startswith((".", "_")) or basename.endswith(BACKUP_SUFFIXES) \
            or any(fnmatch.fnmatch(basename, p) for p in config.ignore_files)

    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        rel_folder = "" if rel_folder == "." else rel_folder + "/"
        kept = []
        for d in sorted(dirs):
            if ignored(d):
                continue
            full = os.path.join(folder, d)
            if os.path.islink(full):
                problems.append(_link_problem(name(rel_folder + d), full, real_root, folder=True))
                continue
            kept.append(d)
        dirs[:] = kept
        for basename in sorted(files):
            if ignored(basename):
                continue
            rel = rel_folder + basename
            if not _is_text(rel):
                shown = os.fsencode(rel).decode("utf-8", "replace")
                problems.append(error(config.relpath(root / shown), 1, "encoding",
                                      "文件名（或文件夹名）里有无法识别的文字（不是 UTF-8 编码，常见于从旧电脑或压缩包拷来的文件），"
                                      "这个文件不会被读取和公开。请给它改一个名字（例如用拼音或数字）。"))
                continue
            full = os.path.join(folder, basename)
            if os.path.islink(full):
                target = os.path.realpath(full)
                if not os.path.exists(target) or os.path.commonpath([real_root, target]) != real_root:
                    problems.append(_link_problem(name(rel), full, real_root, folder=False))
                    continue
            try:
                regular = stat.S_ISREG(os.stat(full).st_mode)
            except OSError:
                regular = True  # vanished or unreadable: reading it reports why
            if not regular:
                problems.append(error(name(rel), 1, "file.special", "这不是普通文件（而是管道、设备或套接字），"
                                      "不会被读取和公开。请删除它，把要公开的内容保存成普通文件。"))
                continue
            if rel.startswith(annual.FOLDER + "/"):
                continue  # the request logs and annual report texts: annual.py reads them, nothing publishes them
            kind = kind_of(config, rel)
            lower = basename.lower()
            if kind == NOTICE and lower.endswith(NOTICE_SUFFIXES):
                found.append(SiteFile(rel, NOTICE))
            elif kind == PAGE:
                found.append(SiteFile(rel, PAGE))
            elif kind == STATIC:
                found.append(SiteFile(rel, STATIC))
            elif kind == NOTICE:  # published if a notice links it; assemble() names it otherwise
                found.append(SiteFile(rel, ATTACHMENT))
            else:  # not published: never without a word
                problems.append(_skipped(name(rel), basename, full, page_folder=kind is None))
    return found, problems


def _skipped(path: str, basename: str, full: str, *, page_folder: bool) -> Problem:
    """The warning for a file the site does not publish."""
    lower = basename.lower()
    lookalike = next((s for s in LOOKALIKE_SUFFIXES if lower.endswith(s)), None)
    if lookalike and _looks_like_notice(full):
        stem = basename[: -len(lookalike)]
        return warning(path, 1, "file.skipped", f"这个文件像是一份公告，但文件名以“{basename[len(stem):]}”结尾，不会被读取和公开。"
                       f"请把它改名为 {stem}.md（记事本“另存为”时，保存类型选“所有文件”）。")
    stripped = basename.rstrip(" .~")
    if stripped != basename and stripped.lower().endswith(NOTICE_SUFFIXES):
        return warning(path, 1, "file.skipped", f"文件名“{basename}”末尾多了空格、点或 ~，不会被读取和公开。"
                       f"如果这是一份公告，请改名为 {stripped}；如果是编辑器留下的备份，请删除。")
    if page_folder:
        return warning(path, 1, "file.skipped", "页面文件夹里只读取 .md 和 .html 页面，这个文件不会公开。"
                       "请把页面另存为 .md（Markdown）或 .html。")
    return warning(path, 1, "file.skipped", "没有公告链接这个文件，所以它不会公开。要把它作为附件公开，"
                   "请在公告正文中按文件名链接它：图片写 ![说明](文件名.jpg)，其他文件写 [说明](文件名.pdf)。")


def kind_of(config: Config, rel: str) -> str | None:
    """What the site does with the file at ``rel``: Pelican's rules for PAGE_PATHS and STATIC_PATHS,
    and gongkai's for everything else (a notice, when its name says so)."""

    def under(folders: tuple[str, ...]) -> bool:
        return any(d in ("", ".") or rel == d or rel.startswith(d + "/") for d in folders)

    if under(config.page_dirs) and rel.lower().endswith(pages.PAGE_SUFFIXES):
        return PAGE
    if under(config.static_dirs):
        return STATIC
    if under(config.page_dirs):
        return None
    return NOTICE


def _is_text(name: str) -> bool:
    """Whether a file name is real text (a name in another encoding arrives with surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _looks_like_notice(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"---") or path.lower().endswith((".md.txt", ".markdown.txt"))


def _link_problem(path: str, full: str, real_root: str, *, folder: bool) -> Problem:
    target = os.path.realpath(full)
    what = "文件夹" if folder else "文件"
    if not os.path.exists(target):
        why = f"这是一个链接（快捷方式），它指向的{what}不存在。"
    elif os.path.commonpath([real_root, target]) != real_root:
        why = f"这是一个链接（快捷方式），指向 content 文件夹以外的{what}，不会公开。"
    else:
        return warning(path, 1, "file.link", f"这是一个指向 content 内另一个{what}的链接，不会被读取。"
                       f"请直接把{what}放在这里，不要用链接（快捷方式）。")
    return error(path, 1, "file.link", why + f"请删除这个链接，把要公开的{what}本身复制进 content 文件夹。")


# -- 2. each file on its own --------------------------------------------------

@dataclass(frozen=True)
class _Job:
    file: SiteFile
    cached: tuple[Source, str | None] | None = None


_config: Config | None = None     # set in every worker by _start (and in this process)
_render = False
_renderer: Renderer | None = None
_prefix = ""                      # the content folder as problems name it, with a final /


def _start(config: Config, render: bool) -> None:
    """The executor's initializer: what every worker needs, sent once."""
    global _config, _render, _renderer, _prefix
    _config, _render = config, render
    _renderer = Renderer() if render else None
    _prefix = config.relpath(config.content_dir) + "/"


def _name(rel: str, prefix: str | None = None) -> str:
    """A content file's path as problems name it (relative to the settings' folder)."""
    prefix = _prefix if prefix is None else prefix
    return prefix + rel if prefix != "./" else rel


LINE_LIMIT = 100_000  # bytes; a longer line in a notice or page is pasted data, not text anyone reads


def _long_line(data: bytes, name: str) -> Problem | None:
    """A line too long to be text: refused before anything tries to render or scan it."""
    for number, line in enumerate(data.split(b"\n"), 1):
        if len(line) > LINE_LIMIT:
            return error(name, number, "file.too-large", f"第 {number} 行有 {len(line) // 1024} KB，太长了，不像是公告或页面的文字"
                         "（可能粘贴了整张表格的数据或图片编码）。请把它分成多行，表格请用 Markdown 表格，图片请放进 images 文件夹。")
    return None


def _work(job: _Job) -> FileResult:
    """Read and check one file; an unexpected failure is the problem ``internal`` on it."""
    config = _config
    try:
        if job.file.kind == ATTACHMENT:
            return FileResult(job.file)  # read in assemble(), once a notice links it
        if job.file.kind == NOTICE and job.cached is not None:
            return _notice(job, config, *job.cached)
        data = (config.content_dir / job.file.rel).read_bytes()
        name = _name(job.file.rel)
        if job.file.kind in (NOTICE, PAGE) and len(data) > LINE_LIMIT:
            too_long = _long_line(data, name)
            if too_long is not None:
                return FileResult(job.file, (too_long,))
        if job.file.kind == NOTICE:
            source = parse_source(data, name)
            rendered = _renderer.render(source.body) if _render and not source.problems else None
            return _notice(job, config, source, rendered)
        passed: set[str] = set()
        check = pages.check_page if job.file.kind == PAGE else pages.check_static
        found = check(config, name, job.file.rel, data, passed)
        return FileResult(job.file, tuple(found.problems), draft=found.draft, slug=found.slug, passed=frozenset(passed))
    except Exception as exc:  # one file's failure never stops the others
        return FileResult(job.file, (internal(_name(job.file.rel), exc),))


def _notice(job: _Job, config: Config, source: Source, rendered: str | None) -> FileResult:
    passed: set[str] = set()
    notice, problems = checks.check_source(source, config, passed)
    if notice is not None:
        notice = replace(notice, body="")  # nothing after the per-file checks reads it; it need not travel
    # The source travels back only for a build: the content cache keeps it, the last gate reads it.
    links = attachments.find_links(source.body, source.body_line) if notice is not None else ()
    return FileResult(job.file, tuple(problems), notice, source if _render else None, rendered,
                      passed=frozenset(passed), links=links)


# -- the whole site ---------------------------------------------------------------

def read_site(config: Config, *, previous: dict | None = None, render: bool = False, cache: Cache | None = None,
              parallel_from: int = PARALLEL_FROM, progress: Callable[[int, int], None] | None = None) -> Site:
    """Discover, read and check every file, check across files, and model the township.

    ``previous`` is a published manifest (the record check runs against it);
    ``render`` also renders notice bodies (the build); ``cache`` keeps parsed
    and rendered notices between builds, keyed by the file's name and the
    sha256 of its bytes (a file put back as it was is not parsed again).
    """
    files, problems = discover(config)
    # Two levels of cache: a notice checked with these very settings (today included) is taken as it
    # was; one whose settings changed is checked again from its parsed and rendered source.
    checked = digest(config, render) if cache is not None else ""
    results: list[FileResult | None] = []
    jobs, waiting = [], []
    for file in files:
        key = _cache_key(config, file) if cache is not None and file.kind == NOTICE else None
        done = cache.get_cached_data(f"{key}\0{checked}", None) if key is not None else None
        if isinstance(done, FileResult):
            cache.get_cached_data(key, None)  # kept for the day the settings (or today) change
            results.append(done)
            continue
        cached = cache.get_cached_data(key, None) if key is not None else None
        waiting.append((len(results), key))
        results.append(None)
        jobs.append(_Job(file, cached if _usable(cached, render) else None))
    for (index, key), job, result in zip(waiting, jobs, pool_map(_work, jobs, initializer=_start, initargs=(config, render),
                                                                  parallel_from=parallel_from), strict=True):
        if job.cached is not None and result.source is not None:
            # The worker sent back a copy of what the cache already holds: keep one of them.
            result = replace(result, source=job.cached[0], rendered=job.cached[1])
        results[index] = result
        if key is not None and result.source is not None:
            if job.cached is None:
                cache.cache_data(key, (result.source, result.rendered))
            cache.cache_data(f"{key}\0{checked}", result)
    if progress is not None:
        progress(len(results), len(results))
    return assemble(config, files, problems, results, previous)


def _cache_key(config: Config, file: SiteFile) -> str | None:
    """A notice's name and the digest of its bytes; None when it cannot be read (the worker says why)."""
    import hashlib

    try:
        data = (config.content_dir / file.rel).read_bytes()
    except OSError:
        return None
    return f"{file.rel}\0{hashlib.sha256(data).hexdigest()}"


def _usable(cached, render: bool) -> bool:
    return isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[0], Source) and (
        not render or cached[1] is not None or bool(cached[0].problems))


def assemble(config: Config, files: list[SiteFile], problems: list[Problem], results: Iterable[FileResult],
             previous: dict | None = None) -> Site:
    """Steps 3 and 4 over the results of step 2."""
    results = list(results)
    problems = list(problems)
    prefix = config.relpath(config.content_dir) + "/"
    notice_results = [(r.notice, list(r.problems)) for r in results if r.file.kind == NOTICE]
    notices, notice_problems = checks.across_files(notice_results, config)
    problems.extend(notice_problems)
    for result in results:
        if result.file.kind != NOTICE:
            problems.extend(result.problems)
    problems.extend(_page_addresses(results, prefix))
    problems.extend(checks.settings_placeholders(config))  # blanks and examples every page would show
    problems.extend(annual.problems(config, notices))  # the annual report's logs, identity and deadline
    valid = {n.path for n in notices}
    linking = [attachments.NoticeLinks(r.file.rel, r.notice.path, r.notice.url,
                                       config.board(r.notice.board).sections[r.notice.category].privacy, r.links)
               for r in results if r.notice is not None and r.links and r.notice.path in valid]
    plan = _attachments(config, files, problems, linking, prefix, measure=any(r.rendered is not None for r in results))
    if previous is not None:
        read = [_name(r.file.rel, prefix) for r in results if r.file.kind == NOTICE]
        problems.extend(records.compare(previous, notices, read, config.today))
    problems = sorted(set(problems))
    by_name = {_name(f.rel, prefix): f.rel for f in files}
    held = {by_name[p.file] for p in problems if p.is_error and p.file in by_name}
    waiting = attachments.held_notices(plan, held, linking, lambda rel: _name(rel, prefix))
    if waiting:  # notices that link a file held back for its own errors wait for it
        problems = sorted(set(problems) | set(waiting))
        held |= {by_name[p.file] for p in waiting if p.file in by_name}
    published = {n.path for n in notices}
    held |= {r.file.rel for r in results if r.file.kind == NOTICE and r.notice is not None
             and r.notice.path not in published}
    notices = [n for n in notices if by_name.get(n.path) not in held]
    bodies = {r.notice.path: r.rendered for r in results if r.notice is not None and r.rendered is not None}
    plan.keep(n.path for n in notices if n.is_visible(config.today))  # a draft's files wait with its page
    urls = {n.path: n.url for n in notices}
    for path, body in bodies.items():
        if path in urls and (path in plan.targets or path in plan.pages):
            bodies[path] = attachments.rewrite(body, urls[path],
                                               plan.targets.get(path, {}), plan.pages.get(path, {}), plan.files)
    # Every published version of each corrected notice (git, the kept history.json); changed cells marked in bodies.
    versions = history.read(config, notices, bodies=bodies or None, kept=history.kept_of(config, previous),
                            keep_all=history.publishing(previous))
    problems = sorted(set(problems) | set(versions.problems))
    return Site(
        config=config, files=files, notices=notices, problems=problems,
        township=build_township(config, notices), held_back=frozenset(held),
        drafts=frozenset(r.file.rel for r in results if r.draft), bodies=bodies,
        sources={r.file.rel: r.source for r in results if r.source is not None},
        passed=frozenset(n for r in results if r.ok and r.file.rel not in held for n in r.passed) | plan.passed,
        attachments=plan,
        history=versions,
    )


def _attachments(config: Config, files: list[SiteFile], problems: list[Problem], linking: list, prefix: str, *,
                 measure: bool) -> attachments.Plan:
    """Resolve the notices' links (their problems go into ``problems``); a file beside the notices that no
    notice links is named, never published in silence."""
    plan = attachments.plan(config, linking, {f.rel: f.kind for f in files}, lambda rel: _name(rel, prefix),
                            measure=measure)
    problems.extend(plan.problems)
    root = config.content_dir
    for file in files:
        if file.kind == ATTACHMENT and file.rel not in plan.sources:
            problems.append(_skipped(_name(file.rel, prefix), posixpath.basename(file.rel), str(root / file.rel),
                                     page_folder=False))
    return plan


def _page_addresses(results: list[FileResult], prefix: str) -> list[Problem]:
    """Two published pages on one address: Pelican would refuse to overwrite the first and stop."""
    seen: dict[str, str] = {}
    found = []
    for result in results:
        if result.file.kind != PAGE or result.draft or not result.ok or result.slug is None:
            continue
        first = seen.setdefault(result.slug, result.file.rel)
        if first != result.file.rel:
            found.append(error(_name(result.file.rel, prefix), 1, "duplicate",
                               f"与 {_name(first, prefix)} 的网址相同（/pages/{result.slug}.html）。"
                               "请给其中一个文件改名，或在文件头写 slug: 另一个名字。"))
    return found


def content_rel(config: Config, source_path: str | Path) -> str | None:
    """A path as Pelican gives it, relative to the content folder with / (None when outside it)."""
    rel = os.path.relpath(os.path.normpath(str(source_path)), os.path.normpath(str(config.content_dir)))
    rel = rel.replace(os.sep, "/")
    return None if rel.startswith("../") or rel == ".." else rel
