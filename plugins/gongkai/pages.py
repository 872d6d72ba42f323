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
from dataclasses import dataclass
from io import BytesIO
from itertools import pairwise
from pathlib import PurePosixPath

from bs4 import BeautifulSoup

from .checks import privacy_problems
from .config import Config
from .notices import parse_source, slugify
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


@dataclass
class Checked:
    """What checking a page or a static file found."""

    problems: list[Problem]
    draft: bool = False      # never written anywhere
    slug: str | None = None  # a page's address: pages/<slug>.html


def check_page(config: Config, name: str, rel: str, data: bytes, passed: set[str] | None = None) -> Checked:
    """The problems of one page, whether it is a draft and its slug; ``passed`` as in
    :func:`.checks.privacy_problems`."""
    problems = check_name(name, rel, strict=False, passed=passed)
    stem = PurePosixPath(rel).stem
    if rel.lower().endswith((".html", ".htm")):
        try:
            text = data.decode("utf-8-sig")  # what Pelican's HTML reader reads
        except UnicodeDecodeError:
            return Checked([*problems, error(name, 1, "encoding", "页面不是 UTF-8 编码。请用记事本打开，“另存为”时编码选 UTF-8。")])
        soup = BeautifulSoup(text, "html.parser")
        statuses = [str(m.get("content", "")).strip().lower() for m in soup.find_all("meta", attrs={"name": "status"})]
        if len(statuses) > 1:
            problems.append(error(name, 1, "field.invalid", "页面写了不止一个 <meta name=\"status\">，请只留一个。"))
        status = page_status(statuses[0] if statuses else None)
        if status is None:
            problems.append(_bad_status(name, 1, statuses[0]))
        if soup.title is None or not soup.title.get_text(strip=True):
            problems.append(error(name, 1, "field.missing", "页面缺少标题。请在 <head> 中写 <title>页面标题</title>。"))
        slug_meta = soup.find("meta", attrs={"name": "slug"})
        slug = slugify((str(slug_meta.get("content", "")).strip() if slug_meta else "") or stem)
        problems += privacy_problems(name, [(1, text)], strict=False, passed=passed)
        problems += _unsafe(name, text)
        return Checked(problems, status == "draft", slug)
    source = parse_source(data, name)
    if source.problems:
        return Checked([*problems, *source.problems])
    meta = source.meta
    problems += _key_case(name, source)
    status = page_status(meta.get("status"))
    if status is None:
        problems.append(_bad_status(name, source.line("status"), meta.get("status")))
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
    return Checked(problems, status == "draft", slugify(str(meta.get("slug") or stem)))


def page_status(value: object) -> str | None:
    """A page's status as Pelican knows it (草稿 is a draft); None when it is not one."""
    text = str(value if value not in (None, "") else "published").strip().lower()
    text = {"草稿": "draft", "公开": "published", "已公开": "published", "隐藏": "hidden"}.get(text, text)
    return text if text in ("published", "hidden", "draft") else None


def _bad_status(name: str, line: int, value: object) -> Problem:
    return error(name, line, "field.invalid",
                 f"页面状态“{value}”无效，应为 published（公开）、hidden（不列在导航中）或 draft（草稿）。")


def _key_case(name: str, source) -> list[Problem]:
    """``Status: draft`` is not ``status: draft``: a key in the wrong case would publish a draft."""
    return [error(name, source.line(key), "field.invalid", f"字段名“{key}”要全部小写，请写成 {key.lower()}:。")
            for key in source.meta if key != key.lower() and key.lower() in PAGE_FIELDS]


def _unsafe(name: str, text: str, first_line: int = 1) -> list[Problem]:
    match = _UNSAFE.search(text)
    if match is None:
        return []
    return [warning(name, first_line + text.count("\n", 0, match.start()), "html.unsafe",
                    "页面里有脚本、样式、内嵌框架或事件属性（如 <script>、onclick=），发布时会被删除，"
                    "页面上只保留文字、表格、图片和链接。请删除这些代码，以免以为它们会生效。")]


def check_static(config: Config, name: str, rel: str, data: bytes, passed: set[str] | None = None, *,
                 private: bool = False) -> Checked:
    """The problems of a file that is copied to the site as it is (``private``: by a privacy category's
    rule wherever it lies, as an attachment of one of its notices is)."""
    strict = private or is_private_place(config, rel)
    problems = check_name(name, rel, strict, passed)
    lower = rel.lower()
    if lower.endswith(IMAGE_SUFFIXES):
        return Checked(problems)
    if lower.endswith(OFFICE_ZIP_SUFFIXES):
        text = _office_text(data)
        if text is None:
            return Checked([*problems, _unchecked(name, strict, "文件已损坏或太大，无法读出其中的文字")])
        return Checked(problems + privacy_problems(name, [(1, text)], strict, lines=False, passed=passed))
    if lower.endswith(UNREADABLE_SUFFIXES):
        return Checked([*problems, _unchecked(name, strict, "gongkai 无法读取这种文件里的文字")])
    text = decode_text(data) if lower.endswith(TEXT_SUFFIXES) or not _binary(data) else None
    if text is None:
        return Checked([*problems, _unchecked(name, strict, "这不是能读取的文本文件")])
    problems += privacy_problems(name, [(1, text)], strict, passed=passed)
    # A Markdown file among static files is copied as it is: one marked as a draft must not be.
    draft = lower.endswith((".md", ".markdown")) and page_status(_front_matter_status(data)) == "draft"
    return Checked(problems, draft)


def _front_matter_status(data: bytes) -> object:
    source = parse_source(data, "")
    return next((v for k, v in source.meta.items() if k.lower() == "status"), None)


def _binary(data: bytes) -> bool:
    """Bytes that are no text: NULs, unless it is UTF-16 (where every other byte of Latin text is 0)."""
    head = data[:8192]
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and head.count(b"\x00") * 3 <= len(head)


def _unchecked(name: str, strict: bool, why: str) -> Problem:
    fix = ("请把表格转成 .xlsx 或 .csv，或把内容写进公告正文的表格，由 gongkai 检查后再公开。")
    if strict:
        return error(name, 1, "file.unchecked", f"{why}，无法确认其中没有身份证号、银行卡号等个人信息，"
                     f"而它在涉及个人隐私的栏目中，因此不会公开。{fix}")
    return warning(name, 1, "file.unchecked", f"{why}，无法检查其中有没有身份证号、银行卡号等个人信息，"
                   f"它会原样公开。请人工确认；{fix}")


def decode_text(data: bytes) -> str | None:
    """Text as Windows programs save it: UTF-8 (with or without BOM), UTF-16 ("Unicode text"), GBK."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: tuple[str, ...] = ("utf-16",)
    elif len(data) > 1 and data.count(b"\x00") * 3 > len(data):  # UTF-16 without a BOM: Latin text is half NULs
        candidates = ("utf-16-le",) if data[1::2].count(b"\x00") >= data[::2].count(b"\x00") else ("utf-16-be",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


# Where one cell, paragraph or row of an office file ends: a number never runs across it. Every other
# tag (a run of bold text, a spell-check mark) is removed, as Word and Excel show the text joined.
_OFFICE_BREAK = re.compile(r"</(?:w:p|w:tc|w:tr|a:p|si|c|row|t:p|text:p|text:h|table:table-cell|table:table-row)>|<w:br\b[^>]*>"
                           r"|<w:tab\b[^>]*>|<text:line-break\b[^>]*>", re.IGNORECASE)


def _office_text(data: bytes, depth: int = 0) -> str | None:
    """The text of an office file that is a ZIP of XML, as Word or Excel shows it: runs joined, cells
    and paragraphs apart. Office files embedded in it are read too."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > OFFICE_TEXT_LIMIT:
                return None
            parts = []
            for member in members:
                lower = member.filename.lower()
                if lower.endswith((".xml", ".rels")):
                    xml = archive.read(member).decode("utf-8", errors="replace")
                    parts.append(_TAG.sub("", _OFFICE_BREAK.sub(" | ", xml)))
                elif lower.endswith(OFFICE_ZIP_SUFFIXES) and depth < 2:
                    inner = _office_text(archive.read(member), depth + 1)
                    if inner is None:
                        return None
                    parts.append(inner)
            return "\n".join(parts)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError, EOFError):
        return None
