"""Every problem code, from files a clerk could really write, all reported in one run.

``sites/bad-input`` holds one file per mistake; ``expected.json`` lists the
(file, line, severity, code) each must produce. ``sites/near-misses`` holds
files that look wrong but are right: they must pass without a word.
"""

import json

from conftest import SITES, copy_site


def test_every_bad_file_is_reported_at_its_line_in_one_run(tmp_path):
    site = copy_site("bad-input", tmp_path)
    result = site.check("--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    got = [[p["file"], p["line"], p["severity"], p["code"]] for p in report["problems"]]
    expected = json.loads((SITES / "bad-input" / "expected.json").read_text(encoding="utf-8"))
    assert got == expected


def test_every_message_is_chinese_and_says_how_to_fix(tmp_path):
    site = copy_site("bad-input", tmp_path)
    for problem in site.check_json()["problems"]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["message"]), problem
        assert any(word in problem["message"] for word in ("请", "是否想写", "应为")), problem


def test_did_you_mean_for_board_and_category(tmp_path):
    site = copy_site("bad-input", tmp_path)
    messages = {p["file"]: p["message"] for p in site.check_json()["problems"]}
    assert "是否想写 南湾村（nanwan）？" in messages["content/board-unknown.md"]  # the name a clerk knows first
    assert "是否想写 财务公开（finance）？" in messages["content/category-unknown.md"]
    assert "全角" in messages["content/front-matter-fullwidth-colon.md"]
    assert "Tab" in messages["content/front-matter-tab.md"]
    assert "gongkai fix-encoding content/encoding-gbk.md" in messages["content/encoding-gbk.md"]
    assert "corrects: 2026-q2.md" in messages["content/nanwan/finance/2026-q2-again.md"]


def test_text_output_is_one_problem_a_line(tmp_path):
    site = copy_site("bad-input", tmp_path)
    result = site.check()
    lines = result.stdout.splitlines()
    assert "content/board-unknown.md:3: error board.unknown: 没有名为“南弯村”的公开栏。是否想写 南湾村（nanwan）？" in lines[0]
    expected = json.loads((SITES / "bad-input" / "expected.json").read_text(encoding="utf-8"))
    assert sum((":" in line and " error " in line) or " warning " in line for line in lines) >= len(expected)
    assert "个错误" in result.stdout


def test_near_misses_pass_silently(tmp_path):
    site = copy_site("near-misses", tmp_path)
    report = site.check_json()
    assert [p for p in report["problems"] if p["file"] != "pelicanconf.py"] == []  # its settings have no SITEURL
    assert report["notices"] == 13


def test_near_miss_correction_replaces_original_in_coverage(tmp_path):
    site = copy_site("near-misses", tmp_path)
    sections = {(s["board"], s["category"]): s for s in site.check_json()["sections"]}
    finance = sections[("nanwan", "finance")]
    assert finance["latest_period"] == "2026-Q3"
    assert finance["missing_periods"] == []  # 2025-Q4's withdrawn notice was replaced


def test_bad_notice_is_not_published_but_others_are(tmp_path):
    site = copy_site("bad-input", tmp_path)
    result = site.check()
    assert result.returncode == 1
    # the build refuses too, with the same messages
    from conftest import run_gongkai

    build = run_gongkai("build", cwd=site.root)
    assert build.returncode == 1
    for line in result.stdout.splitlines():
        if " error " in line:
            assert line in build.stderr
