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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import checks, pages, records
from .config import Config
from .markup import Renderer
from .model import Township, build_township
from .notices import Notice, Source, parse_source
from .parallel import PARALLEL_FROM, pool_map
from .problems import Problem, error, internal, warning

NOTICE, PAGE, STATIC = "notice", "page", "static"
NOTICE_SUFFIXES = (".md", ".markdown")
# Names a notice is saved under by mistake (Notepad adds .txt; other editors
# other endings): they would be skipped, so they get a warning.
LOOKALIKE_SUFFIXES = (".md.txt", ".markdown.txt", ".txt", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".md.bak",
                      ".docx.md", ".text")


@dataclass(frozen=True)
class SiteFile:
    """A file under the content folder and what the site does with it."""

    rel: str   # relative to the content folder, with /
    kind: str  # notice | page | static


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

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def notice_count(self) -> int:
        return sum(f.kind == NOTICE for f in self.files)

    def publishes(self, rel: str) -> bool:
        """Whether the file at ``rel`` (relative to the content folder) may be published."""
        return rel in self._published

    @property
    def _published(self) -> frozenset[str]:
        return frozenset(f.rel for f in self.files if f.kind != NOTICE) - self.held_back - self.drafts


class Cache:
    """What :func:`read_site` asks of a content cache (Pelican's ``FileStampDataCacher`` fits)."""

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
        return basename.startswith((".", "_")) or any(fnmatch.fnmatch(basename, p) for p in config.ignore_files)

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
            kind = kind_of(config, rel)
            if kind == NOTICE:
                lower = basename.lower()
                if lower.endswith(NOTICE_SUFFIXES):
                    found.append(SiteFile(rel, NOTICE))
                elif lower.endswith(LOOKALIKE_SUFFIXES) and _looks_like_notice(full):
                    stem = basename[: -len(next(s for s in LOOKALIKE_SUFFIXES if lower.endswith(s)))]
                    problems.append(warning(name(rel), 1, "file.skipped",
                                            f"这个文件像是一份公告，但文件名以“{basename[len(stem):]}”结尾，不会被读取和公开。"
                                            f"请把它改名为 {stem}.md（记事本“另存为”时，保存类型选“所有文件”）。"))
            elif kind == PAGE:
                if basename.lower().endswith(pages.PAGE_SUFFIXES):
                    found.append(SiteFile(rel, PAGE))
            elif kind == STATIC:
                found.append(SiteFile(rel, STATIC))
    return found, problems


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


def _work(job: _Job) -> FileResult:
    """Read and check one file; an unexpected failure is the problem ``internal`` on it."""
    config = _config
    try:
        if job.file.kind == NOTICE:
            return _notice(job, config)
        name, passed = _name(job.file.rel), set()
        if job.file.kind == PAGE:
            problems, draft = pages.check_page(config, name, job.file.rel, _read(config, job.file.rel), passed)
            return FileResult(job.file, tuple(problems), draft=draft, passed=frozenset(passed))
        problems = pages.check_static(config, name, job.file.rel, _read(config, job.file.rel), passed)
        return FileResult(job.file, tuple(problems), passed=frozenset(passed))
    except Exception as exc:  # one file's failure never stops the others
        return FileResult(job.file, (internal(_name(job.file.rel), exc),))


def _read(config: Config, rel: str) -> bytes:
    return (config.content_dir / rel).read_bytes()


def _notice(job: _Job, config: Config) -> FileResult:
    if job.cached is not None:
        source, rendered = job.cached
    else:
        source = parse_source(_read(config, job.file.rel), _name(job.file.rel))
        rendered = _renderer.render(source.body) if _render and not source.problems else None
    passed: set[str] = set()
    notice, problems = checks.check_source(source, config, passed)
    if notice is not None:
        notice = replace(notice, body="")  # nothing after the per-file checks reads it; it need not travel
    # The source travels back only for a build: the content cache keeps it, the last gate reads it.
    return FileResult(job.file, tuple(problems), notice, source if _render else None, rendered,
                      passed=frozenset(passed))


# -- the whole site ---------------------------------------------------------------

def read_site(config: Config, *, previous: dict | None = None, render: bool = False, cache: Cache | None = None,
              parallel_from: int = PARALLEL_FROM, progress: Callable[[int, int], None] | None = None) -> Site:
    """Discover, read and check every file, check across files, and model the township.

    ``previous`` is a published manifest (the record check runs against it);
    ``render`` also renders notice bodies (the build); ``cache`` keeps parsed
    and rendered notices between builds, keyed by file.
    """
    files, problems = discover(config)
    jobs = []
    for file in files:
        cached = cache.get_cached_data(file.rel, None) if cache is not None and file.kind == NOTICE else None
        jobs.append(_Job(file, cached if _usable(cached, render) else None))
    results = pool_map(_work, jobs, initializer=_start, initargs=(config, render), parallel_from=parallel_from)
    if progress is not None:
        progress(len(results), len(results))
    if cache is not None:
        for job, result in zip(jobs, results, strict=True):
            if job.file.kind == NOTICE and job.cached is None and result.source is not None:
                cache.cache_data(job.file.rel, (result.source, result.rendered))
    return assemble(config, files, problems, results, previous)


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
    if previous is not None:
        read = [_name(r.file.rel, prefix) for r in results if r.file.kind == NOTICE]
        problems.extend(records.compare(previous, notices, read, config.today))
    problems = sorted(set(problems))
    by_name = {_name(f.rel, prefix): f.rel for f in files}
    held = {by_name[p.file] for p in problems if p.is_error and p.file in by_name}
    published = {n.path for n in notices}
    held |= {r.file.rel for r in results if r.file.kind == NOTICE and r.notice is not None
             and r.notice.path not in published}
    notices = [n for n in notices if by_name.get(n.path) not in held]
    bodies = {r.notice.path: r.rendered for r in results if r.notice is not None and r.rendered is not None}
    return Site(
        config=config, files=files, notices=notices, problems=problems,
        township=build_township(config, notices), held_back=frozenset(held),
        drafts=frozenset(r.file.rel for r in results if r.draft), bodies=bodies,
        sources={r.file.rel: r.source for r in results if r.source is not None},
        passed=frozenset(n for r in results if r.ok and r.file.rel not in held for n in r.passed),
    )


def content_rel(config: Config, source_path: str | Path) -> str | None:
    """A path as Pelican gives it, relative to the content folder with / (None when outside it)."""
    rel = os.path.relpath(os.path.normpath(str(source_path)), os.path.normpath(str(config.content_dir)))
    rel = rel.replace(os.sep, "/")
    return None if rel.startswith("../") or rel == ".." else rel
