"""Paper: a QR code per notice, and the PDF of each printable board.

The generator asks :func:`qr_svg` for the code of every notice it writes;
the plugin calls :func:`write_pdfs` once the whole site is on disk, since
the PDFs need ``theme/print.css``, which Pelican copies after our pages.
No Pelican here; WeasyPrint is imported only when PDFs are written.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import segno
from markupsafe import Markup

from .config import SettingsError

logger = logging.getLogger(__name__)

NO_CJK_FONT = (
    "生成 PDF 打印版需要中文字体，但本机没有找到任何中文字体（fc-list :lang=zh 没有结果），"
    "印出来的字会是一个个空方框。请先安装中文字体（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk；"
    "也可把 .ttf/.otf 字体放进 ~/.local/share/fonts），或在 pelicanconf.py 中设 GONGKAI_PDF = False。"
)


class NoChineseFont(SettingsError):
    """``GONGKAI_PDF`` is on but fontconfig knows no font that covers Chinese."""

    def __init__(self) -> None:
        super().__init__("GONGKAI_PDF", NO_CJK_FONT)


def qr_svg(url: str) -> Markup:
    """A QR code of ``url`` as inline SVG: drawn in the page, sharp at any size, no image file.

    The SVG is hidden from screen readers; the page prints the address
    beside it in words.
    """
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(border=4, omitsize=True, dark="#000", light="#fff", svgclass="gk-qr__code")
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" shape-rendering="crispEdges" ', 1)
    # Markup: this string is built here by segno from a URL of our own site
    # (SITEURL + the notice's path), never from a visitor, so it may go into
    # the autoescaped templates as it is.
    return Markup(svg)


PDF_EXTRA = ("生成 PDF 打印版（GONGKAI_PDF）需要 WeasyPrint，它是 gongkai 的可选部分，没有随 gongkai 安装。"
             "请安装：pip install 'gongkai[pdf]'（Windows：py -m pip install \"gongkai[pdf]\"；用 pipx 安装的："
             "pipx install --force 'gongkai[pdf]'），或在设置中写 GONGKAI_PDF = False。")


def require_pdf() -> None:
    """:class:`SettingsError` naming the ``pdf`` extra when WeasyPrint is not installed.

    Only looks for the package: importing it takes seconds, and a missing
    Pango library is reported by :func:`write_pdfs` when it loads it.
    """
    import importlib.util

    if importlib.util.find_spec("weasyprint") is None:
        raise SettingsError("GONGKAI_PDF", PDF_EXTRA)


def has_chinese_font() -> bool | None:
    """Whether fontconfig, which WeasyPrint uses, has a font for Chinese; None if it cannot be asked.

    ``fc-list`` honours ``FONTCONFIG_FILE`` like WeasyPrint does, so both
    see the same fonts.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(found.stdout.strip())


def write_pdfs(output: Path, pages: Iterable[Path], siteurl: str = "") -> list[str]:
    """Write ``<page>.pdf`` beside each printable HTML page; return warnings for the clerk.

    Everything is read from ``output``: a link to ``siteurl`` is read from the
    file it names there, and nothing is fetched from the network, so the
    PDF is what the built site holds and the build works offline. Raises
    :class:`NoChineseFont` before writing anything when no Chinese font is
    installed.
    """
    if has_chinese_font() is False:
        raise NoChineseFont()
    require_pdf()
    try:
        from weasyprint import HTML  # slow to import, and needs Pango: only when PDFs are wanted
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise SettingsError("GONGKAI_PDF", f"生成 PDF 打印版需要 WeasyPrint 和 Pango 库，但无法载入（{exc}）。"
                            "请安装：pip install 'gongkai[pdf]'；Debian/Ubuntu：sudo apt-get install libpango-1.0-0 "
                            "libpangoft2-1.0-0；Windows 见 WeasyPrint 的安装说明（需要 MSYS2 的 Pango）；"
                            "或在 pelicanconf.py 中设 GONGKAI_PDF = False。") from None

    fetcher = _local_fetcher(Path(output).resolve(), siteurl)
    # WeasyPrint logs what it cannot load as errors and CSS it ignores as
    # warnings. Pelican's `--fatal errors` logger would stop the build on the
    # first; the second are about our theme, not the clerk's notices. Catch
    # them here and report resources that failed in our own words.
    failed: list[str] = []
    weasy_log = logging.getLogger("weasyprint")

    def keep(record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            failed.append(_in_words(record, Path(output).resolve()))
        else:
            logger.debug("WeasyPrint: %s", record.getMessage())
        return False

    warnings: list[str] = []
    weasy_log.addFilter(keep)
    try:
        for page in pages:
            failed.clear()
            HTML(filename=str(page), url_fetcher=fetcher).write_pdf(page.with_suffix(".pdf"))
            warnings += [f"{page.name}: {message}" for message in failed]
    finally:
        weasy_log.removeFilter(keep)
    return warnings


def _in_words(record: logging.LogRecord, output: Path) -> str:
    """What WeasyPrint could not load, said for the clerk: which picture, and how to have it on paper."""
    if str(record.msg).startswith("Failed to load image at") and len(record.args or ()) == 2:
        url = record.args[0]
        parts = urlsplit(str(url))
        if parts.scheme == "file":
            path = Path(url2pathname(parts.path))
            shown = path.relative_to(output).as_posix() if path.is_relative_to(output) else str(path)
            return (f"打印版（PDF）里缺少图片 {shown}：网站里没有这个文件。请确认公告里链接的图片放在公告旁边、"
                    "文件名一字不差，gongkai check 会指出是哪一行。")
        return (f"打印版（PDF）里缺少图片 {url}：打印版只用网站自己的文件，不从网络下载。"
                "请把图片下载下来放在公告旁边，再按文件名链接，例如 ![说明](图片.jpg)。")
    return f"PDF 中缺少一项内容（{record.getMessage()}）"


def _local_fetcher(output: Path, siteurl: str):
    from weasyprint.urls import URLFetcher

    prefix = siteurl.rstrip("/") + "/" if siteurl else None

    class LocalFetcher(URLFetcher):
        """Reads files of the built site only; the public address maps to ``output``."""

        def fetch(self, url: str, headers=None):
            if prefix and url.startswith(prefix):
                rel = unquote(urlsplit(url).path[len(urlsplit(prefix).path):])
                url = (output / rel).as_uri()
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file":
                raise ValueError(f"不从网络下载 {url}")
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_relative_to(output):
                raise ValueError(f"{path} 不在网站输出目录中")
            return super().fetch(url, headers)

    return LocalFetcher(timeout=10)
