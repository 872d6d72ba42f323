"""``gongkai check`` through the real command: output, JSON contract, exit codes."""

import json

from conftest import run_gongkai

NOTICE = "---\ntitle: 南湾村第四季度\nboard: nanwan\ncategory: finance\ndate: 2026-11-01\nperiod: 2026-Q4\n---\n"


def test_clean_site_exits_0(minimal):
    result = minimal.check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 个错误" in result.stdout


def test_json_follows_the_contract(minimal):
    report = minimal.check_json()
    # The contract's keys, and what a county reads besides (site, boards, each section's name and url).
    assert set(report) == {"today", "notices", "sections", "problems", "site", "boards"}
    assert report["today"] == "2026-11-22"
    assert report["notices"] == 7
    assert report["site"]["built_at"] is None  # check builds nothing
    keys = {"board", "category", "cycle", "status", "latest_period", "latest_date", "next_deadline",
            "days_overdue", "missing_periods", "name", "url"}
    assert all(set(s) == keys for s in report["sections"])
    report["sections"] = [{k: v for k, v in s.items() if k not in ("name", "url")} for s in report["sections"]]
    assert [(s["board"], s["category"]) for s in report["sections"]] == [
        ("township", "finance"), ("township", "major-matters"), ("township", "service-guides"),
        ("nanwan", "finance"), ("nanwan", "subsidies"), ("nanwan", "low-income-aid"), ("nanwan", "major-matters")]
    finance = report["sections"][3]
    assert finance == {"board": "nanwan", "category": "finance", "cycle": "quarterly", "status": "current",
                       "latest_period": "2026-Q3", "latest_date": "2026-10-09", "next_deadline": "2027-01-10",
                       "days_overdue": 0, "missing_periods": []}


def test_error_exits_1_and_file_is_relative_to_settings(minimal):
    minimal.write("nanwan/finance/bad.md", NOTICE.replace("nanwan\n", "nanwn\n", 1))
    result = minimal.check("--format", "json")
    assert result.returncode == 1
    problem = json.loads(result.stdout)["problems"][0]
    assert (problem["file"], problem["line"], problem["code"]) == ("content/nanwan/finance/bad.md", 3,
                                                                   "board.unknown")


def test_settings_from_another_directory(minimal):
    result = run_gongkai("check", "-s", str(minimal.root / "pelicanconf.py"), "--format", "json",
                         cwd=minimal.root.parent)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["notices"] == 7


def test_warnings_alone_exit_0(minimal):
    minimal.write("township/major-matters/late.md", "---\ntitle: 迟发\nboard: township\ncategory: major-matters\n"
                  "date: 2026-10-21\nformed: 2026-09-01\n---\n")
    result = minimal.check()
    assert result.returncode == 0
    assert "warning late" in result.stdout


def test_strict_fails_on_overdue(minimal):
    assert minimal.check("--strict").returncode == 1  # township finance is overdue in the fixture
    assert minimal.check("--strict", today="2026-01-05").returncode == 0


def test_today_option_moves_the_calendar(minimal):
    report = minimal.check_json("--today", "2026-01-05")
    assert report["today"] == "2026-01-05"
    assert {s["status"] for s in report["sections"]} == {"current"}


def test_path_argument(minimal):
    other = minimal.root / "elsewhere"
    other.mkdir()
    (other / "n.md").write_text(NOTICE, encoding="utf-8")
    report = minimal.check_json("elsewhere")
    assert report["notices"] == 1


def test_text_lists_overdue_before_due(minimal):
    for quarter, published in (("Q1", "04-05"), ("Q2", "07-05"), ("Q3", "10-05")):
        minimal.write(f"township/finance/2026-{quarter}.md", f"---\ntitle: 财务{quarter}\nboard: township\n"
                      f"category: finance\ndate: 2026-{published}\nperiod: 2026-{quarter}\n---\n")
    rows = [line.split()[0:2] for line in minimal.check(today="2026-11-05").stdout.splitlines()
            if line.startswith("  ")]
    assert rows[-1] == ["待公开", "东大地乡人民政府·财务公开"]
    assert {status for status, _ in rows[:-1]} == {"逾期"}
    assert ["逾期", "南湾村·惠农补贴"] in rows


def test_usage_errors_exit_2(minimal):
    assert minimal.check("--format", "xml").returncode == 2
    bad_today = minimal.check("--today", "2026-13-01")
    assert bad_today.returncode == 2 and "不存在" in bad_today.stderr
    missing = minimal.check("nowhere")
    assert missing.returncode == 2 and "找不到公告目录" in missing.stderr
    assert run_gongkai("nonsense", cwd=minimal.root).returncode == 2


def test_new_writes_a_skeleton_that_checks_with_warnings_only(minimal):
    result = run_gongkai("new", "财务公开", "--board", "nanwan", cwd=minimal.root)
    assert result.returncode == 0, result.stderr
    path = result.stdout.splitlines()[0]
    assert path == "content/nanwan/finance/2026-q4.md"  # the oldest period not yet published
    text = (minimal.root / path).read_text(encoding="utf-8")
    assert "board: nanwan\ncategory: finance\ndate: 2026-11-22\nperiod: 2026-Q4\n" in text
    assert "opening: 13399.50" in text  # the previous quarter's closing
    report = minimal.check_json()
    mine = [p for p in report["problems"] if p["file"] == path]
    assert mine and {p["severity"] for p in mine} == {"warning"}
    assert {p["code"] for p in mine} == {"placeholder", "period.unended"}  # Q1–Q3 are out: the running quarter


def test_new_for_each_category_checks_clean_of_errors(minimal):
    for category, board in (("subsidies", "nanwan"), ("low-income-aid", "南湾村"), ("major-matters", "township"),
                            ("service-guides", "township"), ("finance", "township")):
        result = run_gongkai("new", category, "--board", board, cwd=minimal.root)
        assert result.returncode == 0, result.stderr
    report = minimal.check_json()
    assert [p for p in report["problems"] if p["severity"] == "error"] == []


def test_new_refuses_to_overwrite_and_suggests_boards(minimal):
    first = run_gongkai("new", "finance", "--board", "nanwan", "--period", "2026-Q3", cwd=minimal.root)
    assert first.returncode == 1 and "已经存在" in first.stderr  # 2026-q3.md is in the fixture
    unknown = run_gongkai("new", "finance", "--board", "nanwn", cwd=minimal.root)
    assert unknown.returncode == 2 and "是否想写 南湾村（nanwan）？" in unknown.stderr
    wrong = run_gongkai("new", "subsidies", "--board", "township", cwd=minimal.root)
    assert wrong.returncode == 2 and "没有“惠农补贴”栏目" in wrong.stderr


def test_township_archetype_overrides_the_default(minimal):
    (minimal.root / "archetypes").mkdir()
    (minimal.root / "archetypes" / "major-matters.md").write_text(
        "---\ntitle: ${title}\nboard: ${board}\ncategory: ${category}\ndate: ${date}\n---\n本乡自定模板。\n",
        encoding="utf-8")
    result = run_gongkai("new", "major-matters", "--board", "township", "--title", "修路: 第二期", cwd=minimal.root)
    assert result.returncode == 0, result.stderr
    text = (minimal.root / result.stdout.splitlines()[0]).read_text(encoding="utf-8")
    assert "本乡自定模板" in text and 'title: "修路: 第二期"' in text
