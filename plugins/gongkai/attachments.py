"""Attachments: the files a notice links (a voucher scan, a signed approval PDF), published beside it.

A clerk puts ``2026-10-voucher.jpg`` next to ``2026-10.md`` and writes
``![记账凭证](2026-10-voucher.jpg)`` or ``[审核意见表](2026-10-approval.pdf)``;
Pelican users also write ``{static}``/``{attach}`` and ``/images/…``. This
module, which does not import Pelican, owns every rule about them:

* :func:`find_links` reads the local links of a notice body, with their lines;
* :func:`plan` resolves them against the files of the content folder: a file
  beside the notice becomes an attachment, published at the same relative
  place beside the notice's page (``<board>/<category>/…``); a static file
  (``images/``) is linked where Pelican copies it; a link to nothing is
  ``attachment.missing``; refused types and files over the size limit have
  their own codes; text and office files pass the privacy check;
* :func:`rewrite` points the rendered body at the published files (images
  get resized variants in ``srcset`` and a link to the original);
  :func:`rebase` moves a body's relative links to another page (the printed
  board) or makes them absolute (feeds);
* :func:`write` copies attachments into the output and publishes every image,
  attachments and static files alike, without EXIF, GPS, XMP or comments.

A notice with an error is held back, and so are its attachments; an
attachment with an error holds back the notices that link it.
"""

from __future__ import annotations

import bisect
import html
import os
import posixpath
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from .config import Config
from .problems import Problem, error, warning

# -- types ---------------------------------------------------------------------

# Images a browser and WeasyPrint show; scans from office scanners (TIFF, BMP) are shown through a JPEG/PNG copy.
WEB_IMAGES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
CONVERTED_IMAGES = {".tif": "TIFF", ".tiff": "TIFF", ".bmp": "BMP"}
IMAGE_LABELS = {".jpg": "JPG 图片", ".jpeg": "JPG 图片", ".png": "PNG 图片", ".gif": "GIF 图片", ".webp": "WebP 图片",
                ".tif": "TIFF 扫描图片", ".tiff": "TIFF 扫描图片", ".bmp": "BMP 图片"}
DOCUMENT_LABELS = {
    ".pdf": "PDF 文件", ".ofd": "OFD 版式文件",
    ".doc": "Word 文档", ".docx": "Word 文档", ".wps": "WPS 文字", ".rtf": "RTF 文档", ".odt": "ODF 文档",
    ".xls": "Excel 表格", ".xlsx": "Excel 表格", ".et": "WPS 表格", ".ods": "ODF 表格",
    ".ppt": "演示文稿", ".pptx": "演示文稿", ".dps": "WPS 演示", ".odp": "ODF 演示文稿",
    ".txt": "文本文件", ".csv": "CSV 表格", ".tsv": "表格（制表符分隔）",
}
# Refused, each kind with its reason: what would run on a villager's phone, what nobody can check.
_REFUSED = (
    ((".exe", ".msi", ".com", ".bat", ".cmd", ".scr", ".pif", ".dll", ".apk", ".jar", ".lnk", ".ps1", ".vbs",
      ".vbe", ".wsf", ".sh", ".py", ".php", ".js", ".mjs", ".hta", ".reg", ".app", ".dmg", ".deb", ".rpm"),
     "这是程序或脚本文件，放到网站上会被村民下载运行，可能带有病毒"),
    ((".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml", ".swf"),
     "网页、SVG 和 XML 文件里可以藏有脚本，会在村民的手机上运行"),
    ((".docm", ".xlsm", ".pptm", ".dotm", ".xltm"), "这是带宏的 Office 文件，宏是可以运行的程序"),
    ((".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".cab", ".iso"),
     "压缩包里的文件无法逐个检查有没有身份证号等个人信息"),
    ((".heic", ".heif", ".avif", ".dng", ".cr2", ".nef", ".arw", ".raw"),
     "这种照片格式在很多手机和电脑上打不开（苹果手机默认的 HEIC 格式也是这样）"),
)
REFUSED_FIX = {
    ".heic": "请在手机上把照片另存为 JPG（苹果手机：设置 → 相机 → 格式 → 兼容性最佳），再链接 JPG 文件。",
}
VARIANT_WIDTHS = (480, 960, 1440)  # px: a 360 px phone at 1x–2x, a tablet, the printed board (A4 at ~200 dpi)
MAX_PIXELS = 120_000_000           # a 108-megapixel phone photo passes; larger is refused, not decoded (a "bomb")
IMAGE_SIZES = "(max-width: 48rem) 100vw, 46rem"  # the notice column of screen.css
MB = 1024 * 1024


def suffix_of(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def is_image(name: str) -> bool:
    return suffix_of(name) in WEB_IMAGES or suffix_of(name) in CONVERTED_IMAGES


def type_label(name: str) -> str:
    """What a villager is told the file is (PDF 文件, Excel 表格, JPG 图片…)."""
    suffix = suffix_of(name)
    return IMAGE_LABELS.get(suffix) or DOCUMENT_LABELS.get(suffix) or (suffix[1:].upper() + " 文件")


def refusal(name: str) -> str | None:
    """Why a file of this type is never published; None when it may be."""
    suffix = suffix_of(name)
    if suffix in WEB_IMAGES or suffix in CONVERTED_IMAGES or suffix in DOCUMENT_LABELS:
        return None
    for suffixes, why in _REFUSED:
        if suffix in suffixes:
            return why
    return f"gongkai 不公开“{suffix or '没有扩展名'}”类型的文件，只公开图片、PDF、OFD、Word、Excel、WPS、文本和 CSV 文件"


def size_text(size: int) -> str:
    """A file size as a villager on a slow network wants it: 245 KB, 3.2 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < MB:
        return f"{size / 1024:.0f} KB"
    return f"{size / MB:.1f} MB"


# -- 1. links in a notice body ---------------------------------------------------

@dataclass(frozen=True)
class Link:
    """A link or image in a notice body, as written."""

    target: str
    line: int     # in the source file
    image: bool
    text: str = ""  # the link text or image alt text
    fullwidth: bool = False  # written with Chinese punctuation (！［］（）): no link on the page


# Code spans are read as Python-Markdown reads them (markup.py's renderer has no fenced blocks: ``` is a
# code span too), within one block of text: what lies in them is shown as written, never followed.
_ESCAPED = re.compile(r"\\[\\`*_{}\[\]()#+\-.!>]")  # Python-Markdown's escapes (not <)
_LIST_ITEM = re.compile(r"[ ]{0,3}(?:[*+-]|\d+[.)])[ \t]")
_BLOCKS = re.compile(r"(\n[ \t]*\n)")
_INLINE = re.compile(r"(?<!\\)(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
                     r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*(<[^<>\n]*>|\S+)", re.MULTILINE)
_REFERENCE_USE = re.compile(r"(?<!\\)(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\[([^\]\n]*)\]")
# A link typed with the Chinese input method on: ！［说明］（文件名.jpg）, or half of it so. Only names with an
# extension count, so that 【通知】（2026年） in a sentence is left alone.
_FULLWIDTH = re.compile(r"([!！]?)[\[［【]([^\]］】\n]{0,80})[\]］】][ \t]*[(（][ \t]*([^)）\s]+\.[A-Za-z0-9]{2,5})[ \t]*[)）]")
_FULLWIDTH_MARK = re.compile(r"[！［］【】]|\]\s*（")  # （） alone is everyday Chinese text
_MAYBE_LINK = re.compile(r"[\]］】]|<(?:img|a)\b", re.IGNORECASE)  # what every link form has
_HTML_ATTR = re.compile(r"<(img|a)\b[^>]*?\b(src|href)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_DRIVE = re.compile(r"^[a-zA-Z]:[\\/]|^\\\\")  # C:\Users\… or \\server\share: a path on the clerk's computer
_PELICAN = re.compile(r"^(?:\{(static|attach|filename)\}|\|(static|attach|filename)\|)")


def _without_code(body: str) -> str:
    """The body with its code spans blanked (lines kept), block by block as Markdown reads them."""
    if "`" not in body and "    " not in body and "\t" not in body and "\\" not in body:
        return body
    parts = _BLOCKS.split(body.expandtabs(4) if "\t" in body else body)  # separators kept at odd places
    in_list = False
    for index in range(0, len(parts), 2):
        block = parts[index]
        if not block.strip():
            continue
        lines = block.split("\n")
        lead = next((n for n, line in enumerate(lines) if line.strip()), len(lines))  # blank lines at the start
        code = next((n for n in range(lead, len(lines)) if not lines[n].startswith("    ")), len(lines))
        if code > lead and not in_list:  # an indented code block, up to the first line that is not: shown as written
            block = "\n".join([" " * len(line) for line in lines[:code]] + lines[code:])
            if code == len(lines):
                parts[index] = block
                continue
            in_list = bool(_LIST_ITEM.match(lines[code]))
        else:
            in_list = bool(_LIST_ITEM.match(block)) or (code == len(lines) and in_list)
        if "`" in block:
            block = _blank_code_spans(block)
        parts[index] = _ESCAPED.sub("  ", block) if "\\" in block else block  # \[ is a bracket, not a link
    return "".join(parts)


def _blank_code_spans(text: str) -> str:
    """Python-Markdown's code spans (its ``BacktickInlineProcessor``), found in linear time.

    At a run of M backticks: the span ends at the nearest later run of exactly M; failing that, when
    every later run is shorter, at the first of the longest of them (the opening then uses as many of
    its backticks); otherwise the run is literal. A backtick after an odd number of backslashes is escaped
    (after an even number, the backslashes are escaped ones and the backtick opens a span).
    """
    runs = [(m.start(), m.end()) for m in re.finditer("`+", text)]
    if len(runs) < 2:
        return text
    lengths = [end - start for start, end in runs]
    by_length: dict[int, list[int]] = {}
    for index, length in enumerate(lengths):
        by_length.setdefault(length, []).append(index)
    longest = [0] * (len(runs) + 1)  # longest[i]: the longest run from i on; first[i]: the first such run
    first = [0] * (len(runs) + 1)
    for index in range(len(runs) - 1, -1, -1):
        if lengths[index] >= longest[index + 1]:
            longest[index], first[index] = lengths[index], index
        else:
            longest[index], first[index] = longest[index + 1], first[index + 1]
    pieces, position, index = [], 0, 0
    while index < len(runs):
        start = runs[index][0]
        slash = start
        while slash > 0 and text[slash - 1] == "\\":  # only the backslashes right before: linear overall
            slash -= 1
        ticks = lengths[index] - (start - slash) % 2  # an odd number escapes the first backtick; \\\\ is a backslash
        same = by_length.get(ticks, [])
        later = bisect.bisect_right(same, index)
        if ticks and later < len(same):
            closing = same[later]
        elif 0 < longest[index + 1] < ticks:
            closing = first[index + 1]
        else:
            index += 1
            continue
        stop = runs[closing][1]
        pieces.append(text[position:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:stop]))
        position, index = stop, closing + 1
    pieces.append(text[position:])
    return "".join(pieces)


def find_links(body: str, first_line: int = 1) -> tuple[Link, ...]:
    """Every link and image in a Markdown body that may point into the content folder, with its line."""
    if not _MAYBE_LINK.search(body):
        return ()  # most notices: text and tables, no link at all
    text = _without_code(body)
    newlines = [m.start() for m in re.finditer("\n", text)]
    found: list[tuple[int, Link]] = []
    targets: set[str] = set()

    def add(pos: int, target: str, image: bool, label: str) -> None:
        target = target.strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1].strip()
        if is_local(target):
            targets.add(target)
            found.append((pos, Link(target, first_line + bisect.bisect_left(newlines, pos), image, label.strip())))

    # Each form is looked for only where its telltale characters are: most bodies have one form or none.
    definitions = {m.group(1).strip().lower(): m.group(2) for m in _REFERENCE_DEF.finditer(text)} if "]:" in text else {}
    for match in _INLINE.finditer(text) if "](" in text or "] (" in text else ():
        add(match.start(), match.group(3), match.group(1) == "!", match.group(2))
    for match in _REFERENCE_USE.finditer(text) if definitions else ():
        key = (match.group(3) or match.group(2)).strip().lower()
        if key in definitions:
            add(match.start(), definitions[key], match.group(1) == "!", match.group(2))
    for match in _REFERENCE_DEF.finditer(text) if definitions else ():  # unused definitions too: written to be used
        if match.group(2).strip("<>").strip() not in targets:
            add(match.start(), match.group(2), False, match.group(1))
    for match in _HTML_ATTR.finditer(text) if "<" in text else ():
        add(match.start(3), html.unescape(match.group(3).strip("\"'")), match.group(1).lower() == "img", "")
    for match in _FULLWIDTH.finditer(text) if _FULLWIDTH_MARK.search(text) else ():
        if any(c in match.group(0) for c in "！［］【】（）") and is_local(match.group(3)) and match.group(3) not in targets:
            line = first_line + bisect.bisect_left(newlines, match.start())
            found.append((match.start(), Link(match.group(3), line, match.group(1) != "", match.group(2), fullwidth=True)))
    found.sort(key=lambda item: item[0])
    return tuple(link for _, link in found)


def is_local(target: str) -> bool:
    """Whether a link may point at a file of the site (not a web address, e-mail, phone or anchor)."""
    target = target.strip()
    if not target or target.startswith(("#", "//")):
        return False
    if _PELICAN.match(target) or _DRIVE.match(target):
        return True
    return not _SCHEME.match(target)


OUTSIDE = "\0outside"  # a target that leaves the content folder or lies on the clerk's own computer


def resolve(target: str, notice_rel: str) -> str:
    """The content-relative path a link names (Pelican's rules: ``{static}/x`` and ``/x`` from the content
    folder, everything else from the notice's folder), or :data:`OUTSIDE`."""
    target = html.unescape(target.strip())
    if _DRIVE.match(target):
        return OUTSIDE
    target = _PELICAN.sub("", target)
    path = unquote(re.split(r"[?#]", target, maxsplit=1)[0]).replace("\\", "/")
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(notice_rel), path)
    normal = posixpath.normpath(joined) if joined else "."
    if normal in (".", "..") or normal.startswith("../") or normal.startswith("/"):
        return OUTSIDE
    return normal


# -- 2. the plan: what each notice links and where it is published --------------------

@dataclass(frozen=True)
class Published:
    """A file a notice links, and where the site publishes it."""

    source: str        # relative to the content folder
    output: str        # relative to the output folder
    title: str         # the link text, or the file name
    size: int
    attachment: bool   # copied by gongkai (beside the notice), not by Pelican (a static file)
    width: int = 0     # images, as shown (after the EXIF orientation): 0 when unknown
    height: int = 0

    @property
    def name(self) -> str:
        return posixpath.basename(self.output)

    @property
    def label(self) -> str:
        return type_label(self.source)

    @property
    def size_text(self) -> str:
        return size_text(self.size)

    @property
    def is_image(self) -> bool:
        return is_image(self.source)

    def variants(self) -> list[tuple[str, int]]:
        """(output path, width) of the copies a browser picks from, widest last."""
        return image_variants(self.output, self.width)

    def qr(self, siteurl: str):
        """A QR code to this file on the public site (for the printed board); None without SITEURL."""
        if not siteurl:
            return None
        from .printing import qr_svg

        return qr_svg(f"{siteurl}/{quote(self.output)}")


def image_variants(output: str, width: int) -> list[tuple[str, int]]:
    """The resized copies of an image published at ``output``: one per :data:`VARIANT_WIDTHS` below its
    width, and a display copy of a scan browsers cannot show (TIFF, BMP) or of one wider than the widest."""
    stem, suffix = posixpath.splitext(output)
    if suffix.lower() == ".gif" or width <= 0:
        return []  # animations are shown as they are
    shown = _display_suffix(suffix)
    widths = [w for w in VARIANT_WIDTHS if w < width]
    if width > VARIANT_WIDTHS[-1] or suffix.lower() in CONVERTED_IMAGES:
        widths.append(min(width, VARIANT_WIDTHS[-1]))
    return [(f"{stem}.{w}w{shown}", w) for w in sorted(set(widths))]


def _display_suffix(suffix: str) -> str:
    return ".jpg" if suffix.lower() in CONVERTED_IMAGES else suffix.lower()


@dataclass
class Plan:
    """Every notice's links resolved: what to publish, the problems, and how to rewrite the bodies."""

    problems: list[Problem] = field(default_factory=list)
    files: dict[str, Published] = field(default_factory=dict)           # output path → file
    by_notice: dict[str, list[Published]] = field(default_factory=dict)  # notice path → its files, in link order
    targets: dict[str, dict[str, str]] = field(default_factory=dict)     # notice path → {link key → output}
    pages: dict[str, dict[str, str]] = field(default_factory=dict)       # notice path → {link key → notice url}
    sources: dict[str, list[str]] = field(default_factory=dict)          # source rel → notice paths linking it
    passed: set[str] = field(default_factory=set)

    def keep(self, published_notices: Iterable[str]) -> None:
        """Only what notices that are published link: a held-back notice's attachments stay unpublished."""
        kept = set(published_notices)
        self.by_notice = {path: files for path, files in self.by_notice.items() if path in kept}
        self.targets = {path: t for path, t in self.targets.items() if path in kept}
        outputs = {f.output for files in self.by_notice.values() for f in files}
        self.files = {out: f for out, f in self.files.items() if out in outputs}


def link_key(target: str) -> str:
    """A link as written in Markdown and as it comes out of the renderer, the same."""
    return unquote(html.unescape(target.strip().strip("<>").strip()))


@dataclass(frozen=True)
class NoticeLinks:
    rel: str             # content-relative source path
    path: str            # as problems name it (Notice.path)
    url: str             # the notice's page
    private: bool        # in a privacy category: attachments are checked by its strict rule
    links: tuple[Link, ...]


def plan(config: Config, notices: Iterable[NoticeLinks], kinds: dict[str, str], name_of, *,
         measure: bool = False) -> Plan:
    """Resolve every notice's links against the content folder's files (``kinds``: rel → kind).

    ``name_of(rel)`` names a content file as problems do. ``measure`` reads
    each linked image's size (the build needs it for ``srcset``; ``check``
    does not).
    """
    from .pages import check_static

    result = Plan()
    notices = list(notices)
    notice_urls = {n.rel: n.url for n in notices}
    lower_names = {rel.lower(): rel for rel in kinds}
    resolved = [(n, link, resolve(link.target, n.rel)) for n in notices for link in n.links]
    # An attachment linked from a privacy category is checked by its strict rule, wherever else it is linked.
    private = {rel for n, _, rel in resolved if n.private}
    checked: dict[str, tuple[list[Problem], int, tuple[int, int]]] = {}
    shown_sizes: dict[str, int] = {}
    for _, _, rel in resolved:
        kind = kinds.get(rel) if rel != OUTSIDE else None
        if kind == "attachment" and rel not in checked:
            checked[rel] = _check(config, rel, name_of(rel), rel in private, check_static, result.passed, measure)
        elif kind == "static" and measure and rel not in checked:
            checked[rel] = ([], _size(config, rel), _dimensions(config.content_dir / rel) if is_image(rel) else (0, 0))
    for notice, link, rel in resolved:
        key = link_key(link.target)
        kind = kinds.get(rel) if rel != OUTSIDE else None
        if link.fullwidth:
            result.problems.append(_fullwidth(notice, link))
            if kind == "attachment":
                result.sources.setdefault(rel, [])  # named here: no second word (file.skipped) about it
            continue
        if kind == "notice" and rel in notice_urls:
            result.pages.setdefault(notice.path, {})[key] = notice_urls[rel]
            continue
        if kind not in ("attachment", "static"):
            result.problems.append(_missing(notice, link, rel, kind, lower_names, name_of))
            continue
        _, size, (width, height) = checked.get(rel, ([], _size(config, rel), (0, 0)))
        if kind == "attachment":
            sub = posixpath.relpath(rel, posixpath.dirname(notice.rel) or ".")
            output = f"{posixpath.dirname(notice.url)}/" + (sub if not sub.startswith("../") else posixpath.basename(rel))
        else:
            output = rel
        if measure and is_image(rel) and rel not in shown_sizes:  # images are published re-encoded: their own size
            shown_sizes[rel] = _published_size(config, rel, output)
        size = shown_sizes.get(rel, size)
        clash = result.files.get(output)
        if (clash is not None and clash.source != rel) or output in notice_urls.values():
            other = name_of(clash.source) if clash is not None else "一份公告的网页"
            result.problems.append(error(notice.path, link.line, "attachment.clash",
                                         f"附件“{link.target}”发布后的网址 {output} 已被另一个文件（{other}）占用，"
                                         "两者会互相覆盖。请给其中一个文件改个名字，再改正链接。"))
            continue
        linking = result.sources.setdefault(rel, [])
        if notice.path not in linking:
            linking.append(notice.path)
        published = result.files.setdefault(
            output, Published(rel, output, link.text or posixpath.basename(rel), size, kind == "attachment", width, height))
        result.targets.setdefault(notice.path, {})[key] = output
        own = result.by_notice.setdefault(notice.path, [])
        if published not in own:
            own.append(published)
    for problems, _, _ in checked.values():
        result.problems.extend(problems)
    return result


def held_notices(result: Plan, held_sources: Iterable[str], notices: Iterable[NoticeLinks], name_of) -> list[Problem]:
    """An error on each notice that links a file held back for its own errors: the notice waits for it."""
    held = set(held_sources)
    found = []
    for notice in notices:
        for link in notice.links:
            rel = resolve(link.target, notice.rel)
            if rel in held and notice.path in result.sources.get(rel, ()):
                found.append(error(notice.path, link.line, "attachment.refused",
                                   f"链接的附件 {name_of(rel)} 有错误（见该文件的问题），不能公开；"
                                   "缺了它公告不完整，所以本公告也暂不发布。改正附件后重新检查。"))
                break
    return found


def _fullwidth(notice: NoticeLinks, link: Link) -> Problem:
    """A link typed in Chinese punctuation is plain text on the page, and its file is not published."""
    fixed = f"{'!' if link.image else ''}[{link.text or '说明'}]({link.target})"
    return error(notice.path, link.line, "attachment.missing",
                 f"这里像是要链接附件“{link.target}”，但用了中文全角符号（！［］（）或【】），网页上不会成为链接，"
                 f"文件也不会公开。请切换到英文输入法，改写成 {fixed}。")


def _missing(notice: NoticeLinks, link: Link, rel: str, kind: str | None, lower_names: dict[str, str], name_of) -> Problem:
    """``attachment.missing``: what the link names, where gongkai looked, and the likely fix."""
    shown = link.target
    if rel == OUTSIDE:
        why = (f"链接“{shown}”指向电脑上的位置或 content 文件夹以外，网站上打不开。"
               "请把文件复制到公告所在的文件夹，再只写文件名，例如 ![记账凭证](2026-10-voucher.jpg)。")
    elif kind == "notice":
        why = f"链接“{shown}”指向的公告 {name_of(rel)} 没有发布（草稿、撤回前的草稿或有错误），链接会打不开。"
    elif kind == "page":
        why = f"链接“{shown}”指向一个页面文件；页面请用它的网址链接，例如 /pages/about.html。"
    else:
        near = lower_names.get(rel.lower())
        hidden = posixpath.basename(rel).startswith((".", "_"))
        if near and near != rel:
            why = (f"找不到链接的文件“{shown}”，但有一个只差大小写的文件 {name_of(near)}。"
                   "网站服务器区分大小写，请让链接和文件名完全一致。")
        elif hidden:
            why = f"链接的文件“{shown}”以 . 或 _ 开头，这样的文件不会公开。请给文件改名（不要以 . 或 _ 开头）。"
        else:
            why = (f"找不到链接的文件“{shown}”（应在 {name_of(rel)}）。请把文件放在公告旁边，"
                   "并核对文件名和扩展名（Windows 可能隐藏了“.jpg”“.pdf”这样的扩展名）。")
    return error(notice.path, link.line, "attachment.missing", why)


def _published_size(config: Config, rel: str, output: str) -> int:
    try:
        return published_size(config.content_dir / rel, config.output_dir / output)
    except Exception:  # a broken image is reported by the check and not published
        return _size(config, rel)


def _size(config: Config, rel: str) -> int:
    try:
        return (config.content_dir / rel).stat().st_size
    except OSError:
        return 0


def _check(config: Config, rel: str, name: str, private: bool, check_static, passed: set[str],
           measure: bool) -> tuple[list[Problem], int, tuple[int, int]]:
    """The problems of one attachment (type, size, readable image, personal numbers), its size and its
    image dimensions."""
    why = refusal(rel)
    if why is not None:
        fix = REFUSED_FIX.get(suffix_of(rel), "请转成 PDF 或图片（JPG、PNG）后再链接，或把内容写进公告正文。")
        return [error(name, 1, "attachment.refused", f"{why}，不会公开。{fix}")], 0, (0, 0)
    size = _size(config, rel)
    if size > config.attachment_max_mb * MB:
        return [error(name, 1, "attachment.too-large",
                      f"附件有 {size_text(size)}，超过了 {config.attachment_max_mb} MB 的上限（设置 GONGKAI_ATTACHMENT_MAX_MB），"
                      "村民用手机流量打不开这么大的文件。扫描件请用 150–200 dpi、黑白或灰度重新扫描，"
                      "或用 WPS/Word 把 PDF “导出为压缩 PDF”。")], size, (0, 0)
    data = (config.content_dir / rel).read_bytes()
    found = list(check_static(config, name, rel, data, passed, private=private).problems)
    if private and is_image(rel):  # a photographed roster is as risky as a PDF one, but a photo of a repaired house is not
        found.append(warning(name, 1, "file.unchecked", "这张图片附在涉及个人隐私的栏目中，gongkai 读不出图片上的字，"
                             "无法检查其中有没有身份证号、银行卡号。请人工确认；名单请写成公告里的表格，证件、存折等请先遮住号码再拍照或扫描。"))
    dimensions = (0, 0)
    if is_image(rel):
        try:
            dimensions = _dimensions(config.content_dir / rel) if measure else _verify(config.content_dir / rel)
        except Exception as exc:  # any failure to read an image means it cannot be cleaned
            found.append(error(name, 1, "attachment.broken",
                               f"这张图片无法读取（{_reason(exc)}），也就无法去掉其中的拍摄位置等信息，不会公开。"
                               "请用画图或手机相册重新“另存为” JPG 文件。"))
    return found, size, dimensions


def _reason(exc: Exception) -> str:
    from PIL import Image

    if isinstance(exc, Image.DecompressionBombError):
        return f"超过 {MAX_PIXELS // 1_000_000} 百万像素，请缩小后再放进来"
    return "文件已损坏或不是它的扩展名所说的图片格式"


def _open(path: Path):
    """The image, its header read; refused over :data:`MAX_PIXELS` before any pixel is decoded (our limit,
    not Pillow's, whose warning would print English to the clerk's console for a big phone photo)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # the limit is ours, just below
    image = Image.open(path)
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise Image.DecompressionBombError(f"{width}×{height}")
    return image


def _verify(path: Path) -> tuple[int, int]:
    with _open(path) as image:
        image.verify()
    return _dimensions(path)


def _dimensions(path: Path) -> tuple[int, int]:
    """Width and height as shown: EXIF orientations 5–8 turn the picture a quarter."""
    try:
        with _open(path) as image:
            width, height = image.size
            orientation = image.getexif().get(0x0112, 1)
    except Exception:  # reported by the check; here only the size is asked
        return 0, 0
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


# -- 3. the rendered body -----------------------------------------------------------

_ANCHOR_OR_IMG = re.compile(r"<a\b[^>]*>|</a>|<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'\s(href|src)="([^"]*)"')
_RELATIVE = re.compile(r'\s(?:href|src|srcset)="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)', re.IGNORECASE)


def url_from(page_dir: str, output: str) -> str:
    """The address of ``output`` from a page in ``page_dir`` (relative, percent-encoded, HTML-escaped)."""
    return html.escape(quote(posixpath.relpath(output, page_dir or ".")), quote=True)


def rewrite(body: str, notice_url: str, targets: dict[str, str], pages: dict[str, str], files: dict[str, Published]) -> str:
    """The rendered body with every local link pointing at its published file: images shown through their
    resized copies and linked to the original, documents with their type and size in the link's title."""
    if not targets and not pages:
        return body
    page_dir = posixpath.dirname(notice_url)
    out: list[str] = []
    position = 0
    depth = 0
    for match in _ANCHOR_OR_IMG.finditer(body):
        tag = match.group(0)
        out.append(body[position:match.start()])
        position = match.end()
        if tag.lower() == "</a>":
            depth = max(0, depth - 1)
            out.append(tag)
            continue
        is_img = tag.lower().startswith("<img")
        if not is_img:
            depth += 1
        attr = _ATTR.search(tag)
        key = link_key(attr.group(2)) if attr else None
        if key is not None and key in pages:
            out.append(tag[:attr.start(2)] + url_from(page_dir, pages[key]) + tag[attr.end(2):])
        elif key is not None and key in targets and targets[key] in files:
            published = files[targets[key]]
            if is_img and published.is_image:
                out.append(_image(tag, attr, published, page_dir, linked=depth > 0))
            else:
                new = tag[:attr.start(2)] + url_from(page_dir, published.output) + tag[attr.end(2):]
                if not is_img and " title=" not in new:
                    new = new[:-1] + f' title="{html.escape(published.label)}，{published.size_text}">'
                out.append(new)
        else:
            out.append(tag)
    out.append(body[position:])
    return "".join(out)


def _image(tag: str, attr: re.Match, published: Published, page_dir: str, *, linked: bool) -> str:
    """An image shown at a size that fits the phone (``srcset``), linked to the full original."""
    variants = published.variants()
    if published.width and suffix_of(published.output) in WEB_IMAGES and published.width <= VARIANT_WIDTHS[-1]:
        variants = [*variants, (published.output, published.width)]
    original = url_from(page_dir, published.output)
    src = url_from(page_dir, variants[-1][0]) if variants else original
    extra = ""
    if len(variants) > 1:
        srcset = ", ".join(f"{url_from(page_dir, out)} {width}w" for out, width in variants)
        extra += f' srcset="{srcset}" sizes="{IMAGE_SIZES}"'
    if published.width and published.height:
        width = variants[-1][1] if variants else published.width
        extra += f' width="{width}" height="{round(published.height * width / published.width)}"'
    tag = re.sub(r'\s(?:width|height)="[^"]*"', "", tag[:attr.start(2)] + src + tag[attr.end(2):])
    tag = tag[:-1].rstrip("/ ") + extra + ' loading="lazy" decoding="async">'
    if linked:
        return tag
    title = html.escape(f"查看原图（{published.label}，{published.size_text}）", quote=True)
    return f'<a class="gk-figure" href="{original}" title="{title}">{tag}</a>'


def for_print(body: str, notice_url: str) -> str:
    """A notice body for the printed board (``print/<board>.html``): its links from there, and its images
    loaded at once (a browser prints a lazy image it has not loaded as a blank)."""
    return rebase(body, notice_url, "print").replace(' loading="lazy"', "")


def rebase(body: str, page_url: str, to: str) -> str:
    """A body written for the page at ``page_url`` with its relative links made to work from ``to``: another
    page's folder (``print``), or an absolute base ending in ``/`` (``https://…/`` for feeds)."""
    if not _RELATIVE.search(body):
        return body
    page_dir = posixpath.dirname(page_url)

    def move(url: str) -> str:
        if not url or _SCHEME.match(url) or url.startswith(("/", "#")):
            return url
        path, sep, rest = url.partition("#")
        target = posixpath.normpath(posixpath.join(page_dir, path)) if path else page_url
        if target.startswith("../"):
            return url
        if "://" in to:
            return to + target + sep + rest
        return posixpath.relpath(target, to or ".") + sep + rest

    def attribute(match: re.Match) -> str:
        name, value = match.group(1), match.group(2)
        if name.lower() == "srcset":
            value = ", ".join(" ".join([move(part.split()[0]), *part.split()[1:]]) for part in value.split(",") if part.strip())
        else:
            value = move(value)
        return f' {name}="{value}"'

    return re.sub(r'\s(href|src|srcset)="([^"]*)"', attribute, body, flags=re.IGNORECASE)


# -- 4. writing: attachments copied, images cleaned -------------------------------------

def publish(output: Path, site) -> list[str]:
    """Write what this build's checked ``site`` (a :class:`.pipeline.Site`) publishes besides pages: the
    notices' attachments, and every image among the static files (Pelican copies the rest as they are).
    Returns the output paths, relative with /."""
    statics = [f.rel for f in site.files if f.kind == "static" and is_image(f.rel) and site.publishes(f.rel)]
    return write(Path(output), site.config.content_dir, site.attachments.files.values(), statics)


def write(output: Path, content_dir: Path, files: Iterable[Published], static_images: Iterable[str]) -> list[str]:
    """Publish every planned file into ``output``; clean every published static image in place.

    Returns the output paths written. Images are re-encoded from their pixels
    only: no EXIF (GPS position, camera, time), XMP, IPTC or comments
    survive, and the EXIF orientation is applied first so a phone photo
    stands the right way up.
    """
    from .parallel import pool_map

    jobs = [(str(content_dir / f.source), str(output / f.output), f.output, f.width) for f in files]
    linked = {f.output for f in files}
    jobs += [(str(content_dir / rel), str(output / rel), rel, 0) for rel in static_images if rel not in linked]
    written = pool_map(_publish_one, jobs, initializer=_set_output, initargs=(str(output),), parallel_from=8)
    return [path for paths in written for path in paths]


_output = ""


def _set_output(output: str) -> None:
    global _output
    _output = output


def _publish_one(job: tuple[str, str, str, int]) -> list[str]:
    source, target, rel, width = job
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    variants = image_variants(rel, width) if width and is_image(rel) else []
    made = [rel, *(out for out, _ in variants)]
    if _fresh(Path(source), [Path(_output) / out for out in made]):
        return made  # written from the same file by an earlier build
    if not is_image(rel):
        shutil.copyfile(source, target)
    else:
        clean_image(Path(source), Path(target), [(Path(_output) / out, w) for out, w in variants])
    stamp = Path(source).stat().st_mtime_ns
    for out in made:  # the source's time: how the next build knows these were made from it
        os.utime(Path(_output) / out, ns=(stamp, stamp))
    return made


def _fresh(source: Path, targets: list[Path]) -> bool:
    """Every output there with its source's modification time (set when written): made from this very file
    by an earlier build. A file copied in with an older time is a different time, so it is made again."""
    try:
        stamp = source.stat().st_mtime_ns
        return all(t.stat().st_mtime_ns == stamp for t in targets)
    except OSError:
        return False


def clean_image(source: Path, target: Path, variants: list[tuple[Path, int]] = ()) -> None:
    """Write ``source`` to ``target`` without metadata (in place when they are the same file), and each
    resized copy."""
    from PIL import Image

    data, shown, fmt, icc = cleaned(source, target.suffix)
    _write_atomic(target, data)
    for path, width in variants:
        height = max(1, round(shown.height * width / shown.width))
        copy = shown.resize((width, height), Image.Resampling.LANCZOS) if width < shown.width else shown
        copy_format = "JPEG" if path.suffix.lower() in (".jpg", ".jpeg") else WEB_IMAGES.get(path.suffix.lower(), fmt)
        _write_atomic(path, _encode(copy, copy_format, icc))


def cleaned(source: Path, suffix: str = ""):
    """(bytes of the published original, its upright pixels, format, colour profile): the picture alone,
    turned as its EXIF orientation says, with no metadata at all."""
    from PIL import ImageOps, ImageSequence

    with _open(source) as image:
        image.load()
        fmt = image.format or WEB_IMAGES.get(suffix.lower(), "PNG")
        icc = image.info.get("icc_profile")
        if getattr(image, "n_frames", 1) > 1 and fmt in ("GIF", "WEBP"):
            frames = [_bare(frame.copy()) for frame in ImageSequence.Iterator(image)]
            data = _encode(frames[0], fmt, icc, save_all=True, append_images=frames[1:],
                           duration=image.info.get("duration"), loop=image.info.get("loop", 0))
            return data, frames[0], fmt, icc
        shown = _bare(ImageOps.exif_transpose(image))
    return _encode(shown, fmt, icc), shown, fmt, icc


def published_size(source: Path, published: Path | None = None) -> int:
    """The size of the image as published: the earlier build's file when it is newer than the source, else
    the cleaned bytes made now (the notice page says what a tap costs, exactly)."""
    if published is not None and _fresh(source, [published]):
        return published.stat().st_size
    return len(cleaned(source, source.suffix)[0])


def _bare(image):
    """The pixels alone: Pillow writes what ``info`` holds (EXIF, XMP, comments, text chunks) on save."""
    image.info = {}
    image.encoderinfo = {}
    return image


def _flatten(image):
    from PIL import Image

    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _encode(image, fmt: str, icc: bytes | None, **options) -> bytes:
    """The image in ``fmt``, with nothing but its pixels and colour profile."""
    import io

    if fmt == "JPEG":
        options.update(quality=88, optimize=True, progressive=True)
        if image.mode not in ("RGB", "L", "CMYK"):
            image = _flatten(image)
    elif fmt == "PNG":
        options.update(optimize=True)
    elif fmt == "WEBP":
        options.update(quality=85)
    if icc:
        options["icc_profile"] = icc  # colours, not about anybody
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _write_atomic(target: Path, data: bytes) -> None:
    """Write through a temporary file, so a failed write never leaves half an image (or the uncleaned one)."""
    temporary = target.with_name(target.name + ".part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
