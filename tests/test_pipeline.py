"""Scenario sites through the one read-and-check pipeline, judged by what ends up in output/.

The policy these tests hold the commands to ("When a notice has an error" in docs/admin.md):

* a file with an error is *held back*: it is never published, and the rest of the site is built;
* ``gongkai check`` and ``gongkai build`` exit 1 when any error is found (the build still writes the
  site, without the held-back files), and 2 for a settings error;
* plain ``pelican --fatal errors`` fails on the same errors;
* drafts (notices and pages) are never written anywhere;
* problems are printed as ``path:line: severity code: message``, and no output holds "Traceback".

Every scenario starts from the ``minimal`` site, adds the few files it is about, and asserts on the real
outputs: the JSON report of ``check``, and the files the build wrote (parsed, or searched byte by byte
when the question is "is this anywhere at all").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, TODAY, Site, copy_site, run_gongkai

ID = "11010519491231002X"        # a valid ID number (GB 11643 check character X)
ID_DIGITS = ID[:-1]              # what a URL could keep of it, whatever happens to the X
ID_FILE = "township/major-matters/2026-11-10-" + ID + ".md"
ID_SLUG_FILE = "township/major-matters/2026-11-11-slug.md"


def notice(title: str, *, board: str = "township", category: str = "major-matters", date: str = "2026-11-10",
           extra: str = "", body: str = "正文。") -> str:
    return f"---\ntitle: {title}\nboard: {board}\ncategory: {category}\ndate: {date}\n{extra}---\n{body}\n"


def add_settings(site: Site, text: str) -> None:
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def check(site: Site) -> tuple[int, list[dict]]:
    """``gongkai check --format json``: its exit status and problems."""
    result = site.check("--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["problems"]


def build(site: Site) -> subprocess.CompletedProcess:
    """``gongkai build`` whatever its exit status (``Site.build`` insists on 0)."""
    result = run_gongkai("build", cwd=site.root)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def codes(problems: list[dict], file: str) -> set[tuple[str, str]]:
    """(severity, code) of every problem on ``file`` (relative to the settings, like check prints it)."""
    return {(p["severity"], p["code"]) for p in problems if p["file"] == file}


def output_files(site: Site) -> dict[str, bytes]:
    """Every file the build wrote, by path relative to output/."""
    return {p.relative_to(site.output).as_posix(): p.read_bytes() for p in sorted(site.output.rglob("*"))
            if p.is_file()}


def nowhere_in_output(site: Site, needle: str) -> None:
    """``needle`` is in no output file's path and no output file's bytes."""
    raw = needle.encode("utf-8")
    for rel, data in output_files(site).items():
        assert needle.lower() not in rel.lower(), rel
        assert raw not in data, rel


# -- the scenarios ------------------------------------------------------------------------------------------------
# Each takes the minimal site and adds what it is about; it returns nothing: the tests look at the site.

def id_in_names(site: Site) -> None:
    """An ID in a file name and in a slug: both become a URL, the sitemap, the manifest and every link."""
    site.write(ID_FILE, notice("关于道路养护的公示"))
    site.write(ID_SLUG_FILE, notice("关于村道照明的公示", date="2026-11-11", extra=f"slug: road-{ID}\n"))
    with (site.root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('SITEURL = "https://gongkai.example.gov.cn"\n')  # so that the sitemap is written


def id_in_page(site: Site) -> None:
    site.write("pages/x.md", "---\ntitle: 关于本站\n---\n联系人身份证 " + ID + "，PAGEMARKER-ID。\n")


def draft_page(site: Site) -> None:
    site.write("pages/draft.md", "---\ntitle: 草稿页面\nstatus: draft\n---\nDRAFTMARKER-7f3a 尚未定稿。\n")
    site.write("pages/draft.html", '<html><head><title>草稿</title><meta name="status" content="draft"></head>'
               "<body><p>DRAFTMARKER-html-91c</p></body></html>")


def unsafe_html_page(site: Site) -> None:
    site.write("pages/unsafe.html", "<html><head><title>办事须知</title></head><body>"
               "<p>UNSAFEMARKER 请带好材料。</p><script>alert(1)</script>"
               '<img src="x.png" onerror="alert(2)"><a href="#" onclick="alert(3)">链接</a></body></html>')


def id_in_static(site: Site) -> None:
    site.write("images/list.csv", "姓名,身份证号\n张三," + ID + "\n")


def pdf_in_private_folder(site: Site) -> None:
    add_settings(site, 'STATIC_PATHS = ["images", "nanwan/low-income-aid"]')
    site.write("nanwan/low-income-aid/list.pdf", b"%PDF-1.4\nPDFMARKER-55e\n%%EOF\n")


def links(site: Site) -> None:
    outside = site.root / "outside.txt"
    outside.write_text("OUTSIDEMARKER-c0d 乡外的文件\n", encoding="utf-8")
    folder = site.root / "content" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "outside.txt").symlink_to(outside)
    (folder / "gone.png").symlink_to(site.root / "no-such-file.png")
    elsewhere = site.root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.csv").write_text("OUTSIDEMARKER-dir 另一个文件夹\n", encoding="utf-8")
    (folder / "shared").symlink_to(elsewhere, target_is_directory=True)


def id_in_folders(site: Site) -> None:
    """A folder's name is part of a static file's URL, and may be part of a notice's."""
    site.write(f"images/{ID}/photo.png", b"\x89PNG\r\n\x1a\n")
    site.write(f"township/major-matters/{ID}/2026-11-12.md", notice("关于河道清淤的公示", date="2026-11-12"))


def id_in_withdrawal_reason(site: Site) -> None:
    """The reason a notice was withdrawn is shown on its page, like its title and body."""
    site.write("township/major-matters/2026-11-02-x.md", notice(
        "关于林地补偿的公示", date="2026-11-02",
        extra=f"status: withdrawn\nwithdrawn:\n  date: 2026-11-03\n  reason: 误写了村民身份证号 {ID}\n"))


def hidden_files(site: Site) -> None:
    """Names starting with "." or "_" are not read by check; then they must not be published either."""
    site.write("images/.hidden.csv", f"户主,号码\n张某,{ID}\n")
    site.write("images/_old.csv", f"户主,号码\n张某,{ID}\n")
    site.write("images/_drafts/list.csv", f"户主,号码\n张某,{ID}\n")
    site.write("pages/_about.md", f"---\ntitle: 关于\n---\nHIDDENMARKER {ID}\n")
    site.write("township/major-matters/_n.md", notice("隐藏的公告", body=f"HIDDENMARKER {ID}"))


def lookalike_name(site: Site) -> None:
    site.write("nanwan/finance/2026-q3.md.txt", notice("南湾村第三季度（记事本保存）", board="nanwan",
                                                         category="finance", extra="period: 2026-Q3\n"))


def bad_balance(site: Site) -> None:
    """One bad file among good ones: an amount beyond any float, a dangling link, and a valid notice."""
    site.write("nanwan/finance/2026-q4.md", notice("南湾村第四季度（余额有误）", board="nanwan", category="finance",
                                                   date="2026-11-20", extra="period: 2026-Q4\nbalance: {opening: "
                                                   "1e309, income: 0, expense: 0, closing: 0}\n"))
    site.write("nanwan/finance/2026-10.md", notice("南湾村十月（余额溢出）", board="nanwan", category="finance",
                                                   date="2026-11-20", extra="period: 2026-10\nbalance: {opening: "
                                                   "1.0e+309, income: 0, expense: 0, closing: 0}\n"))
    folder = site.root / "content" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gone.jpg").symlink_to(site.root / "nowhere.jpg")
    site.write("township/major-matters/2026-11-18-ok.md", notice("关于敬老院修缮的公示", date="2026-11-18",
                                                                 body="GOODMARKER-1a 修缮工程已完成。"))


SCENARIOS: dict[str, Callable[[Site], None]] = {
    "id-in-names": id_in_names, "id-in-page": id_in_page, "draft-page": draft_page,
    "unsafe-html": unsafe_html_page, "id-in-static": id_in_static, "pdf-private": pdf_in_private_folder,
    "id-in-folders": id_in_folders, "id-in-withdrawal": id_in_withdrawal_reason,
    "links": links, "lookalike": lookalike_name, "bad-balance": bad_balance, "hidden": hidden_files,
}


def scenario(name: str, tmp_path: Path) -> Site:
    site = copy_site("minimal", tmp_path)
    SCENARIOS[name](site)
    return site


# -- 1. files nobody used to check ----------------------------------------------------------------------------------

def test_id_in_a_file_name_or_slug_is_flagged_and_never_published(tmp_path):
    """A number in a name is everywhere once built (URL, sitemap, manifest, links), so the name is checked
    like the text: both files are held back, and no path or site-wide file holds the digits."""
    site = scenario("id-in-names", tmp_path)
    status, problems = check(site)
    assert status == 1
    assert ("error", "privacy.id-number") in codes(problems, "content/" + ID_FILE)
    assert ("error", "privacy.id-number") in codes(problems, "content/" + ID_SLUG_FILE)
    assert build(site).returncode == 1
    files = output_files(site)
    assert "index.html" in files  # the rest of the site was built
    assert not [rel for rel in files if ID_DIGITS in rel]
    for rel in ("sitemap.xml", "manifest.json", "status.json"):
        assert ID_DIGITS.encode() not in files[rel], rel
    # status.json still reports the problems, with the number masked
    report = json.loads(files["status.json"])
    assert {p["code"] for p in report["problems"]} >= {"privacy.id-number"}
    nowhere_in_output(site, ID_DIGITS)


def test_id_in_a_folder_name_is_flagged_and_never_published(tmp_path):
    """The folders a file sits in are part of its path; the number must not reach a URL that way either."""
    site = scenario("id-in-folders", tmp_path)
    status, problems = check(site)
    assert status == 1
    assert ("error", "privacy.id-number") in codes(problems, f"content/images/{ID}/photo.png")
    assert ("error", "privacy.id-number") in codes(problems, f"content/township/major-matters/{ID}/2026-11-12.md")
    assert build(site).returncode == 1
    assert (site.output / "index.html").is_file()
    nowhere_in_output(site, ID_DIGITS)
    nowhere_in_output(site, "河道清淤")


def test_id_in_a_withdrawal_reason_is_flagged_by_check(tmp_path):
    """Every text of a notice that its page shows is checked by ``gongkai check``, so that check and build agree:
    a number only the output gate sees would make check pass a site the build refuses."""
    site = scenario("id-in-withdrawal", tmp_path)
    status, problems = check(site)
    result = build(site)
    assert result.returncode == 1
    nowhere_in_output(site, ID_DIGITS)
    assert ("error", "privacy.id-number") in codes(problems, "content/township/major-matters/2026-11-02-x.md")
    assert status == 1


def test_id_in_a_page_is_flagged_and_the_page_not_built(tmp_path):
    """Pages (关于本站 and the like) are published like notices, so they are checked like notices."""
    site = scenario("id-in-page", tmp_path)
    status, problems = check(site)
    assert status == 1
    assert ("error", "privacy.id-number") in codes(problems, "content/pages/x.md")
    assert build(site).returncode == 1
    assert not [rel for rel in output_files(site) if rel.startswith("pages/")]
    assert (site.output / "index.html").is_file()
    nowhere_in_output(site, ID_DIGITS)
    nowhere_in_output(site, "PAGEMARKER-ID")


def test_draft_pages_are_written_nowhere(tmp_path):
    """A draft is not published in any form: no page, no drafts/ folder, no feed or search entry."""
    site = scenario("draft-page", tmp_path)
    status, problems = check(site)
    assert status == 0, problems
    assert build(site).returncode == 0
    nowhere_in_output(site, "DRAFTMARKER")
    assert not [rel for rel in output_files(site) if "drafts/" in rel or rel.startswith("drafts")]
    assert not (site.output / "drafts").exists()


def test_scripts_and_event_attributes_are_removed_from_pages(tmp_path):
    """A page is sanitised like a notice body: the text stays, the script and the on…= attributes go, and the
    clerk is told (html.unsafe), since the code would silently not work."""
    site = scenario("unsafe-html", tmp_path)
    status, problems = check(site)
    assert ("warning", "html.unsafe") in codes(problems, "content/pages/unsafe.html")
    assert status == 0
    assert build(site).returncode == 0
    [page] = [site.output / rel for rel, data in output_files(site).items()
              if rel.startswith("pages/") and b"UNSAFEMARKER" in data]  # the slug comes from the title
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert "UNSAFEMARKER" in soup.get_text()
    for script in soup.find_all("script"):  # the theme's own deadline.js may be there
        assert "alert" not in script.get_text() and "alert" not in str(script.get("src", ""))
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")], element
    assert "alert(" not in page.read_text(encoding="utf-8")


def test_id_in_a_static_csv_is_flagged_and_not_copied(tmp_path):
    """Static files are copied as they are, so their text is checked before they are."""
    site = scenario("id-in-static", tmp_path)
    status, problems = check(site)
    assert status == 1
    assert ("error", "privacy.id-number") in codes(problems, "content/images/list.csv")
    assert build(site).returncode == 1
    assert not (site.output / "images" / "list.csv").exists()
    nowhere_in_output(site, ID_DIGITS)


def test_unreadable_file_in_a_privacy_folder_is_refused(tmp_path):
    """Nobody can promise a PDF in a 低保 folder holds no ID number: it is an error there, not copied."""
    site = scenario("pdf-private", tmp_path)
    status, problems = check(site)
    assert status == 1
    assert ("error", "file.unchecked") in codes(problems, "content/nanwan/low-income-aid/list.pdf")
    assert build(site).returncode == 1
    assert not list(site.output.rglob("list.pdf"))
    nowhere_in_output(site, "PDFMARKER-55e")


def test_unreadable_file_elsewhere_is_a_warning_and_copied(tmp_path):
    """The same PDF outside a privacy folder is published, with a warning asking for a look."""
    site = copy_site("minimal", tmp_path)
    site.write("images/plan.pdf", b"%PDF-1.4\nPLANMARKER\n%%EOF\n")
    status, problems = check(site)
    assert status == 0
    assert ("warning", "file.unchecked") in codes(problems, "content/images/plan.pdf")
    assert build(site).returncode == 0
    assert (site.output / "images" / "plan.pdf").read_bytes().startswith(b"%PDF")


def test_links_out_of_content_or_to_nothing_are_errors(tmp_path):
    """A link could publish any file of the computer it is built on; a dangling one publishes nothing but
    is a mistake the clerk should hear about."""
    site = scenario("links", tmp_path)
    status, problems = check(site)
    assert status == 1
    assert ("error", "file.link") in codes(problems, "content/images/outside.txt")
    assert ("error", "file.link") in codes(problems, "content/images/gone.png")
    assert ("error", "file.link") in codes(problems, "content/images/shared")
    assert build(site).returncode == 1
    assert (site.output / "index.html").is_file()
    assert not (site.output / "images" / "outside.txt").exists()
    nowhere_in_output(site, "OUTSIDEMARKER")


def test_files_check_does_not_read_are_not_published(tmp_path):
    """What check skips (hidden and underscore names) the build skips too: nothing unchecked goes online."""
    site = scenario("hidden", tmp_path)
    status, problems = check(site)
    assert status == 0, problems
    assert build(site).returncode == 0
    nowhere_in_output(site, ID_DIGITS)
    nowhere_in_output(site, "HIDDENMARKER")
    assert not [rel for rel in output_files(site) if rel.endswith(".csv")]


def test_a_notice_saved_as_txt_gets_a_warning(tmp_path):
    """Notepad's ".md.txt" would silently drop a notice; the clerk is told, and the site still builds."""
    site = scenario("lookalike", tmp_path)
    status, problems = check(site)
    assert status == 0
    assert ("warning", "file.skipped") in codes(problems, "content/nanwan/finance/2026-q3.md.txt")
    assert build(site).returncode == 0
    nowhere_in_output(site, "记事本保存")


# -- 2. one bad file does not take the site down ----------------------------------------------------------------------

def test_one_bad_file_is_held_back_and_the_rest_is_built(tmp_path):
    """An amount no float can hold and a dangling link are problems on their files, not a crash: check
    reports them, build exits 1 and still writes the valid notice."""
    site = scenario("bad-balance", tmp_path)
    status, problems = check(site)
    assert status == 1
    assert {p["severity"] for p in problems if p["file"] == "content/nanwan/finance/2026-q4.md"} == {"error"}
    assert [p for p in problems if p["file"] == "content/nanwan/finance/2026-10.md" and p["severity"] == "error"]
    assert ("error", "file.link") in codes(problems, "content/images/gone.jpg")
    assert not [p for p in problems if p["code"] == "internal"], problems
    result = build(site)
    assert result.returncode == 1
    good = site.output / "township" / "major-matters" / "2026-11-18-ok.html"
    assert "GOODMARKER-1a" in BeautifulSoup(good.read_text(encoding="utf-8"), "html.parser").get_text()
    assert not (site.output / "nanwan" / "finance" / "2026-q4.html").exists()
    assert not (site.output / "nanwan" / "finance" / "2026-10.html").exists()
    assert (site.output / "nanwan" / "finance" / "2026-q3.html").is_file()
    nowhere_in_output(site, "余额有误")
    nowhere_in_output(site, "余额溢出")


# -- 3. check and build agree ---------------------------------------------------------------------------------------

def _shipped(name: str) -> Callable[[Path], Site]:
    return lambda tmp: copy_site(name, tmp)


AGREEMENT = {**{name: (lambda tmp, n=name: scenario(n, tmp)) for name in SCENARIOS},
             "bad-input": _shipped("bad-input"), "near-misses": _shipped("near-misses"), "minimal": _shipped("minimal")}


@pytest.mark.parametrize("name", list(AGREEMENT))
def test_check_and_build_agree(name, tmp_path):
    """They run the same pipeline: the same exit status, and every error check finds is printed by the
    build in the same ``path:line: error code:`` form."""
    site = AGREEMENT[name](tmp_path)
    result = site.check("--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    problems = json.loads(result.stdout)["problems"]
    built = build(site)
    assert built.returncode == result.returncode, built.stdout + built.stderr
    printed = built.stdout + built.stderr
    for problem in problems:
        if problem["severity"] == "error":
            assert f"{problem['file']}:{problem['line']}: error {problem['code']}:" in printed, problem


# -- 4. the output gate -------------------------------------------------------------------------------------------

def with_own_theme(site: Site) -> Path:
    theme = site.root / "theme"
    shutil.copytree(ROOT / "theme", theme)
    add_settings(site, 'THEME = "theme"')
    return theme / "templates"


@pytest.mark.parametrize("written", [ID, f"{ID[:6]}<b>{ID[6:14]}</b>{ID[14:]}",
                                     "".join(f"&#{ord(c)};" for c in ID), "{{ '" + ID[:9] + "' ~ '" + ID[9:] + "' }}"],
                         ids=["plain", "markup", "entities", "jinja-joined"])
def test_a_number_that_appears_only_after_rendering_is_caught_at_the_gate(written, tmp_path):
    """No source holds the number, so every check passes; only the built pages do, through the theme.
    The gate reads what a villager would get: the build fails with output.privacy naming the output
    files, and those files are deleted."""
    site = copy_site("minimal", tmp_path)
    templates = with_own_theme(site)
    base = templates / "base.html"
    text = base.read_text(encoding="utf-8")
    assert "</footer>" in text
    base.write_text(text.replace("</footer>", f"<p>值班员身份证 {written}</p></footer>", 1), encoding="utf-8")
    status, _ = check(site)
    assert status == 0  # the sources are clean
    result = build(site)
    assert result.returncode == 1
    printed = result.stdout + result.stderr
    # every page made from base.html leaks it, and every one of them is gone, not only the first found
    nowhere_in_output(site, ID_DIGITS)
    nowhere_in_output(site, written)
    assert not (site.output / "index.html").exists()
    assert not (site.output / "nanwan" / "finance" / "2026-q3.html").exists()
    lines = [line for line in printed.splitlines() if " error output.privacy:" in line]
    assert lines
    assert any("index.html" in line for line in lines)  # the output files are named
    assert ID_DIGITS not in printed  # only the masked number is printed


# -- 5. template errors --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("breakage", ["{% if notice %}<p>未闭合", "{{ notice.nosuch.attr }}"],
                         ids=["syntax", "runtime"])
def test_a_broken_template_is_one_message_naming_it(breakage, tmp_path):
    """A clerk who edits the theme gets the template and the line, not a Python traceback."""
    site = copy_site("minimal", tmp_path)
    templates = with_own_theme(site)
    notice_html = templates / "notice.html"
    text = notice_html.read_text(encoding="utf-8")
    assert "{% block content %}" in text
    # inside a block: what a template that extends base.html has outside its blocks is never rendered
    notice_html.write_text(text.replace("{% block content %}", "{% block content %}\n" + breakage, 1),
                           encoding="utf-8")
    result = build(site)
    assert result.returncode == 1
    printed = result.stdout + result.stderr
    where = re.findall(r"notice\.html:(\d+)", printed)
    assert len(where) == 1, printed  # one message, naming the template and a line
    if breakage.startswith("{{"):  # at runtime the line is the one that failed
        assert int(where[0]) == text.splitlines().index("{% block content %}") + 2, printed


# -- 6. settings --------------------------------------------------------------------------------------------------

def _settings_exit(site: Site) -> list[subprocess.CompletedProcess]:
    results = [site.check(), run_gongkai("build", cwd=site.root)]
    for result in results:
        assert "Traceback" not in result.stdout + result.stderr
        assert result.returncode == 2, result.stdout + result.stderr
    return results


def test_no_boards_is_a_settings_error(minimal):
    add_settings(minimal, "GONGKAI_BOARDS = []")
    for result in _settings_exit(minimal):
        assert "GONGKAI_BOARDS" in result.stderr


def test_a_settings_file_that_exits_is_a_settings_error(minimal):
    add_settings(minimal, "raise SystemExit(3)")
    for result in _settings_exit(minimal):
        assert "pelicanconf.py" in result.stderr


@pytest.mark.parametrize("slug", ["..", "a b"])
def test_a_board_slug_that_is_no_folder_name_is_a_settings_error(slug, minimal):
    """A board's slug is a folder of output/: ".." would write outside it, a space breaks every URL."""
    board = {"slug": slug, "name": "西岭村", "kind": "village", "categories": ["finance"]}
    add_settings(minimal, f"GONGKAI_BOARDS = GONGKAI_BOARDS + [{board!r}]")
    results = [minimal.check(), run_gongkai("build", cwd=minimal.root)]
    for result in results:
        assert "Traceback" not in result.stdout + result.stderr
    if any(result.returncode != 2 for result in results):
        pytest.xfail("settings validation")
    for result in results:
        assert "GONGKAI_BOARDS" in result.stderr or slug in result.stderr
    assert not (minimal.root / "index.html").exists()  # nothing was written beside output/


# -- 7. plain Pelican agrees ----------------------------------------------------------------------------------------

def _pelican(site: Site) -> subprocess.CompletedProcess:
    add_settings(site, f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nPLUGINS = ['gongkai']\n"
                       f"THEME = {str(ROOT / 'theme')!r}")
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_TODAY"}
    env["GONGKAI_TODAY"] = TODAY
    pelican = str(Path(sys.executable).with_name("pelican"))
    return subprocess.run([pelican, "content", "-s", "pelicanconf.py", "--fatal", "errors"], cwd=site.root,
                          env=env, capture_output=True, text=True, timeout=300)


def test_plain_pelican_builds_the_clean_site(minimal):
    result = _pelican(minimal)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (minimal.output / "nanwan" / "finance" / "2026-q3.html").is_file()


def test_plain_pelican_publishes_nothing_check_does_not_read(tmp_path):
    site = scenario("hidden", tmp_path)
    result = _pelican(site)
    assert result.returncode == 0, result.stdout + result.stderr
    nowhere_in_output(site, ID_DIGITS)
    nowhere_in_output(site, "HIDDENMARKER")


@pytest.mark.parametrize("name", ["id-in-names", "id-in-page", "id-in-static", "links", "bad-balance",
                                  "id-in-folders"])
def test_plain_pelican_fails_on_the_same_errors(name, tmp_path):
    """``pelican --fatal errors`` is how a CI job without gongkai's command builds: it must not publish
    a site gongkai check refuses."""
    site = scenario(name, tmp_path)
    result = _pelican(site)
    assert result.returncode != 0, result.stdout + result.stderr
    if site.output.exists():
        nowhere_in_output(site, ID_DIGITS)


def test_numbers_the_checks_let_through_pass_the_gate_too(tmp_path):
    """A mobile outside a privacy category (a page, a CSV of contacts, the settings' contacts, a
    major-matters notice) is allowed by the checks: the last gate must not refuse it, or check
    and build would disagree."""
    site = copy_site("minimal", tmp_path)
    mobile = "13912345678"
    site.write("pages/contact.md", f"---\ntitle: 联系我们\n---\n村支书 张三：{mobile}\n")
    site.write("images/contacts.csv", f"职务,电话\n村支书,{mobile[:3]} {mobile[3:7]} {mobile[7:]}\n")
    site.write("township/major-matters/2026-11-12-call.md",
               notice("关于征求意见的公告", date="2026-11-12", body=f"意见请打 {mobile}。\n"))
    add_settings(site, 'GONGKAI_CONTACTS = {"值班手机": "13712345678"}\n')
    status, problems = check(site)
    assert status == 0, problems
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "output.privacy" not in result.stderr
    assert mobile in (site.output / "pages/contact.html").read_text(encoding="utf-8")
    assert "13712345678" in (site.output / "index.html").read_text(encoding="utf-8")


# -- found by trying it as an attacker would ----------------------------------------------------------------------

def _office(path: Path, parts: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()


def test_files_that_cannot_be_read_as_files_do_not_stop_anything(tmp_path):
    """A pipe named like a notice would block every reader forever; a 200 KB line is pasted data."""
    site = copy_site("minimal", tmp_path)
    (site.root / "content/nanwan/major-matters").mkdir(parents=True, exist_ok=True)
    os.mkfifo(site.root / "content/nanwan/major-matters/pipe.md")
    site.write("township/major-matters/2026-11-13-long.md", notice("关于长行的公告", date="2026-11-13",
                                                                    body="1 " * 120_000))
    status, problems = check(site)
    assert ("error", "file.special") in codes(problems, "content/nanwan/major-matters/pipe.md")
    assert ("error", "file.too-large") in codes(problems, "content/township/major-matters/2026-11-13-long.md")
    result = build(site)
    assert result.returncode == status == 1
    assert (site.output / "index.html").is_file()


def test_dates_and_day_counts_beyond_any_calendar_are_mistakes_not_crashes(tmp_path):
    site = copy_site("minimal", tmp_path)
    site.write("township/service-guides/g.md", notice("办事指南", category="service-guides",
                                                      extra="reviewed: 9999-12-31\n"))
    status, problems = check(site)
    assert status == 1 and ("error", "field.invalid") in codes(problems, "content/township/service-guides/g.md")
    assert build(site).returncode == 1
    add_settings(site, 'GONGKAI_CATEGORIES["finance"]["grace_days"] = 10**12')
    result = site.check()
    assert result.returncode == 2 and "grace_days" in result.stderr


def test_an_output_folder_that_would_overwrite_the_site_is_refused(tmp_path):
    site = copy_site("minimal", tmp_path)
    for value in ('"/"', '"."', '"content/out"', '".."'):
        conf = site.root / "pelicanconf.py"
        conf.write_text(conf.read_text(encoding="utf-8") + f"\nOUTPUT_PATH = {value}\n", encoding="utf-8")
        result = build(site)
        assert result.returncode == 2 and "OUTPUT_PATH" in result.stderr, (value, result.stderr)
        assert (site.root / "content/nanwan").is_dir()


def test_pages_pelican_would_refuse_are_refused_by_check_too(tmp_path):
    """Two pages on one address, an HTML page in GBK, a status written in Chinese or twice."""
    site = copy_site("minimal", tmp_path)
    site.write("pages/a.md", "---\ntitle: 甲\nslug: about\n---\n甲。\n")
    site.write("pages/b.md", "---\ntitle: 乙\nslug: about\n---\n乙。\n")
    site.write("pages/g.html", "<html><head><title>说明</title></head><body>说明</body></html>".encode("gbk"))
    site.write("pages/c.html", '<html><head><title>草稿页</title><meta name="status" content="草稿"></head>'
                               "<body>DRAFTMARKER</body></html>")
    site.write("pages/d.html", '<html><head><title>两个状态</title><meta name="status" content="published">'
                               '<meta name="status" content="draft"></head><body>两个</body></html>')
    status, problems = check(site)
    assert ("error", "duplicate") in codes(problems, "content/pages/b.md")
    assert ("error", "encoding") in codes(problems, "content/pages/g.html")
    assert ("error", "field.invalid") in codes(problems, "content/pages/d.html")
    assert not codes(problems, "content/pages/c.html")
    result = build(site)
    assert result.returncode == status == 1
    assert "ERROR" not in result.stderr  # nothing left for Pelican to refuse in its own words
    assert "甲" in (site.output / "pages/about.html").read_text(encoding="utf-8")
    nowhere_in_output(site, "DRAFTMARKER")


def test_a_draft_is_never_published_whatever_the_case_of_its_key(tmp_path):
    site = copy_site("minimal", tmp_path)
    site.write("township/major-matters/2026-11-14-d.md", notice("草稿公告", date="2026-11-14",
                                                              extra="Status: draft\n", body="NOTICEDRAFT"))
    site.write("pages/d.md", "---\ntitle: 草稿页\nStatus: draft\n---\nPAGEDRAFT\n")
    site.write("images/draft.md", "---\ntitle: 草稿\nstatus: draft\n---\nIMAGEDRAFT\n")
    _, problems = check(site)
    assert ("error", "field.invalid") in codes(problems, "content/township/major-matters/2026-11-14-d.md")
    assert ("error", "field.invalid") in codes(problems, "content/pages/d.md")
    build(site)
    for marker in ("NOTICEDRAFT", "PAGEDRAFT", "IMAGEDRAFT"):
        nowhere_in_output(site, marker)


@pytest.mark.parametrize("setting", [f'SITENAME = "南湾村 {ID}"', f'GONGKAI_CONTACTS = {{"监督": "{ID}"}}',
                                     f'GONGKAI_CATEGORIES["finance"]["basis"] = "依据 {ID}"'])
def test_a_number_in_the_settings_is_a_settings_error_for_check_and_build(tmp_path, setting):
    site = copy_site("minimal", tmp_path)
    add_settings(site, setting)
    for result in (site.check(), build(site)):
        assert result.returncode == 2, result.stdout + result.stderr
        assert ID not in result.stderr and "110105********002X" in result.stderr


def test_messages_never_repeat_a_number_even_when_they_quote_a_value(tmp_path):
    site = copy_site("minimal", tmp_path)
    site.write("township/major-matters/2026-11-15-w.md", notice("公告", date="2026-11-15",
                                                              extra=f"window_days: {ID}\nx{ID}: 1\n"))
    result = site.check()
    assert result.returncode == 1
    assert ID not in result.stdout + result.stderr and "110105********002X" in result.stdout


def test_every_file_that_is_not_published_is_named(tmp_path):
    site = copy_site("minimal", tmp_path)
    for rel in ("nanwan/major-matters/n.html", "pages/p.rst", "nanwan/major-matters/公告.docx",
                "nanwan/major-matters/a.md~", "nanwan/major-matters/a.md "):
        site.write(rel, notice("公告"))
    _, problems = check(site)
    for rel in ("nanwan/major-matters/n.html", "pages/p.rst", "nanwan/major-matters/公告.docx",
                "nanwan/major-matters/a.md~", "nanwan/major-matters/a.md "):
        assert ("warning", "file.skipped") in codes(problems, f"content/{rel}"), rel


def test_office_and_utf16_files_are_read_as_their_programs_show_them(tmp_path):
    """Word splits a number into runs when part of it is bold; Excel's "Unicode text" is UTF-16."""
    site = copy_site("minimal", tmp_path)
    docx = _office(tmp_path / "x.docx", {"word/document.xml":
        '<w:document><w:body><w:p><w:r><w:t>110105</w:t></w:r><w:r><w:rPr><w:b/></w:rPr>'
        '<w:t>19491231002X</w:t></w:r></w:p></w:body></w:document>'})
    site.write("images/名单.docx", docx)
    site.write("images/u16.txt", f"姓名\t身份证号\r\n张三\t{ID}\r\n".encode("utf-16-le"))
    _, problems = check(site)
    assert ("error", "privacy.id-number") in codes(problems, "content/images/名单.docx")
    assert ("error", "privacy.id-number") in codes(problems, "content/images/u16.txt")
