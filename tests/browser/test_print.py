"""Printing from the browser: what a clerk gets from Ctrl+P on the demo township.

Chromium prints the page itself (``page.pdf`` applies print media and, with
``prefer_css_page_size``, the sheet size of print.css); poppler's pdfinfo and
pdftotext read the result. PDFs are kept in tests/artifacts/print/.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts" / "print"
# The demo is frozen on 2026-11-08; the reader's clock is set to it so that
# deadline.js flags nothing the build did not, and the sheets stay as measured.
DEMO_DAY = "2026-11-08T10:00:00+08:00"
# A4 sheets per board, measured in Chromium (WeasyPrint gives the same).
SHEETS = {"township": 9, "nanwan": 4, "beishan": 4, "hexi": 4, "liujiazhuang": 4}


def needs_poppler() -> None:
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("needs poppler-utils (pdfinfo, pdftotext)")


def print_to_pdf(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    tab.page.evaluate("document.fonts.ready.then(() => true)")
    tab.page.pdf(path=str(path), prefer_css_page_size=True)
    return path


def pdf_pages(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["Pages"]), fields["Page size"].strip()


@pytest.mark.parametrize("board", SHEETS)
def test_each_board_prints_on_the_measured_number_of_numbered_a4_sheets(page, board):
    needs_poppler()
    tab = page(1280, now=DEMO_DAY)
    assert tab.goto(f"/print/{board}.html").status == 200
    pdf = print_to_pdf(tab, board)
    pages, size = pdf_pages(pdf)
    assert size.startswith(("594.96 x 841.92", "595.2")) and "(A4)" in size, size
    assert abs(pages - SHEETS[board]) <= 1, f"{board} printed on {pages} sheets, measured {SHEETS[board]}"
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert f"第{number}页共{pages}页" in re.sub(r"\s+", "", text), f"sheet {number} has no page number"


def test_the_board_links_to_its_print_page(page):
    tab = page(360)
    tab.goto("/nanwan/index.html")
    tab.page.get_by_role("link", name="打印公开栏", exact=True).click()
    expect(tab.page).to_have_url(re.compile(r"/print/nanwan\.html$"))
    expect(tab.page.locator("h1")).to_have_text("南湾村村务公开栏")


@pytest.mark.parametrize("width", [360, 1280])
def test_on_paper_only_the_sheet_remains(page, width):
    tab = page(width, now=DEMO_DAY)
    tab.goto("/print/township.html")
    screen = tab.page
    expect(screen.locator(".gk-print-tools")).to_be_visible()
    expect(screen.get_by_role("button", name="打印本页")).to_be_visible()  # deadline.js adds it
    screen.emulate_media(media="print")
    tab.screenshot("print-media")
    for hidden in (".gk-header", ".gk-nav", ".gk-breadcrumbs", ".gk-print-tools", ".gk-footer__nav", ".gk-skip"):
        expect(screen.locator(hidden).first).to_be_hidden()
    expect(screen.locator(".gk-sheet__title")).to_be_visible()
    codes = screen.locator(".gk-sheet .gk-qr__code")
    assert codes.count() == screen.locator(".gk-sheet__notice").count() > 0
    box = codes.first.bounding_box()
    assert box and box["width"] >= 80, f"QR code {box} too small to scan from paper"
    expect(screen.locator(".gk-footer .gk-contacts")).to_contain_text("监督电话")


def test_a_printed_notice_has_its_qr_code_and_a_print_button(page):
    tab = page(360)
    tab.goto("/nanwan/finance/2026-q2.html")
    expect(tab.page.get_by_role("button", name="打印本页")).to_be_visible()
    qr = tab.page.locator(".gk-notice__footer .gk-qr")
    expect(qr).to_be_hidden()  # on a phone a code of the page one is reading is no use
    tab.page.emulate_media(media="print")
    expect(qr).to_be_visible()
    expect(qr).to_contain_text("https://gongkai.example.gov.cn/nanwan/finance/2026-q2.html")
    tab.screenshot("notice-print-media")


def test_a_sheet_printed_later_bears_the_day_it_was_printed(page):
    """The site was built for 8 November; printed from the browser on the 20th, the sheet says the 20th."""
    tab = page(1280, now="2026-11-20T09:00:00+08:00")
    tab.goto("/print/nanwan.html")
    date = tab.page.locator("[data-print-date]")
    expect(date).to_have_text("2026年11月20日")
    expect(date).to_have_attribute("datetime", "2026-11-20")
    expect(tab.page.locator(".gk-sheet__as-of")).to_contain_text("2026年11月8日")  # what the statuses hold for


def test_without_javascript_the_sheet_bears_the_build_day(page):
    tab = page(1280, java_script_enabled=False)
    tab.goto("/print/nanwan.html")
    expect(tab.page.locator("[data-print-date]")).to_have_text("2026年11月8日")
