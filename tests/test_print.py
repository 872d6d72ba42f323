"""Printable boards: /print/<board>.html on every build, /print/<board>.pdf with GONGKAI_PDF.

The PDF sites are built once each (WeasyPrint takes seconds) from the
minimal site plus the settings under test, and read back with poppler
(pdfinfo, pdftotext, pdffonts, pdftoppm) and zbar (zbarimg), as a person
checks paper: is the text there, is the sheet A4 or A3, are the fonts in
the file, do the QR codes scan to the notices' addresses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import GONGKAI, TODAY, Site, copy_site

SITEURL = "https://gongkai.example.gov.cn"
POPPLER = ("pdfinfo", "pdftotext", "pdffonts", "pdftoppm")
A4 = (595.28, 841.89)
A3 = (841.89, 1190.55)
# What hangs on each board of the minimal site on TODAY (Section.current_notices):
# the latest quarter of nanwan's finance, the long subsidy list written below,
# and the township's one open major matter.
CURRENT = {
    "nanwan": ["nanwan/finance/2026-q3.html", "nanwan/subsidies/2026-q3-list.html"],
    "township": ["township/major-matters/2026-11-01-road.html"],
}
LIST_ROWS = 90  # long enough to run over two A4 sheets


def needs(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install poppler-utils zbar-tools fontconfig)")


def needs_weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        pytest.skip(f"needs WeasyPrint and Pango: {exc}")


def subsidy_list() -> str:
    """A subsidy list with a 合计 row that adds up, far longer than one sheet."""
    family, given = "王李张刘陈杨赵黄周吴", "建国秀英志强桂兰永明海燕春生玉梅"
    rows, area, amount = [], Decimal(0), Decimal(0)
    for i in range(1, LIST_ROWS + 1):
        mu = Decimal(i % 17 + 2) + Decimal("0.25")
        money = (mu * Decimal("118.50")).quantize(Decimal("0.01"))
        area, amount = area + mu, amount + money
        name = family[i % 10] + given[(i * 2) % 16: (i * 2) % 16 + 2]
        rows.append(f"| {i} | {name} | 第{i % 6 + 1}组 | {mu:.2f} | {money:,.2f} |")
    return ("---\ntitle: 南湾村2026年第三季度耕地地力保护补贴发放名单\nboard: nanwan\ncategory: subsidies\n"
            "date: 2026-10-12\nperiod: 2026-Q3\n---\n"
            "2026年第三季度耕地地力保护补贴已通过“一卡通”发放到户，名单如下：\n\n"
            "| 序号 | 户主姓名 | 村民小组 | 补贴面积（亩） | 补贴金额（元） |\n|---:|---|---|---:|---:|\n"
            + "\n".join(rows) + f"\n| 合计 | | | {area:.2f} | {amount:,.2f} |\n\n对名单有异议的，请向村务监督委员会反映。\n")


def pdf_site(root: Path, extra: str) -> Site:
    site = copy_site("minimal", root)
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    site.write("nanwan/subsidies/2026-q3-list.md", subsidy_list())
    return site


@pytest.fixture(scope="session")
def pdf_built(tmp_path_factory) -> Site:
    """The minimal site with SITEURL and GONGKAI_PDF, built once for every PDF test."""
    needs_weasyprint()
    site = pdf_site(tmp_path_factory.mktemp("pdf"), f"""
SITEURL = {SITEURL!r}
GONGKAI_PDF = True
GONGKAI_CONTACTS = {{"监督电话": "0371-63851234", "乡纪委": "0371-63851200"}}
GONGKAI_BOARDS[1]["contacts"] = {{"村务监督委员会": "0371-63851243"}}
""")
    site.build()
    return site


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def page_size(path: Path) -> tuple[float, float]:
    width, _, height = pdfinfo(path)["Page size"].split()[:3]
    return float(width), float(height)


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text of the PDF (or one page of it) with all white space removed: CJK has no word gaps to keep."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, "-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", "", out)


# -- the HTML page, on every build -------------------------------------------

def test_every_board_has_a_print_page(minimal_built):
    for board, name, kind in (("township", "东大地乡人民政府", "政务公开栏"), ("nanwan", "南湾村", "村务公开栏")):
        soup = minimal_built.soup(f"print/{board}.html")
        assert soup.h1.get_text(strip=True) == name + kind
        assert soup.select_one(".gk-sheet__date time[data-print-date]")["datetime"] == TODAY
        assert "size: A4 portrait" in soup.select_one("head style").get_text()


def test_print_page_shows_each_sections_status_deadline_and_current_notices_in_full(minimal_built):
    soup = minimal_built.soup("print/nanwan.html")
    report = minimal_built.check_json()
    sections = {el["data-section"]: el for el in soup.select(".gk-sheet [data-section]")}
    expected = {f"{s['board']}/{s['category']}": s for s in report["sections"] if s["board"] == "nanwan"}
    assert list(sections) == list(expected)  # every section, in the board's order
    for key, section in expected.items():
        assert sections[key]["data-status"] == section["status"]
        assert sections[key].get("data-deadline") == section["next_deadline"]
        assert sections[key].select_one(".gk-badge") and sections[key].select_one(".gk-deadline")
    finance = sections["nanwan/finance"]
    titles = [h.get_text(strip=True) for h in finance.select(".gk-sheet__notice-title")]
    assert titles == ["南湾村2026年第三季度财务收支公开"]  # the latest quarter only, not its history
    text = finance.get_text(" ", strip=True)
    assert "本季度收支如下" in text and "鱼塘租赁" in text and "13,399.50" in text  # body and balance in full
    assert "更正支出第2行金额" in text  # and its correction
    assert finance.select_one(".gk-table table thead th") is not None  # the table itself, not a link to it
    assert "本栏目暂无正在公开的公告" in sections["nanwan/subsidies"].get_text()


def test_withdrawn_drafts_and_history_are_not_on_the_wall(minimal_built):
    text = minimal_built.soup("print/township.html").select_one(".gk-sheet").get_text()
    assert "关于乡村道路硬化工程招标结果的公示" in text
    assert "已撤回" not in text and "草稿" not in text


def test_without_siteurl_there_is_no_qr_code_and_the_page_says_why(minimal_built):
    for rel in ("print/nanwan.html", "nanwan/finance/2026-q3.html"):
        assert minimal_built.soup(rel).select(".gk-qr") == [], rel
    note = minimal_built.soup("print/nanwan.html").select_one(".gk-print-tools__warning").get_text()
    assert "二维码" in note and "SITEURL" in note


def test_board_page_links_to_its_print_page(minimal_built):
    link = minimal_built.soup("nanwan/index.html").find("a", string="打印公开栏")
    assert link is not None and link["href"] == "../print/nanwan.html"
    assert not minimal_built.soup("nanwan/index.html").select("a[href$='.pdf']")  # no PDF unless GONGKAI_PDF


def test_qr_codes_on_print_and_notice_pages_point_at_the_public_address(demo):
    """The demo sets SITEURL: every notice on a printed board, and every notice page, has its code."""
    soup = demo.soup("print/township.html")
    notices = soup.select(".gk-sheet__notice")
    assert notices and len(soup.select(".gk-sheet__notice svg.gk-qr__code")) == len(notices)
    for notice in notices:
        address = notice.select_one(".gk-sheet__address .gk-sheet__url").get_text(strip=True)
        assert address.startswith("https://gongkai.example.gov.cn/township/") and address.endswith(".html")
        assert (demo.output / address.removeprefix("https://gongkai.example.gov.cn/")).is_file()
    page = demo.soup("nanwan/finance/2026-q2.html")
    qr = page.select_one(".gk-notice__footer .gk-qr")
    assert qr.select_one("svg")["aria-hidden"] == "true"  # the address below it is the text alternative
    assert "https://gongkai.example.gov.cn/nanwan/finance/2026-q2.html" in qr.get_text()


def test_cached_qr_codes_follow_a_changed_siteurl(minimal):
    """Codes are kept between builds in the cache folder, keyed by the full address."""
    from gongkai.printing import qr_svg

    conf = minimal.root / "pelicanconf.py"
    settings = conf.read_text(encoding="utf-8")
    for siteurl in ("https://old.example.gov.cn", SITEURL):
        conf.write_text(settings + f"SITEURL = {siteurl!r}\n", encoding="utf-8")
        minimal.build()
    assert (minimal.root / "cache" / "gongkai-qr.pickle").is_file()
    drawn = minimal.soup("nanwan/finance/2026-q3.html").select_one(".gk-qr svg path.qrline")["d"]
    assert f'd="{drawn}"' in qr_svg(f"{SITEURL}/nanwan/finance/2026-q3.html")


def test_contacts_of_site_and_board_are_on_the_sheet(pdf_built):
    soup = pdf_built.soup("print/nanwan.html")
    assert "0371-63851234" in soup.select_one(".gk-sheet__phone").get_text()
    footer = soup.select_one(".gk-footer").get_text(" ", strip=True)
    assert "乡纪委" in footer and "村务监督委员会" in footer and "0371-63851243" in footer


def test_landscape_paper_reaches_the_page(minimal):
    conf = minimal.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nGONGKAI_PAPER = "A4 landscape"\n', encoding="utf-8")
    minimal.build()
    assert "size: A4 landscape" in minimal.soup("print/township.html").select_one("head style").get_text()
    assert "A4横向" in minimal.soup("print/township.html").select_one(".gk-print-tools").get_text()


# -- the PDF, with GONGKAI_PDF -------------------------------------------------

def test_a_pdf_for_every_board_linked_from_its_board_page(pdf_built):
    for board in ("township", "nanwan"):
        assert (pdf_built.output / f"print/{board}.pdf").read_bytes().startswith(b"%PDF-")
        link = pdf_built.soup(f"{board}/index.html").select_one(f"a[href='../print/{board}.pdf']")
        assert link is not None and "PDF" in link.get_text()
    assert pdf_built.soup("print/nanwan.html").select_one("a[href='../print/nanwan.pdf']") is not None


def test_pdf_is_a4_and_numbers_its_pages(pdf_built):
    needs(*POPPLER)
    pdf = pdf_built.output / "print/nanwan.pdf"
    assert page_size(pdf) == pytest.approx(A4, abs=1)
    pages = int(pdfinfo(pdf)["Pages"])
    assert 4 <= pages <= 6, f"nanwan board on {pages} A4 pages (measured: 5, the subsidy list taking three)"
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in pdf_text(pdf, page)


def test_pdf_holds_the_boards_chinese_text(pdf_built):
    needs(*POPPLER)
    text = pdf_text(pdf_built.output / "print/nanwan.pdf")
    for words in ("南湾村村务公开栏", "财务公开", "惠农补贴", "低保救助", "重大事项", "南湾村2026年第三季度财务收支公开",
                  "期末余额", "13,399.50", "鱼塘租赁", "监督电话", "0371-63851234", "按期公开", "逾期未公开"):
        assert words in text, words
    assert "关于乡村道路硬化工程招标结果的公示" in pdf_text(pdf_built.output / "print/township.pdf")


def test_pdf_fonts_are_embedded(pdf_built):
    needs(*POPPLER)
    out = subprocess.run(["pdffonts", str(pdf_built.output / "print/nanwan.pdf")], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    assert out, "no fonts in the PDF"
    for line in out:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", f"font {name} is not embedded: the PDF would print differently elsewhere"
    assert any("CJK" in line or "Han" in line or "Hei" in line or "Song" in line for line in out), out


def test_qr_codes_scan_to_the_notices_public_addresses(pdf_built, tmp_path):
    needs(*POPPLER, "zbarimg")
    for board, urls in CURRENT.items():
        prefix = tmp_path / board
        subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf_built.output / f"print/{board}.pdf"), str(prefix)],
                       check=True)
        images = sorted(str(p) for p in tmp_path.glob(f"{board}-*.png"))
        scan = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", *images],
                              capture_output=True, text=True)
        found = sorted(line for line in scan.stdout.splitlines() if line)
        assert found == sorted(f"{SITEURL}/{url}" for url in urls), f"{board}: {scan.stderr}"


def test_a_long_table_repeats_its_header_and_keeps_rows_whole(pdf_built):
    needs(*POPPLER)
    pdf = pdf_built.output / "print/nanwan.pdf"
    pages = int(pdfinfo(pdf)["Pages"])
    layout = {n: subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                                capture_output=True, text=True, check=True).stdout for n in range(1, pages + 1)}
    rows_on = {n: [line for line in text.splitlines() if re.match(r"\s*\d+\s+\S{3}\s+第\d组\s", line)]
               for n, text in layout.items()}
    with_rows = [n for n, rows in rows_on.items() if rows]
    assert len(with_rows) >= 2, "the list should run over more than one sheet for this test"
    for n in with_rows:
        assert re.search(r"序号\s+户主姓名\s+村民小组", layout[n]), f"page {n} has rows of the list but no header"
    printed = [int(line.split()[0]) for n in with_rows for line in rows_on[n]]
    assert printed == list(range(1, LIST_ROWS + 1)), "every row once, in order, each whole on one line of one page"
    amounts = [line.split()[-1] for n in with_rows for line in rows_on[n]]
    assert all(re.fullmatch(r"[\d,]+\.\d\d", a) for a in amounts), "a row lost its amount across a page break"


def test_pdf_reads_the_site_from_disk_and_never_from_the_network(tmp_path):
    """A stylesheet linked at SITEURL is read from the output directory; a picture from another
    host is left out with a warning for the clerk, not fetched, and the build goes on."""
    needs_weasyprint()
    needs(*POPPLER)
    from gongkai.printing import write_pdfs

    (tmp_path / "theme").mkdir()
    (tmp_path / "theme/sheet.css").write_text("@page { size: A5 }", encoding="utf-8")
    page = tmp_path / "print" / "board.html"
    page.parent.mkdir()
    page.write_text(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试</title>'
                    f'<link rel="stylesheet" href="{SITEURL}/theme/sheet.css"></head>'
                    f'<body><p>公开栏</p><img src="https://elsewhere.example/photo.png" alt="照片"></body></html>',
                    encoding="utf-8")
    warnings = write_pdfs(tmp_path, [page], SITEURL)
    assert page_size(page.with_suffix(".pdf")) == pytest.approx((419.53, 595.28), abs=1)  # A5: the CSS was read
    assert len(warnings) == 1 and "board.html" in warnings[0] and "elsewhere.example" in warnings[0], warnings
    assert "不从网络下载" in warnings[0]  # refused by our fetcher, not a failed download


def test_without_weasyprint_the_error_says_what_to_install(monkeypatch, tmp_path):
    import sys

    from gongkai.config import SettingsError
    from gongkai.printing import write_pdfs

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if the pdf extra were not installed
    monkeypatch.setattr("gongkai.printing.has_chinese_font", lambda: True)
    with pytest.raises(SettingsError) as caught:
        write_pdfs(tmp_path, [tmp_path / "board.html"])
    assert caught.value.key == "GONGKAI_PDF" and "pip install 'gongkai[pdf]'" in caught.value.message


def test_without_pango_the_error_says_what_to_install(monkeypatch, tmp_path):
    """WeasyPrint is installed but cannot load Pango (a Windows machine without MSYS2, a bare server)."""
    import builtins

    from gongkai.config import SettingsError
    from gongkai.printing import write_pdfs

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    monkeypatch.setattr("gongkai.printing.has_chinese_font", lambda: True)
    with pytest.raises(SettingsError) as caught:
        write_pdfs(tmp_path, [tmp_path / "board.html"])
    assert caught.value.key == "GONGKAI_PDF" and "libpango-1.0-0" in caught.value.message


def test_a3_paper_and_absolute_links_read_from_the_output(tmp_path_factory):
    """GONGKAI_PAPER = "A3" gives A3 sheets; with RELATIVE_URLS off, print.css is linked at SITEURL and
    must be read from output/, not fetched (page numbers come from print.css)."""
    needs_weasyprint()
    needs(*POPPLER)
    site = pdf_site(tmp_path_factory.mktemp("a3"), f'SITEURL = {SITEURL!r}\nGONGKAI_PDF = True\nGONGKAI_PAPER = "A3"\n'
                                                   "RELATIVE_URLS = False\n")
    site.build()
    pdf = site.output / "print/township.pdf"
    assert f'href="{SITEURL}/theme/print.css"' in (site.output / "print/township.html").read_text(encoding="utf-8")
    assert page_size(pdf) == pytest.approx(A3, abs=1)
    assert "第1页共1页" in pdf_text(pdf)


def test_without_a_chinese_font_the_build_stops_with_a_clear_message(minimal, tmp_path):
    needs("fc-list")
    conf = minimal.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + f"\nSITEURL = {SITEURL!r}\nGONGKAI_PDF = True\n",
                    encoding="utf-8")
    empty = tmp_path / "fonts.conf"  # a fontconfig that knows no font at all
    empty.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n',
                     encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(empty), "GONGKAI_TODAY": TODAY}
    result = subprocess.run([GONGKAI, "build"], cwd=minimal.root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "设置错误 GONGKAI_PDF" in result.stderr and "中文字体" in result.stderr
    assert "fonts-noto-cjk" in result.stderr and "GONGKAI_PDF = False" in result.stderr  # how to fix it
    assert "Traceback" not in result.stderr
    assert not list((minimal.root / "output" / "print").glob("*.pdf"))
