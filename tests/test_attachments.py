"""Attachments: the voucher scan and the signed approval a clerk puts beside a notice.

The scenario site ``tests/sites/attachments`` links a phone photo of the
voucher that carries its GPS position in EXIF (made here with Pillow), a PDF,
a picture among the static files (by ``{static}`` and by an absolute
``/images/…`` path), and, in another notice, a file that is not there. The
tests build it as a clerk does and read what a villager would get: the
pages, the files beside them, the feeds and the printed board's PDF.
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import Site, copy_site, run_gongkai
from gongkai import attachments
from gongkai.markup import Renderer
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

SITEURL = "https://gongkai.nanwan.gov.cn"
ID = "11010519491231002X"  # a valid ID number (GB 11643 check character X)
GPS = {1: "N", 2: (34.0, 45.0, 12.34), 3: "E", 4: (113.0, 37.0, 56.78)}


def photo(path: Path, size: tuple[int, int], *, orientation: int = 1, fmt: str = "JPEG") -> Path:
    """A phone photo as phones save it: maker, model, orientation and GPS position in EXIF, a comment."""
    image = Image.new("RGB", size, (200, 180, 150))
    for x in range(0, size[0], 50):  # something to see, so resizing has pixels to work on
        for y in range(0, size[1], 50):
            image.putpixel((x, y), (0, 0, 0))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "HUAWEI", "ANA-AN00", orientation
    exif[0x8825] = GPS
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = {"comment": b"taken at home"} if fmt == "JPEG" else {}
    image.save(path, fmt, exif=exif.tobytes(), **extra)
    return path


def pdf_bytes() -> bytes:
    """A one-page PDF, as a scanner or WPS writes it (the contents do not matter here)."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def make_files(site: Site) -> None:
    """The scenario's binary files: a portrait voucher photo held sideways (EXIF orientation 6), the approval
    PDF, a static map, a site photo beside the notice that is held back, a PNG, and a file nobody links."""
    content = site.root / "content"
    photo(content / "nanwan/finance/2026-q3-voucher.jpg", (2000, 1500), orientation=6)
    (content / "nanwan/finance/2026-q3-approval.pdf").write_bytes(pdf_bytes())
    photo(content / "images/map.jpg", (800, 600))
    photo(content / "township/major-matters/2026-11-site.jpg", (640, 480))
    photo(content / "township/major-matters/2026-10-well-after.png", (1000, 800), fmt="PNG")
    photo(content / "nanwan/finance/unlinked.jpg", (300, 200))


def scenario(root: Path, extra: str = "") -> Site:
    site = copy_site("attachments", root)
    make_files(site)
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + f"\nSITEURL = {SITEURL!r}\n" + extra, encoding="utf-8")
    return site


def build(site: Site) -> subprocess.CompletedProcess:
    """The build of a site with one held-back notice: exit 1, the rest published."""
    result = run_gongkai("build", cwd=site.root)
    assert result.returncode == 1 and "已生成" in result.stdout, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = scenario(tmp_path_factory.mktemp("attachments"))
    build(site)
    return site


def problems_of(site: Site) -> list[dict]:
    return site.check_json()["problems"]


def published_images(output: Path) -> list[Path]:
    return [p for p in output.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp", ".gif")
            and "theme" not in p.relative_to(output).parts and "pagefind" not in p.relative_to(output).parts]


# -- check ------------------------------------------------------------------------------

def test_a_link_to_nothing_is_an_error_naming_file_and_line(built):
    found = problems_of(built)
    errors = [(p["file"], p["line"], p["code"]) for p in found if p["severity"] == "error"]
    assert errors == [("content/township/major-matters/2026-11-road.md", 9, "attachment.missing")]
    message = next(p["message"] for p in found if p["code"] == "attachment.missing")
    assert "2026-11-contract.pdf" in message and "content/township/major-matters/2026-11-contract.pdf" in message


def test_linked_files_are_attachments_and_an_unlinked_one_is_named(built):
    found = {(p["file"], p["code"]) for p in problems_of(built)}
    assert ("content/nanwan/finance/unlinked.jpg", "file.skipped") in found
    assert not any(file.endswith(("voucher.jpg", "map.jpg", "after.png")) for file, _ in found)


# -- build: the files beside the notice ----------------------------------------------------------

def test_every_published_image_has_no_exif_gps_or_comment(built):
    images = published_images(built.output)
    assert {p.relative_to(built.output).as_posix() for p in images} >= {
        "nanwan/finance/2026-q3-voucher.jpg", "images/map.jpg", "township/major-matters/2026-10-well-after.png"}
    for path in images:
        data = path.read_bytes()
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & image.info.keys(), path
        for trace in (b"Exif", b"HUAWEI", b"ANA-AN00", b"taken at home"):
            assert trace not in data, (path, trace)


def test_the_phone_photo_stands_upright_in_sizes_for_phones_and_links_its_original(built):
    out = built.output / "nanwan/finance"
    with Image.open(out / "2026-q3-voucher.jpg") as original:
        assert original.size == (1500, 2000)  # held sideways, stored sideways: turned as the phone showed it
    for width in (480, 960, 1440):
        with Image.open(out / f"2026-q3-voucher.{width}w.jpg") as copy:
            assert copy.size == (width, round(2000 * width / 1500))
    img = built.soup("nanwan/finance/2026-q3.html").find("img", alt="记账凭证")
    assert img["src"] == "2026-q3-voucher.1440w.jpg"
    assert [part.split() for part in img["srcset"].split(",")] == [
        ["2026-q3-voucher.480w.jpg", "480w"], ["2026-q3-voucher.960w.jpg", "960w"], ["2026-q3-voucher.1440w.jpg", "1440w"]]
    assert (img["width"], img["height"]) == ("1440", "1920") and img.get("sizes")
    assert img.parent.name == "a" and img.parent["href"] == "2026-q3-voucher.jpg"


def test_documents_are_published_as_they_are_and_listed_with_type_and_size(built):
    assert (built.output / "nanwan/finance/2026-q3-approval.pdf").read_bytes() == pdf_bytes()
    section = built.soup("nanwan/finance/2026-q3.html").find("section", class_="gk-attachments")
    items = {li.a.get_text(strip=True): li.find(class_="gk-attachments__meta").get_text(strip=True)
             for li in section.find_all("li")}
    assert items["民主理财小组审核意见表"] == f"PDF 文件，{len(pdf_bytes())} 字节"
    assert items["记账凭证"].startswith("JPG 图片（原图），") and items["记账凭证"].endswith("KB")


def test_static_and_absolute_links_lead_to_the_static_file(built):
    page = (built.output / "nanwan/finance/2026-q3.html").read_text(encoding="utf-8")
    assert "{static}" not in page and 'src="/images' not in page and 'href="/images' not in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("img", alt="村界示意图")["src"] == "../../images/map.jpg"
    assert soup.find("a", string="大图")["href"] == "../../images/map.jpg"
    assert "不存在.jpg" in soup.find("code").get_text()  # code is shown as written, never followed


def test_a_held_back_notice_publishes_none_of_its_files(built):
    assert not (built.output / "township/major-matters/2026-11-road.html").exists()
    assert not (built.output / "township/major-matters/2026-11-site.jpg").exists()
    assert not (built.output / "nanwan/finance/unlinked.jpg").exists()


def _local_urls(soup: BeautifulSoup) -> list[str]:
    urls = [tag.get(attr) for tag in soup.find_all(["a", "img"]) for attr in ("href", "src") if tag.get(attr)]
    urls += [part.split()[0] for img in soup.find_all("img", srcset=True) for part in img["srcset"].split(",")]
    return [u for u in urls if not urlsplit(u).scheme and not u.startswith("#")]


@pytest.mark.parametrize("page", ["nanwan/finance/2026-q3.html", "print/nanwan.html", "print/township.html",
                                  "township/major-matters/2026-10-well.html"])
def test_every_link_of_notice_and_printed_board_leads_to_a_published_file(built, page):
    urls = _local_urls(built.soup(page))
    assert urls
    for url in urls:
        path = unquote(urlsplit(url).path)
        target = (built.output / page).parent / (path + "index.html" if path.endswith("/") else path)
        assert target.resolve().is_file(), (page, url)


def test_feeds_give_the_files_by_their_full_address(built):
    feed = (built.output / "feeds/nanwan/finance.atom.xml").read_text(encoding="utf-8")
    assert f"{SITEURL}/nanwan/finance/2026-q3-voucher.1440w.jpg" in feed
    assert f"{SITEURL}/nanwan/finance/2026-q3-approval.pdf" in feed
    assert f"{SITEURL}/images/map.jpg" in feed


def test_a_second_build_keeps_the_files_and_a_removed_link_removes_its_file(built, tmp_path):
    site = scenario(tmp_path)
    build(site)
    voucher = site.output / "nanwan/finance/2026-q3-voucher.jpg"
    stamp = voucher.stat().st_mtime_ns
    build(site)
    assert voucher.stat().st_mtime_ns == stamp  # not encoded again
    notice = site.root / "content/nanwan/finance/2026-q3.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("![记账凭证](2026-q3-voucher.jpg)", ""), encoding="utf-8")
    build(site)
    assert not voucher.exists() and not (site.output / "nanwan/finance/2026-q3-voucher.480w.jpg").exists()


def test_a_photo_replaced_by_one_with_an_older_time_is_published_again(tmp_path):
    """Windows keeps a file's time when it is copied from a USB stick: the new scan may look older."""
    site = scenario(tmp_path)
    build(site)
    source = site.root / "content/nanwan/finance/2026-q3-voucher.jpg"
    old = source.stat().st_mtime_ns
    photo(source, (1200, 900))
    os.utime(source, ns=(old - 10**12, old - 10**12))
    build(site)
    with Image.open(site.output / "nanwan/finance/2026-q3-voucher.jpg") as published:
        assert published.size == (1200, 900)
    assert not (site.output / "nanwan/finance/2026-q3-voucher.1440w.jpg").exists()
    meta = site.soup("nanwan/finance/2026-q3.html").find("a", string="记账凭证").find_next(class_="gk-attachments__meta")
    size = (site.output / "nanwan/finance/2026-q3-voucher.jpg").stat().st_size
    assert meta.get_text(strip=True) == f"JPG 图片（原图），{size / 1024:.0f} KB"  # the published file's own size


def test_the_files_of_a_draft_and_of_a_notice_dated_tomorrow_wait_with_their_pages(tmp_path):
    site = scenario(tmp_path)
    for name, extra in (("draft", "status: draft\n"), ("later", "")):
        photo(site.root / f"content/nanwan/major-matters/{name}.jpg", (100, 100))
        day = "2026-11-23" if name == "later" else "2026-11-02"
        site.write(f"nanwan/major-matters/2026-11-02-{name}.md", f"---\ntitle: {name}\nboard: nanwan\ncategory: major-matters\n"
                   f"date: {day}\n{extra}---\n![照片]({name}.jpg)\n")
    build(site)
    for name in ("draft", "later"):
        assert not (site.output / f"nanwan/major-matters/2026-11-02-{name}.html").exists()
        assert not (site.output / f"nanwan/major-matters/{name}.jpg").exists(), name


def test_a_link_to_another_notices_file_leads_to_its_page(tmp_path):
    site = scenario(tmp_path)
    site.write("nanwan/major-matters/2026-11-02-b.md", notice("乙", "另见[机井维修公示](../../township/major-matters/2026-10-well.md)。"))
    assert not [p for p in problems_of(site) if p["file"].endswith("2026-11-02-b.md")]
    build(site)
    link = site.soup("nanwan/major-matters/2026-11-02-b.html").find("a", string="机井维修公示")
    assert link["href"] == "../../township/major-matters/2026-10-well.html"


# -- paper ------------------------------------------------------------------------------------------

def test_the_printed_board_shows_the_voucher_and_a_qr_code_to_the_approval(tmp_path):
    pytest.importorskip("weasyprint")
    for tool in ("pdfimages", "pdftoppm", "zbarimg"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            pytest.skip(f"needs {tool} (apt-get install poppler-utils zbar-tools)")
    site = scenario(tmp_path, "GONGKAI_PDF = True\n")
    notice = site.root / "content/nanwan/finance/2026-q3.md"  # a picture from the web shows online, not on paper
    notice.write_text(notice.read_text(encoding="utf-8") + "\n![网上的图](https://img.example.org/x.jpg)\n", encoding="utf-8")
    result = build(site)
    said = [line for line in (result.stdout + result.stderr).splitlines() if "nanwan.pdf" in line or "nanwan.html" in line]
    assert said == ["nanwan.html: 打印版（PDF）里缺少图片 https://img.example.org/x.jpg：打印版只用网站自己的文件，"
                    "不从网络下载。请把图片下载下来放在公告旁边，再按文件名链接，例如 ![说明](图片.jpg)。"], said
    pdf = site.output / "print/nanwan.pdf"
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = {tuple(line.split()[3:5]) for line in listing.splitlines()[2:]}
    assert ("1440", "1920") in sizes and ("800", "600") in sizes  # the voucher (its print copy) and the map
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "sheet")], check=True)
    pages = sorted(str(p) for p in tmp_path.glob("sheet-*.png"))
    scan = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", *pages], capture_output=True, text=True)
    assert f"{SITEURL}/nanwan/finance/2026-q3-approval.pdf" in scan.stdout.splitlines()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "民主理财小组审核意见表" in text and "PDF 文件" in re.sub(r"\s", " ", text)


# -- what is refused -------------------------------------------------------------------------------

def notice(title: str, body: str, *, board: str = "nanwan", category: str = "major-matters") -> str:
    return f"---\ntitle: {title}\nboard: {board}\ncategory: {category}\ndate: 2026-11-02\n---\n{body}\n"


def _docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>")
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A few bytes that say "I am a picture of width × height pixels": a decompression bomb's header."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_refused_types_oversized_broken_and_private_files_each_have_their_code(tmp_path):
    site = scenario(tmp_path, "GONGKAI_ATTACHMENT_MAX_MB = 1\n")
    folder = "nanwan/major-matters"
    files = {"setup.exe": b"MZ\x90\x00", "page.html": b"<script>alert(1)</script>", "big.pdf": b"%PDF" + b"0" * (MB + 1),
             "broken.jpg": b"not a picture", "photo.heic": b"\x00\x00\x00\x18ftypheic", "names.csv": f"张三,{ID}\n".encode(),
             "list.docx": _docx(f"李四 {ID}"), "archive.zip": b"PK\x05\x06" + b"\x00" * 18,
             "bomb.png": _png_claiming(20000, 20000)}
    lines = []
    for name, data in files.items():
        site.write(f"{folder}/{name}", data)
        lines.append(f"[{name}]({name})")
    site.write(f"{folder}/2026-11-02-files.md", notice("附件测试", "\n\n".join(lines)))
    found = {(p["file"].removeprefix(f"content/{folder}/"), p["code"]) for p in problems_of(site) if p["severity"] == "error"}
    assert {("setup.exe", "attachment.refused"), ("page.html", "attachment.refused"), ("big.pdf", "attachment.too-large"),
            ("broken.jpg", "attachment.broken"), ("bomb.png", "attachment.broken"), ("photo.heic", "attachment.refused"),
            ("archive.zip", "attachment.refused"),
            ("names.csv", "privacy.id-number"), ("list.docx", "privacy.id-number"),
            ("2026-11-02-files.md", "attachment.refused")} <= found
    build(site)
    assert not (site.output / folder / "2026-11-02-files.html").exists()
    assert not any((site.output / folder / name).exists() for name in files)


MB = 1024 * 1024


def test_a_mobile_in_a_text_attachment_passes_in_finance_and_not_in_a_privacy_category(tmp_path):
    site = scenario(tmp_path)
    site.write("nanwan/finance/contacts.csv", "经办人,电话\n王会计,13812345678\n")
    site.write("nanwan/subsidies/list.csv", "户主,电话\n张三,13912345678\n")
    site.write("nanwan/finance/2026-q2.md", "---\ntitle: 二季度\nboard: nanwan\ncategory: finance\ndate: 2026-07-08\n"
               "period: 2026-Q2\n---\n联系人见 [联系表](contacts.csv)。\n")
    site.write("nanwan/subsidies/2026-q3.md", "---\ntitle: 三季度补贴\nboard: nanwan\ncategory: subsidies\ndate: 2026-10-08\n"
               "period: 2026-Q3\n---\n名单见 [名单](list.csv)。\n")
    found = {(p["file"], p["code"]) for p in problems_of(site) if p["severity"] == "error"}
    assert ("content/nanwan/subsidies/list.csv", "privacy.phone") in found
    photo(site.root / "content/nanwan/subsidies/roster.jpg", (100, 100))
    notice_file = site.root / "content/nanwan/subsidies/2026-q3.md"
    notice_file.write_text(notice_file.read_text(encoding="utf-8") + "\n![名单照片](roster.jpg)\n", encoding="utf-8")
    warned = {(p["file"], p["code"]) for p in problems_of(site) if p["severity"] == "warning"}
    assert ("content/nanwan/subsidies/roster.jpg", "file.unchecked") in warned  # nobody can read a photographed roster
    assert not any(f == "content/nanwan/finance/contacts.csv" for f, _ in found)
    result = build(site)
    assert "output.privacy" not in result.stdout + result.stderr  # the last gate lets the finance mobile through
    assert (site.output / "nanwan/finance/contacts.csv").is_file()
    assert not (site.output / "nanwan/subsidies/list.csv").exists()


def test_two_files_on_one_address_clash_and_a_case_slip_is_named(tmp_path):
    site = scenario(tmp_path)
    photo(site.root / "content/nanwan/major-matters/a/scan.jpg", (100, 100))
    photo(site.root / "content/nanwan/major-matters/b/scan.jpg", (100, 100))
    site.write("nanwan/major-matters/a/2026-11-01-a.md", notice("甲", "![扫描件](scan.jpg)"))
    site.write("nanwan/major-matters/b/2026-11-02-b.md", notice("乙", "![扫描件](scan.jpg)"))
    photo(site.root / "content/nanwan/major-matters/Plan.JPG", (100, 100))
    site.write("nanwan/major-matters/2026-11-03-c.md", notice("丙", "\n规划图：\n\n![规划图](plan.jpg)"))
    found = problems_of(site)
    clash = [p for p in found if p["code"] == "attachment.clash"]
    assert [(p["file"], p["line"]) for p in clash] == [("content/nanwan/major-matters/b/2026-11-02-b.md", 7)]
    case = next(p for p in found if p["file"].endswith("2026-11-03-c.md"))
    assert (case["code"], case["line"]) == ("attachment.missing", 10) and "Plan.JPG" in case["message"]


def test_a_link_typed_in_chinese_punctuation_is_named_with_its_fix(tmp_path):
    """With the Chinese input method on, ![凭证](x.jpg) comes out as ！［凭证］（x.jpg）: plain text on the page."""
    site = scenario(tmp_path)
    photo(site.root / "content/nanwan/major-matters/2026-11-scan.jpg", (100, 100))
    site.write("nanwan/major-matters/2026-11-02-b.md", notice("乙", "见附件：\n\n！［现场照片］（2026-11-scan.jpg）\n\n"
                                                              "【通知】（2026年）照常。"))
    found = [p for p in problems_of(site) if "major-matters/2026-11" in p["file"] and "nanwan" in p["file"]]
    assert [(p["file"].split("/")[-1], p["line"], p["code"]) for p in found] == [("2026-11-02-b.md", 9, "attachment.missing")]
    assert "![现场照片](2026-11-scan.jpg)" in found[0]["message"]


# -- the links a body holds ---------------------------------------------------------------------------

def test_links_are_found_in_every_form_with_their_lines():
    body = ("![凭证](a.jpg)\n"
            "[意见表](<审核 意见.pdf> \"标题\")\n"
            "`![x](code.jpg)`\n"
            "```\n![y](fenced.jpg)\n```\n"
            "[参考][r] 和 [网站](https://example.org) [邮件](mailto:a@b.cn) [锚](#x)\n"
            "<img src=\"raw.png\" alt=\"\">\n"
            "![s]({static}/images/s.png) ![t](|attach|t.png) [C 盘](C:\\Users\\clerk\\x.pdf)\n"
            "\n[r]: ref.pdf\n")
    found = [(link.target, link.line, link.image) for link in attachments.find_links(body, 10)]
    assert found == [("a.jpg", 10, True), ("审核 意见.pdf", 11, False), ("ref.pdf", 16, False), ("raw.png", 17, True),
                     ("{static}/images/s.png", 18, True), ("|attach|t.png", 18, True), ("C:\\Users\\clerk\\x.pdf", 18, False)]


@pytest.mark.parametrize(("target", "resolved"), [
    ("a.jpg", "nanwan/finance/a.jpg"), ("./scans/a.jpg", "nanwan/finance/scans/a.jpg"),
    ("../common/a.pdf", "nanwan/common/a.pdf"), ("{static}/images/x.png", "images/x.png"), ("/images/x.png", "images/x.png"),
    ("{attach}a.jpg", "nanwan/finance/a.jpg"), ("%E5%87%AD%E8%AF%81.jpg", "nanwan/finance/凭证.jpg"),
    ("a.jpg?v=2#top", "nanwan/finance/a.jpg"), ("scans\\a.jpg", "nanwan/finance/scans/a.jpg"),
    ("../../../etc/passwd", attachments.OUTSIDE), ("C:\\Users\\a.jpg", attachments.OUTSIDE), ("/", attachments.OUTSIDE),
])
def test_links_resolve_as_pelican_resolves_them(target, resolved):
    assert attachments.resolve(target, "nanwan/finance/2026-q3.md") == resolved


# % followed by two hex digits is an escape (as Pelican reads it); any other % is the character itself.
NAMES = st.text(st.sampled_from("凭证审核意见表abcXYZ019 -_()&%+'，（）"), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s not in (".", "..") and not re.search("%[0-9a-fA-F]{2}", s))


@settings(max_examples=150, deadline=None)
@given(name=NAMES, image=st.booleans())
def test_any_file_name_a_clerk_writes_is_found_and_rewritten_where_the_renderer_put_it(name, image):
    """Whatever the name (spaces, brackets, &, %, full-width marks), the link the finder reads is the one the
    Markdown renderer writes, and the rewritten body points at the published file."""
    filename = f"{name}.pdf" if not image else f"{name}.png"
    body = f"见{'!' if image else ''}[附件](<{filename}>)。\n"
    (link,) = attachments.find_links(body)
    assert attachments.resolve(link.target, "nanwan/finance/n.md") == f"nanwan/finance/{filename}"
    published = attachments.Published(f"nanwan/finance/{filename}", f"nanwan/finance/{filename}", "附件", 10, True)
    html = attachments.rewrite(Renderer().render(body), "nanwan/finance/n.html",
                               {attachments.link_key(link.target): published.output}, {}, {published.output: published})
    soup = BeautifulSoup(html, "html.parser")
    tag = soup.find("img") if image else soup.find("a")
    url = tag["src"] if image else tag["href"]
    assert unquote(url) == filename


TOKENS = st.sampled_from(["![图](a.jpg)", "[表](b.pdf)", "[c](c.csv)", "`", "``", "```", " ", "\n", "\n\n", "文字", "x",
                          '<img src="d.png" alt="">', "*", "[", "]", "(", ")", "\\", "    ", "\t", "- ", "1. "])


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, max_size=30))
@example(["\\", "\\", "`", "![图](a.jpg)", "`"])  # an escaped backslash, then a code span: no link
@example(["\\", "`", "![图](a.jpg)", "`"])  # an escaped backtick: the link is a link
def test_the_links_found_in_a_body_are_the_links_its_page_has(tokens):
    """Code spans, stray brackets and backticks, blank lines: the finder reads a body as the renderer does,
    so no link on the page goes unchecked and no text shown as code is reported."""
    body = "".join(tokens)
    found = {attachments.link_key(link.target) for link in attachments.find_links(body) if not link.fullwidth}
    soup = BeautifulSoup(Renderer().render(body), "html.parser")
    rendered = {attachments.link_key(tag.get("href") or tag.get("src") or "") for tag in soup.find_all(["a", "img"])}
    assert found == {key for key in rendered if key and attachments.is_local(key)}, body


def test_the_last_gate_reads_published_office_files(tmp_path):
    """A Word or Excel file in the output is read as Word shows it, like the pages: a number in it is a leak."""
    from gongkai import gate
    from gongkai.config import Config

    config = Config.from_settings({"GONGKAI_BOARDS": [{"slug": "nanwan", "name": "南湾村", "kind": "village"}]}, tmp_path)
    output = tmp_path / "output"
    (output / "nanwan/finance").mkdir(parents=True)
    (output / "nanwan/finance/list.docx").write_bytes(_docx(f"李四 {ID[:9]}<w:r><w:t>{ID[9:]}</w:t></w:r>"))
    (output / "nanwan/finance/clean.docx").write_bytes(_docx("收支明细见公告正文"))
    leaks = gate.scan(output, None, config)
    assert [(leak.output, leak.code) for leak in leaks] == [("nanwan/finance/list.docx", "privacy.id-number")]
