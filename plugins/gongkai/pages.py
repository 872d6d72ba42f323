"""Pages and static files: the site's other published files, checked like notices.

Pages (``content/pages/``, Markdown with the notices' front matter, or
HTML) are sanitised like notice bodies when they are rendered and
privacy-checked here; a draft page is never written anywhere. Static files
(``STATIC_PATHS``) are copied as they are, so what they say is checked
before they are: text formats are scanned for personal numbers; office
files that are ZIP archives of XML (.xlsx, .docx, .pptx, .ods, .odt) are
scanned through their XML; files whose text cannot be read (PDF, .doc,
.xls, archives) get ``file.unchecked``, an error in a privacy category's
folder and a warning elsewhere, because nobody can promise they hold no ID
numbers. File names are checked everywhere: a name becomes a URL.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from itertools import pairwise
from pathlib import PurePosixPath

from bs4 import BeautifulSoup

from .checks import privacy_problems
from .config import Config
from .notices import parse_source
from .periods import parse_date
from .problems import Problem, error, warning

PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
PAGE_FIELDS = ("title", "slug", "summary", "date", "status")  # what a page's front matter may set
PAGE_STATUSES = ("published", "hidden", "draft", "草稿")
TEXT_SUFFIXES = (".txt", ".csv", ".tsv", ".json", ".xml", ".html", ".htm", ".md", ".markdown", ".svg", ".rtf",
                 ".yaml", ".yml", ".ini", ".log", ".js", ".css", ".atom", ".rss", ".vcf")
OFFICE_ZIP_SUFFIXES = (".xlsx", ".xlsm", ".docx", ".pptx", ".ods", ".odt", ".odp")
UNREADABLE_SUFFIXES = (".pdf", ".doc", ".xls", ".ppt", ".wps", ".et", ".dps", ".zip", ".rar", ".7z", ".gz",
                       ".tar", ".bz2", ".xz", ".ofd", ".caj")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".ico", ".tif", ".tiff", ".heic")
OFFICE_TEXT_LIMIT = 64 * 1024 * 1024  # bytes of XML read from one office file; more is refused, not guessed
_UNSAFE = re.compile(r"<\s*/?\s*(script|style|iframe|object|embed|form|template)\b|\son[a-z]+\s*=|javascript\s*:",
                     re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def is_private_place(config: Config, rel: str) -> bool:
    """Whether ``rel`` lies in the folder of a privacy category (``<board>/<category>/…``)."""
    parts = PurePosixPath(rel).parts
    for board, category in pairwise(parts):
        for b in config.boards:
            if b.slug == board and category in b.sections and b.sections[category].privacy:
                return True
    return False


def check_name(name: str, rel: str, strict: bool, passed: set[str] | None = None) -> list[Problem]:
    """A personal number in a file name would be in the URL, the sitemap and every link."""
    return privacy_problems(name, [(1, rel)], strict, where="文件名", passed=passed)


def check_page(config: Config, name: str, rel: str, data: bytes,
               passed: set[str] | None = None) -> tuple[list[Problem], bool]:
    """The problems of one page and whether it is a draft (never written); ``passed`` as in
    :func:`.checks.privacy_problems`."""
    problems = check_name(name, rel, strict=False, passed=passed)
    if rel.lower().endswith((".html", ".htm")):
        text = _decode(data)
        if text is None:
            return [*problems, error(name, 1, "encoding", "页面不是 UTF-8 编码。请用记事本打开，“另存为”时编码选 UTF-8。")], False
        soup = BeautifulSoup(text, "html.parser")
        status = soup.find("meta", attrs={"name": "status"})
        draft = bool(status and str(status.get("content", "")).strip().lower() == "draft")
        if soup.title is None or not soup.title.get_text(strip=True):
            problems.append(error(name, 1, "field.missing", "页面缺少标题。请在 <head> 中写 <title>页面标题</title>。"))
        problems += privacy_problems(name, [(1, text)], strict=False, passed=passed)
        problems += _unsafe(name, text)
        return problems, draft
    source = parse_source(data, name)
    if source.problems:
        return [*problems, *source.problems], False
    meta = source.meta
    status = str(meta.get("status") or "published").strip().lower()
    draft = status in ("draft", "草稿")
    if status not in PAGE_STATUSES:
        problems.append(error(name, source.line("status"), "field.invalid",
                              f"页面状态“{meta.get('status')}”无效，应为 published（公开）、hidden（不列在导航中）或 draft（草稿）。"))
    if not str(meta.get("title") or "").strip():
        problems.append(error(name, 1, "field.missing", "页面缺少标题（title）。请在文件头加一行 title: 页面标题"))
    if meta.get("date") not in (None, ""):
        try:
            parse_date(meta["date"])
        except ValueError as exc:
            problems.append(error(name, source.line("date"), "field.invalid", f"日期（date）：{exc}"))
    fields = [(source.line(key), str(meta[key])) for key in ("title", "summary", "slug") if meta.get(key) is not None]
    problems += privacy_problems(name, [*fields, (source.body_line, source.body)], strict=False, passed=passed)
    problems += _unsafe(name, source.body, source.body_line)
    return problems, draft


def _unsafe(name: str, text: str, first_line: int = 1) -> list[Problem]:
    match = _UNSAFE.search(text)
    if match is None:
        return []
    return [warning(name, first_line + text.count("\n", 0, match.start()), "html.unsafe",
                    "页面里有脚本、样式、内嵌框架或事件属性（如 <script>、onclick=），发布时会被删除，"
                    "页面上只保留文字、表格、图片和链接。请删除这些代码，以免以为它们会生效。")]


def check_static(config: Config, name: str, rel: str, data: bytes, passed: set[str] | None = None) -> list[Problem]:
    """The problems of a file that is copied to the site as it is."""
    strict = is_private_place(config, rel)
    problems = check_name(name, rel, strict, passed)
    lower = rel.lower()
    if lower.endswith(IMAGE_SUFFIXES):
        return problems
    if lower.endswith(OFFICE_ZIP_SUFFIXES):
        text = _office_text(data)
        if text is None:
            return [*problems, _unchecked(name, strict, "文件已损坏或太大，无法读出其中的文字")]
        return problems + privacy_problems(name, [(1, text)], strict, lines=False, passed=passed)
    if lower.endswith(UNREADABLE_SUFFIXES):
        return [*problems, _unchecked(name, strict, "gongkai 无法读取这种文件里的文字")]
    text = _decode(data) if lower.endswith(TEXT_SUFFIXES) or b"\x00" not in data[:8192] else None
    if text is None:
        return [*problems, _unchecked(name, strict, "这不是能读取的文本文件")]
    return problems + privacy_problems(name, [(1, text)], strict, passed=passed)


def _unchecked(name: str, strict: bool, why: str) -> Problem:
    fix = ("请把表格转成 .xlsx 或 .csv，或把内容写进公告正文的表格，由 gongkai 检查后再公开。")
    if strict:
        return error(name, 1, "file.unchecked", f"{why}，无法确认其中没有身份证号、银行卡号等个人信息，"
                     f"而它在涉及个人隐私的栏目中，因此不会公开。{fix}")
    return warning(name, 1, "file.unchecked", f"{why}，无法检查其中有没有身份证号、银行卡号等个人信息，"
                   f"它会原样公开。请人工确认；{fix}")


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _office_text(data: bytes) -> str | None:
    """The text of an office file that is a ZIP of XML; cells and runs kept apart by a bar."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if m.filename.endswith(".xml")]
            if sum(m.file_size for m in members) > OFFICE_TEXT_LIMIT:
                return None
            parts = []
            for member in members:
                xml = archive.read(member).decode("utf-8", errors="replace")
                parts.append(_TAG.sub(" | ", xml))
            return "\n".join(parts)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError):
        return None
