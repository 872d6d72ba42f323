"""The last gate: every text file the build wrote is scanned for personal numbers.

The checks read the sources; this reads what a villager would get: the
pages, feeds, sitemap, JSON files and the pages the search index is made
from, after Markdown, templates and sanitising have had their say. A
number found here that the checks did not pass fails the build and the
publication with ``output.privacy``, naming the output file and, where it
is known, the source file it came from.

The gate applies the strictest rule (a privacy category's) to every file.
Numbers the checks let through on purpose (a mobile in a finance notice, a
contact in the settings) are known from the sources and allowed; anything
else is a leak.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import privacy
from .config import Config
from .pages import OFFICE_ZIP_SUFFIXES
from .pages import _office_text as office_text
from .parallel import pool_map
from .problems import Problem, error

TEXT_SUFFIXES = (".html", ".htm", ".xml", ".json", ".txt", ".csv", ".tsv", ".svg", ".md", ".atom", ".rss")
ESCAPED_SUFFIXES = (".xml", ".atom", ".rss")
SKIPPED_FOLDERS = ("pagefind", "theme")  # the search tool's own files (made from scanned pages) and our theme
PARALLEL_FROM = 400  # files


@dataclass(frozen=True)
class Leak:
    output: str       # relative to the output folder, with /
    code: str
    masked: str
    source: str | None = None  # the source file it was made from, when known
    line: int = 1

    def problem(self) -> Problem:
        where = f"（由 {self.source} 生成）" if self.source else ""
        return error(self.source or f"output/{self.output}", self.line, "output.privacy",
                     f"生成的网站文件 {self.output}{where}中出现了个人号码 {self.masked}，"
                     "它在原文中没有被检查出来（可能被标记、转义或模板拆开了）。这个文件已删除，网站不能发布。"
                     "请在原文中删除或打码这个号码（gongkai mask），然后重新生成。")


def allowed_numbers(site, config: Config) -> frozenset[str]:
    """Numbers the checks let through on purpose: in published files outside privacy categories, and
    in the settings the pages show (a mobile in the contacts or the site's name)."""
    texts = [text for _, text in config.shown_texts()]
    refused = {f.digits for text in texts for f in privacy.find(text) if f.code != privacy.PHONE and f.checked}
    settings = {f.digits for text in texts for f in privacy.find(text, strict=True)} - refused
    return frozenset(settings | (site.passed if site is not None else frozenset()))


_root = Path()
# Chunks already scanned by this process (page chrome and bodies repeat across files): those
# without a leak, and those with one, so that every file holding a leak is reported.
_clean: set[str] = set()
_leaky: dict[str, list[privacy.Finding]] = {}
_HEX = re.compile(r"[0-9a-f]{64}")  # sha256 digests (manifest.json) are not numbers
# A number can run across a line break only where a digit (or a character reference) follows it.
_NEWLINE_DIGIT = re.compile(r"\n(?=[ \t\u3000]*(?:[0-9０-９]|&(?:amp;)*#|\\u))")
_SOFT_END = tuple("0123456789０１２３４５６７８９Xx;")


def _start(root: Path) -> None:
    global _root
    _root = root
    _clean.clear()
    _leaky.clear()


def unescape_markup(text: str) -> str:
    """Escaped HTML as HTML again: the markup characters only (the detector reads every other reference
    itself); str.replace keeps this fast on feeds of many megabytes."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'").replace("&amp;", "&")


def chunks(text: str) -> set[str]:
    """The pieces of ``text`` a number may lie in: every line, and two lines together where a
    number could run across the break between them."""
    pieces = set(text.split("\n"))
    for match in _NEWLINE_DIGIT.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if text[start:match.start()].rstrip().endswith(_SOFT_END):
            end = text.find("\n", match.end())
            pieces.add(text[start:end if end >= 0 else len(text)])
    return pieces


def _leaks(text: str) -> list[privacy.Finding]:
    if "sha256" in text:
        text = _HEX.sub(" ", text)
    pieces = chunks(text)
    for chunk in pieces - _clean - _leaky.keys():
        found = list(privacy.find(chunk, strict=True))
        if found:
            _leaky[chunk] = found
        else:
            _clean.add(chunk)
    return [f for chunk in pieces & _leaky.keys() for f in _leaky[chunk]]


def _scan_file(rel: str) -> list[tuple[str, str, str, str]]:
    """(rel, code, masked, digits) of every personal number in one output file, by the strictest rule."""
    found = [(rel, f.code, f.masked, f.digits) for f in privacy.find(rel, strict=True)]
    if rel.lower().endswith(TEXT_SUFFIXES):
        try:
            text = (_root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return found
        if rel.lower().endswith(ESCAPED_SUFFIXES):  # feeds carry pages as escaped HTML: read them as a reader's app does
            text = unescape_markup(text)
        found.extend((rel, f.code, f.masked, f.digits) for f in _leaks(text))
    elif rel.lower().endswith(OFFICE_ZIP_SUFFIXES):  # attachments: Word and Excel files are read as their programs show them
        try:
            text = office_text((_root / rel).read_bytes())
        except OSError:
            return found
        found.extend((rel, f.code, f.masked, f.digits) for f in _leaks(text or ""))
    return found


def output_files(output: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(output):
        rel_folder = os.path.relpath(folder, output).replace(os.sep, "/")
        rel_folder = "" if rel_folder == "." else rel_folder + "/"
        if not rel_folder:
            dirs[:] = [d for d in dirs if d not in SKIPPED_FOLDERS]
        found.extend(rel_folder + name for name in files)
    return sorted(found)


class Seen:
    """Output files found clean by an earlier scan, by size and modification time, kept in the cache.

    A file the build left alone (same bytes, same mtime) need not be read
    again: only files with no number at all are remembered, so a number let
    through on purpose is looked at again at every build (what is let through
    may have changed). Any change to gongkai's code forgets them all.
    """

    def __init__(self, path: Path | None):
        from .outputs import code_stamp, digest

        self.path = path
        self.stamp = digest(code_stamp(Path(__file__).parent))
        self.old: dict[str, list[int]] = {}
        self.new: dict[str, list[int]] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("stamp") == self.stamp and isinstance(data.get("files"), dict):
                    self.old = data["files"]
            except (OSError, ValueError, AttributeError):
                pass  # scan everything: slower, never wrong

    def still_clean(self, rel: str, st: os.stat_result) -> bool:
        return self.old.get(rel) == [st.st_size, st.st_mtime_ns]

    def save(self) -> None:
        if self.path is None:
            return
        from .outputs import write_if_changed

        with contextlib.suppress(OSError):
            write_if_changed(self.path, json.dumps({"stamp": self.stamp, "files": self.new}, sort_keys=True))


def scan(output: Path, site, config: Config, seen: Seen | None = None) -> list[Leak]:
    """Every personal number in the built site that the checks did not let through.

    With ``seen``, files found clean before and not changed since are not read again.
    """
    output = Path(output)
    sources = {}
    if site is not None:
        sources = {n.url: n.path for n in site.notices}
        sources.update((out, config.relpath(config.content_dir / f.source)) for out, f in site.attachments.files.items())
    files = output_files(output)
    stats = {}
    if seen is not None:
        for rel in files:
            try:
                stats[rel] = os.stat(output / rel)
            except OSError:
                continue
        unchanged = [rel for rel in files if rel in stats and seen.still_clean(rel, stats[rel])]
        seen.new = {rel: seen.old[rel] for rel in unchanged}
        files = [rel for rel in files if rel not in seen.new]
    results = pool_map(_scan_file, files, initializer=_start, initargs=(output,), parallel_from=PARALLEL_FROM)
    if seen is not None:
        seen.new.update((rel, [stats[rel].st_size, stats[rel].st_mtime_ns])
                        for rel, items in zip(files, results, strict=True) if not items and rel in stats)
    found = [item for items in results for item in items]
    allowed = allowed_numbers(site, config) if found else frozenset()  # read the sources only when needed
    return [Leak(rel, code, masked, sources.get(rel)) for rel, code, masked, number in found if number not in allowed]


def problems(leaks: Iterable[Leak]) -> list[Problem]:
    return sorted({leak.problem() for leak in leaks})


def report(leaks: Iterable[Leak]) -> str:
    found = problems(leaks)
    return f"最后检查发现生成的网站中有 {len(found)} 处个人号码，网站不能发布：\n" + "\n".join(str(p) for p in found)


def remove(output: Path, leaks: Iterable[Leak]) -> None:
    """Delete every file with a leak, and the search index, which was made from them."""
    import shutil

    for leak in leaks:
        (Path(output) / leak.output).unlink(missing_ok=True)
    shutil.rmtree(Path(output) / "pagefind", ignore_errors=True)
