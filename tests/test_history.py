"""The history of every change: real git repositories, real builds, the pages a villager reads.

Each test makes a site in a temp dir, commits its notices the way a clerk
does (dated with GIT_AUTHOR_DATE / GIT_COMMITTER_DATE), builds it with the
installed ``gongkai`` and reads the HTML and JSON it wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import Site, copy_site, run_gongkai
from gongkai import history
from gongkai.config import load
from gongkai.notices import parse_source, validate
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NOTICE = """---
title: 南湾村2026年第三季度财务收支公开
board: nanwan
category: finance
date: 2026-10-08
period: 2026-Q3
prepared_by: 李秀梅
balance: {{opening: 10000.00, income: 3500.00, expense: {expense}, closing: {closing}}}
{corrections}---

**二、支出情况**

| 支出项目 | 金额（元） |
|---|---:|
| 保洁员工资 | 3,000.00 |
| 道路维修 | {road} |
| 合计 | {total} |

本期收支经村民主理财小组审核。{extra}
"""
PATH = "nanwan/finance/2026-q3.md"
URL = "nanwan/finance/2026-q3.html"


def text(road: str = "600.00", corrections: str = "", extra: str = "") -> str:
    """The notice with 道路维修 at ``road`` (totals follow, so every version passes the checks)."""
    from decimal import Decimal

    expense = Decimal("3000.00") + Decimal(road.replace(",", ""))
    closing = Decimal("10000.00") + Decimal("3500.00") - expense
    return NOTICE.format(expense=expense, closing=closing, road=road, total=f"{expense:,.2f}",
                         corrections=corrections, extra=extra)


def git(root: Path, *args: str, date: str = "2026-10-08T09:00:00+08:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "村文书",
           "GIT_AUTHOR_EMAIL": "clerk@example.org", "GIT_COMMITTER_NAME": "村文书",
           "GIT_COMMITTER_EMAIL": "clerk@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def commit(site: Site, rel: str, body: str, date: str, message: str = "更新公告") -> None:
    site.write(rel, body)
    git(site.root, "add", "-A", "content")
    git(site.root, "commit", "-q", "-m", message, date=date)


@pytest.fixture
def repo(tmp_path: Path) -> Site:
    """The minimal site as a git repository with a first commit of its notices."""
    site = copy_site("minimal", tmp_path)
    git(site.root, "init", "-q")
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", "开始", date="2026-01-05T09:00:00+08:00")
    return site


@pytest.fixture
def corrected(repo: Site) -> Site:
    """A notice published on 10-08 with 道路维修 600.00 (合计 3,600.00), corrected on 10-20 to 500.00."""
    commit(repo, PATH, text("600.00", extra="\n\n（草稿，尚未公开）"), "2026-10-07T17:00:00+08:00", "草稿")
    commit(repo, PATH, text("600.00"), "2026-10-08T09:00:00+08:00", "公开第三季度财务")
    commit(repo, PATH, text("500.00", "corrections: [{date: 2026-10-20, note: 更正道路维修金额，合计随之更正}]\n"),
           "2026-10-20T10:00:00+08:00", "更正道路维修金额")
    return repo


def test_a_corrected_notice_shows_both_versions_and_the_changed_cells(corrected: Site):
    out = corrected.build()
    page = corrected.soup(URL)
    listing = page.select_one(".gk-history")
    assert listing is not None
    words = " ".join(listing.get_text(" ").split())
    assert "共 2 版" in words
    assert "第 1 版" in words and "2026年10月8日" in words and "第 2 版" in words and "2026年10月20日" in words
    assert "更正道路维修金额，合计随之更正" in words
    # What changed, as a villager reads it: the figure before and after, the balance too.
    changes = [" ".join(li.get_text(" ").split()) for li in listing.select(".gk-history__changes li")]
    assert "二、支出情况 · 道路维修：由 600.00 元 改为 500.00 元" in changes
    assert "二、支出情况 · 合计：由 3,600.00 元 改为 3,500.00 元" in changes
    assert "本期支出：由 3,600.00 元 改为 3,500.00 元" in changes
    assert "期末余额：由 9,900.00 元 改为 10,000.00 元" in changes
    assert not any("保洁员" in c for c in changes)
    # The cells are marked in the table itself, the old figure struck through beside the new one.
    marked = page.select(".gk-notice__body td.gk-changed")
    assert [" ".join(_shown(td).split()) for td in marked] == ["600.00 500.00", "3,600.00 3,500.00"]
    assert [_shown(td.select_one("del")) for td in marked] == ["600.00", "3,600.00"]
    # The first version at its own address, as it was public from 10-08 (not the draft before it).
    link = next((a for a in listing.find_all("a") if "查看第 1 版原文" in a.get_text()), None)
    assert link is not None and link["href"].endswith("nanwan/finance/2026-q3/v1.html")
    old = corrected.soup("nanwan/finance/2026-q3/v1.html")
    old_words = " ".join(old.get_text(" ").split())
    assert "这是第 1 版，已被更正" in old_words
    old_table = [" ".join(td.get_text(" ").split()) for td in old.select(".gk-notice__body td")]
    assert old_table == ["保洁员工资", "3,000.00", "道路维修", "600.00", "合计", "3,600.00"]
    assert old.select(".gk-notice__body .gk-changed") == []  # the first version changed nothing
    assert "草稿，尚未公开" not in old_words
    assert any("查看现行版本" in a.get_text() and a["href"].endswith(URL) for a in old.find_all("a"))
    assert old.select_one("[data-pagefind-body]") is None  # search finds the current version only
    # The current version has no page of its own besides the notice; nothing else was made.
    assert sorted(p.name for p in (out / "nanwan/finance/2026-q3").iterdir()) == ["v1.html"]
    kept = json.loads((out / "history.json").read_text(encoding="utf-8"))
    assert [v["number"] for v in kept["notices"]["content/" + PATH]] == [1, 2]
    assert list(kept["notices"]) == ["content/" + PATH]  # a build keeps the corrected notices only; publish keeps all


def test_three_versions_each_against_the_one_before(corrected: Site):
    commit(corrected, PATH, text("450.00", "corrections:\n  - {date: 2026-10-20, note: 更正道路维修金额，合计随之更正}\n"
                                           "  - {date: 2026-11-02, note: 再次核对凭证}\n"), "2026-11-02T10:00:00+08:00")
    corrected.build()
    v2 = corrected.soup("nanwan/finance/2026-q3/v2.html")
    assert "这是第 2 版，已被更正" in v2.get_text()
    assert [_shown(td.select_one("del")) for td in v2.select(".gk-notice__body td.gk-changed")] == ["600.00", "3,600.00"]
    page = corrected.soup(URL)
    items = page.select(".gk-history__item")
    assert [i["id"] for i in items] == ["v3", "v2", "v1"]
    newest = " ".join(items[0].get_text(" ").split())
    assert "与第 2 版相比" in newest and "由 500.00 元 改为 450.00 元" in newest
    assert [_shown(td.select_one("del")) for td in page.select(".gk-notice__body td.gk-changed")] == ["500.00", "3,500.00"]


def test_renamed_file_keeps_its_history(corrected: Site):
    """git log follows a rename (one log for the whole folder, not --follow per file)."""
    old = corrected.root / "content" / PATH
    new = corrected.root / "content" / "nanwan/finance/2026-q3-caiwu.md"
    content = old.read_text(encoding="utf-8").replace("---\n\n", "slug: 2026-q3\n---\n\n", 1)
    old.unlink()
    commit(corrected, "nanwan/finance/2026-q3-caiwu.md", content, "2026-10-21T09:00:00+08:00")
    assert not old.exists() and new.exists()
    corrected.build()
    assert (corrected.output / "nanwan/finance/2026-q3/v1.html").is_file()


def test_a_version_with_an_id_number_is_listed_never_shown(repo: Site):
    leaked = text("600.00", extra="\n\n联系人身份证 11010519491231002X")
    commit(repo, PATH, leaked, "2026-10-08T09:00:00+08:00")
    commit(repo, PATH, text("500.00", "corrections: [{date: 2026-10-20, note: 更正金额并删去身份证号}]\n"),
           "2026-10-20T10:00:00+08:00")
    report = repo.check_json()
    hidden = [p for p in report["problems"] if p["code"] == "history.hidden"]
    assert hidden and hidden[0]["severity"] == "warning" and "11010519491231002X" not in hidden[0]["message"]
    out = repo.build()
    assert not (out / "nanwan/finance/2026-q3/v1.html").exists()
    listing = " ".join(repo.soup(URL).select_one(".gk-history").get_text(" ").split())
    assert "第 1 版" in listing and "不应公开的个人信息" in listing and "由 600.00" not in listing
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            assert "11010519491231002X" not in path.read_text(encoding="utf-8"), path
    assert repo.soup(URL).select(".gk-notice__body td.gk-changed") == []  # no old figure from a hidden version


def test_a_correction_marked_privacy_hides_the_versions_before_it(repo: Site):
    commit(repo, PATH, text("600.00", extra="\n\n经手人：张三，住南湾村3组12号"), "2026-10-08T09:00:00+08:00")
    commit(repo, PATH, text("600.00", "corrections: [{date: 2026-10-20, note: 删去个人住址, privacy: true}]\n"),
           "2026-10-20T10:00:00+08:00")
    out = repo.build()
    assert not (out / "nanwan/finance/2026-q3/v1.html").exists()
    assert "住南湾村3组12号" not in (out / "history.json").read_text(encoding="utf-8")
    listing = " ".join(repo.soup(URL).select_one(".gk-history").get_text(" ").split())
    assert "删去个人住址" in listing and "不应公开的个人信息" in listing


def test_a_version_hidden_later_leaves_the_built_site(corrected: Site):
    """A version shown yesterday and marked private today is gone from the output, not left behind."""
    out = corrected.build()
    assert (out / "nanwan/finance/2026-q3/v1.html").is_file()
    commit(corrected, PATH, text("500.00", "corrections: [{date: 2026-10-20, note: 更正道路维修金额，合计随之更正, "
                                           "privacy: true}]\n"), "2026-10-21T10:00:00+08:00")
    corrected.build()
    assert not (out / "nanwan/finance/2026-q3/v1.html").exists()
    assert "600.00" not in (out / "history.json").read_text(encoding="utf-8")
    assert corrected.soup(URL).select(".gk-notice__body td.gk-changed") == []


def test_without_git_the_versions_come_from_what_the_live_site_kept(minimal: Site, tmp_path: Path):
    """No repository: publish keeps history.json in every release and reads the live one back."""
    live = tmp_path / "www" / "gongkai"
    live.parent.mkdir()
    (minimal.root / "publishconf.py").write_text("import os, sys\nsys.path.append(os.path.dirname(os.path.abspath(__file__)))\n"
                                                 "from pelicanconf import *  # noqa\nSITEURL = 'http://127.0.0.1:8080'\n",
                                                 encoding="utf-8")
    minimal.write(PATH, text("600.00"))
    first = run_gongkai("publish", "--to", str(live), cwd=minimal.root, today="2026-10-10")
    assert first.returncode == 0, first.stdout + first.stderr
    kept = json.loads((live / "history.json").read_text(encoding="utf-8"))["notices"]
    assert "| 道路维修 | 600.00 |" in kept["content/" + PATH][0]["lines"]  # every published text, from the first publish
    assert len(kept) == len(json.loads((live / "manifest.json").read_text(encoding="utf-8"))["notices"])
    shutil.rmtree(minimal.output, ignore_errors=True)  # not the local build's copy: the live one
    minimal.write(PATH, text("500.00", "corrections: [{date: 2026-10-20, note: 更正道路维修金额}]\n"))
    second = run_gongkai("publish", "--to", str(live), cwd=minimal.root, today="2026-10-21")
    assert second.returncode == 0, second.stdout + second.stderr
    old = (live / "nanwan/finance/2026-q3/v1.html").read_text(encoding="utf-8")
    assert "3,600.00" in old
    page = (live / URL).read_text(encoding="utf-8")
    assert "gk-changed" in page and "由 <del>600.00 元</del> 改为 <ins>500.00 元</ins>" in page


def test_a_version_not_kept_anywhere_is_listed_as_such(minimal: Site):
    """No git, nothing kept (the demo's case): the first version is named, its text said to be missing."""
    minimal.write(PATH, text("500.00", "corrections: [{date: 2026-10-20, note: 更正道路维修金额}]\n"))
    minimal.build()
    listing = " ".join(minimal.soup(URL).select_one(".gk-history").get_text(" ").split())
    assert "第 1 版" in listing and "没有保存在版本记录中" in listing and "更正道路维修金额" in listing


def test_check_build_and_serve_agree_without_a_repository_or_git(minimal: Site, tmp_path: Path):
    """A folder that is no repository, and a machine without git: the current version, no failure."""
    minimal.write(PATH, text("500.00", "corrections: [{date: 2026-10-20, note: 更正}]\n"))
    _, config = load(minimal.root / "pelicanconf.py")
    notice, _ = validate(parse_source((minimal.root / "content" / PATH).read_bytes(), "content/" + PATH), config)
    assert history.git_texts(config.content_dir, {PATH}) == {}
    env_path = os.environ["PATH"]
    try:
        os.environ["PATH"] = str(tmp_path / "nowhere")
        found = history.read(config, [notice])
    finally:
        os.environ["PATH"] = env_path
    assert [v.state for v in found.histories[notice.path].versions] == [history.NOT_KEPT, history.SHOWN]
    assert found.problems == []


def test_one_git_log_for_the_whole_folder(corrected: Site, monkeypatch):
    """Three git processes for any number of corrected notices: rev-parse, log, cat-file."""
    for i in range(1, 30):
        rel = f"nanwan/finance/2025-q{i}.md".replace(f"q{i}", f"n{i:02d}")
        corrected.write(rel, text("600.00").replace("2026-Q3", f"2020-{i % 12 + 1:02d}").replace("2026-q3", f"n{i}")
                        .replace("title: 南湾村", f"title: 第{i}号南湾村"))
    git(corrected.root, "add", "-A")
    git(corrected.root, "commit", "-q", "-m", "many")
    _, config = load(corrected.root / "pelicanconf.py")
    notices = []
    for path in sorted((corrected.root / "content").rglob("*.md")):
        rel = path.relative_to(corrected.root).as_posix()
        notice, _ = validate(parse_source(path.read_bytes(), rel), config)
        if notice is not None:
            notices.append(notice)
    calls = []
    real = subprocess.run

    def counting(args, *a, **k):
        calls.append(args[:2])
        return real(args, *a, **k)

    monkeypatch.setattr(history.subprocess, "run", counting)
    found = history.read(config, notices)
    assert len(calls) == 3
    assert [v.state for v in found.histories["content/" + PATH].versions] == [history.SHOWN, history.SHOWN]


def test_changes_in_words():
    """Fields, rows added and removed, sentences: each named as a reader would."""
    config_text = text("600.00")
    before = _notice(config_text)
    after = _notice(config_text.replace("| 合计 |", "| 办公费 | 0.00 |\n| 合计 |").replace("李秀梅", "王德厚")
                    .replace("本期收支经村民主理财小组审核。", "本期收支经村民主理财小组和村务监督委员会审核。"))
    words = [c.text for c in history.changes(before, after)]
    assert words == ["经办人：由 “李秀梅” 改为 “王德厚”",
                     "二、支出情况 · 新增一行：新增 “办公费｜0.00”",
                     "正文：由 “本期收支经村民主理财小组审核。” 改为 “本期收支经村民主理财小组和村务监督委员会审核。”"]
    assert history.changes(before, before) == []


def _notice(source: str):
    _, config = load(Path(__file__).parent / "sites" / "minimal" / "pelicanconf.py")
    notice, problems = validate(parse_source(source.encode("utf-8"), "content/" + PATH), config)
    assert notice is not None, problems
    return notice


FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
FORMS = (lambda d: f"{d:,.2f}", lambda d: f"{d:.2f}", lambda d: f"{d:,.2f}".translate(FULL_WIDTH),
         lambda d: f"¥{d:,.2f}", lambda d: f"{d:.2f}元")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 999_999), st.integers(0, 999_999), st.booleans(),
                          st.integers(0, len(FORMS) - 1), st.integers(0, len(FORMS) - 1)), min_size=1, max_size=8))
def test_exactly_the_changed_figures_are_named_and_marked(rows):
    """Every form of writing an amount: a figure written another way is no change; every changed figure
    is named once and its cell marked, the old figure inside it; the 合计 row follows."""
    from decimal import Decimal

    from gongkai.markup import Renderer

    def table(values, forms):
        lines = ["**收支明细**", "", "| 项目 | 金额（元） |", "|---|---:|"]
        lines += [f"| 项目{i} | {FORMS[f](v)} |" for i, (v, f) in enumerate(zip(values, forms, strict=True))]
        lines.append(f"| 合计 | {sum(values, Decimal(0)):,.2f} |")
        return "\n".join(lines)

    before_values = [Decimal(a) / 100 for a, _, _, _, _ in rows]
    after_values = [Decimal(b) / 100 if changed else Decimal(a) / 100 for a, b, changed, _, _ in rows]
    base = text("600.00").split("**二、支出情况**")[0]
    before = _notice(base + table(before_values, [f for *_, f, _ in rows]))
    after = _notice(base + table(after_values, [g for *_, g in rows]))
    found = [c for c in history.changes(before, after)]
    expected = {f"项目{i}" for i, (old, new) in enumerate(zip(before_values, after_values, strict=True)) if old != new}
    if sum(before_values) != sum(after_values):
        expected.add("合计")
    assert {c.where.split(" · ")[1] for c in found} == expected
    assert all(c.cell is not None and c.before and c.after for c in found)
    body = history.mark_cells(Renderer().render(after.body), found)
    soup = BeautifulSoup(body, "html.parser")
    marked = {td.find_previous_sibling("td").get_text() for td in soup.select("td.gk-changed")}
    assert marked == expected
    assert [_shown(td.select_one("del")) for td in soup.select("td.gk-changed")] == [
        c.before.removesuffix(" 元") for c in found]


def _shown(element) -> str:
    """The text a sighted reader sees: without the words only screen readers get."""
    return " ".join(t for t in element.find_all(string=True) if not t.find_parent(class_="gk-visually-hidden"))
