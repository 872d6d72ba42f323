"""Front matter read as written, withdrawals, and the record check against a published manifest.

Every mistake is a problem at the line of the offending key, never a traceback.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SITES, run_gongkai
from gongkai.config import Config, SettingsError, load_settings_file
from gongkai.model import window
from gongkai.notices import FieldError, Withdrawal, amount, parse_source, validate

HEAD = "---\ntitle: 南湾村2026年第四季度财务收支公开\nboard: nanwan\ncategory: finance\ndate: 2026-11-05\nperiod: 2026-Q4\n"
EVENT = "---\ntitle: 关于村道维修的公示\nboard: nanwan\ncategory: major-matters\ndate: 2026-11-05\n"


@pytest.fixture(scope="module")
def config():
    site = SITES / "minimal"
    return Config.from_settings(load_settings_file(site / "pelicanconf.py"), site, today="2026-11-22")


def problems_of(text: str, config) -> list[tuple[int, str]]:
    _, problems = validate(parse_source(text.encode("utf-8"), "n.md"), config)
    return [(p.line, p.code) for p in problems]


def notice_of(text: str, config):
    notice, problems = validate(parse_source(text.encode("utf-8"), "n.md"), config)
    assert notice is not None, problems
    return notice


# -- 1. a key written twice ---------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "name"), [
    (HEAD + "title: 另一个标题\n---\n", 7, "title"),
    (HEAD + "balance:\n  opening: 1.00\n  income: 1.00\n  opening: 2.00\n  expense: 0\n  closing: 2.00\n---\n",
     10, "opening"),
    (HEAD + "balance: {opening: 1, income: 0, expense: 0, closing: 1, opening: 2}\n---\n", 7, "opening"),
    (HEAD + "corrections:\n  - {date: 2026-11-08, note: 甲, note: 乙}\n---\n", 8, "note"),
])
def test_duplicate_key_is_reported_on_its_second_line(text, line, name, config):
    source = parse_source(text.encode(), "n.md")
    assert [(p.line, p.code) for p in source.problems] == [(line, "front-matter")]
    message = source.problems[0].message
    assert f"字段 {name} 写了两次" in message and "请" in message


# -- 2. values stay the text the clerk wrote ------------------------------------------


@pytest.mark.parametrize(("key", "written"), [
    ("title", "yes"), ("title", "0012"), ("title", "1e3"), ("title", "No"), ("title", "0x1F"),
    ("title", "1_000"), ("title", "12:30"), ("approved_by", "no"), ("approved_by", "on"),
    ("prepared_by", "2026-11-05"), ("summary", "3.10"), ("summary", ".inf"),
])
def test_values_keep_their_text(key, written, config):
    text = EVENT.replace("title: 关于村道维修的公示\n", "") + f"{key}: {written}\n---\n"
    if key != "title":
        text = text.replace("---\n", "---\ntitle: 公示\n", 1)
    assert getattr(notice_of(text, config), key) == written


def test_numbers_dates_and_lists_are_still_read(config):
    notice = notice_of(HEAD + "window_days: 7\n"
                       "balance: {opening: 12000.00, income: 3500, expense: 2100.50, closing: 13399.50}\n"
                       "corrections: [{date: 2026-11-08, note: 更正第3行}]\nslug: 2026\n---\n", config)
    assert notice.window_days == 7
    assert notice.balance.closing == Decimal("13399.50") and notice.balance.income == Decimal("3500")
    assert notice.corrections[0].date == dt.date(2026, 11, 8)
    assert notice.slug == "2026"
    assert notice_of(EVENT + "window_days: '7'\n---\n", config).window_days == 7
    assert notice_of(EVENT + "window_days: ７天\n---\n", config).window_days == 7


def test_empty_and_null_values_are_missing(config):
    assert notice_of(EVENT + "summary: ~\napproved_by: null\nprepared_by:\n---\n", config).summary is None
    assert problems_of(EVENT.replace("title: 关于村道维修的公示", "title: null") + "---\n", config) == [
        (1, "field.missing")]


def test_a_numeric_board_is_an_unknown_board_not_a_crash(config):
    assert problems_of(EVENT.replace("board: nanwan", "board: 123") + "---\n", config) == [(3, "board.unknown")]


# -- 3. absurd numbers ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e309", "-1e309", "NaN", ".nan", "inf", "-.inf", "9" * 5000, "1e999999999",
                                   "1234567890123456.00", "1.23456", "12.3.4", "(12", "--5", "0x10", "true", "¥"])
def test_absurd_amount_is_invalid_on_its_own_line(value, config):
    text = HEAD + f"balance:\n  opening: 100.00\n  income: {value}\n  expense: 0\n  closing: 100.00\n---\n"
    assert problems_of(text, config) == [(9, "field.invalid")]
    flow = HEAD + f"prepared_by: 王会计\nbalance: {{opening: 100.00, income: {value}, expense: 0, closing: 100.00}}\n---\n"
    assert problems_of(flow, config) == [(8, "field.invalid")]


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "3661", "1e3", "7.5", "七", "[7]"])
def test_absurd_days_are_invalid(value, config):
    assert problems_of(EVENT + f"window_days: {value}\n---\n", config) == [(6, "field.invalid")]


@pytest.mark.parametrize(("written", "value"), [
    ("12345.60", "12345.60"), ("12,345.60元", "12345.60"), ("¥1234", "1234"), ("￥1,234.00", "1234.00"),
    ("−12.5", "-12.5"), ("-12.5", "-12.5"), ("１２，３４５．００", "12345.00"), ("－１２．５", "-12.5"),
    ("(12.00)", "-12.00"), ("（12.00）", "-12.00"), ("¥-3.10", "-3.10"), ("-¥3.10", "-3.10"), ("0.0001", "0.0001"),
    ("999999999999999.99", "999999999999999.99"), (" 7 元 ", "7"), (12.5, "12.5"), (7, "7"),
])
def test_amount_reads_every_form_clerks_write(written, value):
    assert amount(written) == Decimal(value)


@pytest.mark.parametrize("written", ["1e3", "NaN", "Infinity", "", "元", "1,2,", "12.", ".5", "(-)", True, None, [1]])
def test_amount_refuses_what_is_not_money(written):
    with pytest.raises(FieldError):
        amount(written)


def test_no_value_escapes_as_an_exception(config):
    text = HEAD + ("window_until: [2026-11-05]\nformed: {a: 1}\nreviewed: [1]\nstatus: [draft]\n"
                   "corrections: 2026-11-08\nbalance: [1, 2]\n---\n")
    codes = problems_of(text, config)
    assert {code for _, code in codes} == {"field.invalid"}
    assert sorted(line for line, _ in codes) == [7, 8, 9, 10, 11, 12]


# -- 4. withdrawal ---------------------------------------------------------------------


def test_withdrawal_is_read(config):
    notice = notice_of(EVENT + "status: withdrawn\nwithdrawn: {date: 2026-11-20, reason: 名单有误，已重新公示}\n---\n",
                       config)
    assert notice.withdrawal == Withdrawal(dt.date(2026, 11, 20), "名单有误，已重新公示")
    assert notice.status == "withdrawn"


@pytest.mark.parametrize(("lines", "expected"), [
    ("status: withdrawn\n", [(6, "field.missing")]),
    ("status: withdrawn\nwithdrawn: 名单有误\n", [(7, "field.invalid")]),
    ("status: withdrawn\nwithdrawn: {reason: 名单有误}\n", [(7, "field.invalid")]),
    ("status: withdrawn\nwithdrawn:\n  date: 2026-11-20\n", [(7, "field.invalid")]),
    ("status: withdrawn\nwithdrawn:\n  date: 2026-11-01\n  reason: 名单有误\n", [(8, "field.invalid")]),
    ("status: withdrawn\nwithdrawn:\n  date: 2026-11-23\n  reason: 名单有误\n", [(8, "field.invalid")]),
    ("status: withdrawn\nwithdrawn:\n  date: 2026-02-30\n  reason: 名单有误\n", [(8, "field.invalid")]),
    ("status: withdrawn\nwithdrawn:\n  date: 2026-11-20\n  resaon: 名单有误\n", [(9, "field.invalid")]),
    ("withdrawn: {date: 2026-11-20, reason: 名单有误}\n", [(6, "field.invalid")]),
])
def test_withdrawal_must_say_when_and_why(lines, expected, config):
    assert problems_of(EVENT + lines + "---\n", config) == expected


def test_withdrawal_ends_the_window(config):
    category = config.section("nanwan", "low-income-aid")  # 7 days
    base = ("---\ntitle: 低保名单公示\nboard: nanwan\ncategory: low-income-aid\ndate: 2026-11-16\nperiod: 2026-Q4\n")
    open_ = window(notice_of(base + "---\n", config), category, dt.date(2026, 11, 20))
    assert (open_.open, open_.end) == (True, dt.date(2026, 11, 22))
    withdrawn = notice_of(base + "status: withdrawn\nwithdrawn: {date: 2026-11-18, reason: 名单有误}\n---\n", config)
    for today in (dt.date(2026, 11, 18), dt.date(2026, 11, 20)):
        w = window(withdrawn, category, today)
        assert not w.open and w.end == dt.date(2026, 11, 17) and "撤回" in w.label
    assert window(withdrawn, category, dt.date(2026, 11, 17)).open
    same_day = notice_of(base + "status: withdrawn\nwithdrawn: {date: 2026-11-16, reason: 名单有误}\n---\n", config)
    assert not window(same_day, category, dt.date(2026, 11, 16)).open


def test_withdrawn_page_shows_date_and_reason(minimal):
    minimal.write("nanwan/major-matters/road.md", EVENT + "status: withdrawn\n"
                  "withdrawn: {date: 2026-11-20, reason: 名单有误，已重新公示}\n---\n正文。\n")
    out = minimal.build()
    soup = minimal.soup("nanwan/major-matters/road.html")
    banner = soup.select_one(".gk-banner--withdrawn").get_text(" ", strip=True)
    assert "本公告已撤回" in banner and "撤回日期" in banner and "2026年11月20日" in banner
    assert "撤回原因" in banner and "名单有误，已重新公示" in banner
    assert (out / "nanwan/major-matters/road.html").exists()


# -- 6. corrections in time -----------------------------------------------------------


@pytest.mark.parametrize(("lines", "line"), [
    ("corrections:\n  - {date: 2026-11-08, note: 甲}\n  - {date: 2026-11-01, note: 乙}\n", 9),
    ("corrections:\n  - date: 2026-11-30\n    note: 乙\n", 8),
    ("corrections: {date: 2026-10-30, note: 乙}\n", 7),
    ("corrections:\n  - {date: 2026-11-08}\n", 8),
])
def test_correction_before_the_notice_or_in_the_future_is_invalid(lines, line, config):
    assert problems_of(HEAD + lines + "---\n", config) == [(line, "field.invalid")]


def test_a_future_notice_may_carry_its_dates(config):
    future = HEAD.replace("date: 2026-11-05", "date: 2026-12-01")
    assert problems_of(future + "corrections: [{date: 2026-12-03, note: 甲}]\n---\n", config) == []


# -- 5, 6, 7. the record check against a published manifest --------------------------

ROAD = "content/township/major-matters/2026-11-01-road.md"
Q3 = "content/nanwan/finance/2026-q3.md"


def published(site) -> Path:
    return site.build() / "manifest.json"


def edit(site, rel: str, old: str, new: str) -> None:
    path = site.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def record_problems(site, manifest: Path) -> list[tuple[str, int, str]]:
    result = site.check("--previous", str(manifest), "--format", "json")
    assert "Traceback" not in result.stderr
    return [(p["file"], p["line"], p["code"]) for p in json.loads(result.stdout)["problems"]
            if p["code"].startswith("record.")]


def test_manifest_keeps_content_digest_and_correction_dates(minimal):
    data = json.loads(published(minimal).read_text(encoding="utf-8"))
    q3 = next(e for e in data["notices"] if e["path"] == Q3)
    assert q3["corrected"] == ["2026-10-20"] and q3["corrections"] == 1
    assert q3["content_sha256"] == q3["sha256"]  # it has no status line
    withdrawn = next(e for e in data["notices"] if e["status"] == "withdrawn")
    assert len(withdrawn["content_sha256"]) == 64 and withdrawn["content_sha256"] != withdrawn["sha256"]


def test_withdrawing_changes_only_status_lines(minimal):
    manifest = published(minimal)
    edit(minimal, ROAD, "window_days: 7\n", "window_days: 7\nstatus: withdrawn\nwithdrawn:\n"
         "  date: 2026-11-20\n  reason: 招标程序有误\n")
    assert record_problems(minimal, manifest) == []


def test_withdrawing_and_changing_figures_is_a_change(minimal):
    manifest = published(minimal)
    edit(minimal, Q3, "approved_by: 李组长\n", "approved_by: 李组长\nstatus: withdrawn\n"
         "withdrawn: {date: 2026-11-21, reason: 数字有误}\n")
    edit(minimal, Q3, "income: 3500.00, expense: 2100.50", "income: 3400.00, expense: 2000.50")
    problems = record_problems(minimal, manifest)
    assert [(f, c) for f, _, c in problems] == [(Q3, "record.changed")]


def test_changing_a_withdrawn_notice_is_a_change(minimal):
    manifest = published(minimal)
    edit(minimal, "content/township/major-matters/2026-05-withdrawn.md", "本公告因方案调整已撤回。", "本公告已撤回。")
    assert [c for _, _, c in record_problems(minimal, manifest)] == ["record.changed"]


def test_backdated_new_correction_is_a_change(minimal):
    manifest = published(minimal)  # built on 2026-11-22
    edit(minimal, Q3, "  - {date: 2026-10-20, note: 更正支出第2行金额}\n",
         "  - {date: 2026-10-20, note: 更正支出第2行金额}\n  - {date: 2026-10-25, note: 更正收入}\n")
    edit(minimal, Q3, "| 鱼塘租赁 | 500.00 |", "| 鱼塘租赁 | 500.00 |\n| 其他 | 0.00 |")
    result = minimal.check("--previous", str(manifest), "--format", "json")
    problem = next(p for p in json.loads(result.stdout)["problems"] if p["code"] == "record.changed")
    assert (problem["file"], problem["line"]) == (Q3, 10)
    assert "2026-10-25" in problem["message"] and "2026-11-22" in problem["message"]
    edit(minimal, Q3, "{date: 2026-10-25, note: 更正收入}", "{date: 2026-11-22, note: 更正收入}")
    assert record_problems(minimal, manifest) == []


def test_old_manifest_without_the_new_fields_still_works(minimal):
    manifest = published(minimal)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in data["notices"]:
        del entry["content_sha256"], entry["corrected"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    edit(minimal, ROAD, "window_days: 7\n", "window_days: 7\nstatus: withdrawn\n"
         "withdrawn: {date: 2026-11-20, reason: 招标程序有误}\n")
    edit(minimal, Q3, "本季度收支如下。", "本季度收支如下（改过）。")
    assert [(f, c) for f, _, c in record_problems(minimal, manifest)] == [(Q3, "record.changed")]
    edit(minimal, Q3, "  - {date: 2026-10-20, note: 更正支出第2行金额}\n",
         "  - {date: 2026-10-20, note: 更正支出第2行金额}\n  - {date: 2026-11-01, note: 改收入}\n")
    assert [(f, c) for f, _, c in record_problems(minimal, manifest)] == [(Q3, "record.changed")]  # backdated


def test_reused_address_reports_the_removed_notice(minimal):
    manifest = published(minimal)
    road = minimal.root / ROAD
    text = road.read_text(encoding="utf-8")
    road.unlink()
    minimal.write("township/major-matters/other.md", text.replace("window_days: 7\n", "slug: 2026-11-01-road\n")
                  .replace("道路硬化工程", "农田水利工程"))
    problems = record_problems(minimal, manifest)
    assert problems == [(ROAD, 1, "record.removed")]
    message = json.loads(minimal.check("--previous", str(manifest), "--format", "json").stdout)["problems"][0]["message"]
    assert "content/township/major-matters/other.md" in message and "请恢复" in message


# -- 8. settings ------------------------------------------------------------------------

BASE = {
    "GONGKAI_CATEGORIES": {"finance": {"name": "财务公开", "cycle": "monthly", "grace_days": 10}},
    "GONGKAI_BOARDS": [{"slug": "nanwan", "name": "南湾村", "kind": "village", "categories": ["finance"]}],
}


@pytest.mark.parametrize("slug", ["..", "a b", "Nanwan", "南湾", "nan/wan", "-nanwan", "nan--wan", "", " nanwan"])
def test_board_and_category_slugs_are_lowercase_ascii(slug, tmp_path):
    boards = [{"slug": slug, "name": "南湾村", "categories": ["finance"]}]
    with pytest.raises(SettingsError) as caught:
        Config.from_settings({**BASE, "GONGKAI_BOARDS": boards}, tmp_path)
    assert caught.value.key == "GONGKAI_BOARDS[0]['slug']" and "小写英文字母" in caught.value.message
    categories = {slug: {"name": "财务公开", "cycle": "monthly"}}
    with pytest.raises(SettingsError) as caught:
        Config.from_settings({**BASE, "GONGKAI_CATEGORIES": categories, "GONGKAI_BOARDS": [
            {"slug": "nanwan", "name": "南湾村", "categories": [slug]}]}, tmp_path)
    assert caught.value.key == f"GONGKAI_CATEGORIES[{slug!r}]" and "小写英文字母" in caught.value.message


def test_uppercase_slug_suggests_the_fix(tmp_path):
    with pytest.raises(SettingsError) as caught:
        Config.from_settings({**BASE, "GONGKAI_BOARDS": [{"slug": "Nanwan", "name": "南湾村"}]}, tmp_path)
    assert "是否想写 'nanwan'" in caught.value.message


@pytest.mark.parametrize("boards", [[], (), None])
def test_a_site_needs_a_board(boards, tmp_path):
    settings = {**BASE, "GONGKAI_BOARDS": boards}
    if boards is None:
        del settings["GONGKAI_BOARDS"]
    with pytest.raises(SettingsError) as caught:
        Config.from_settings(settings, tmp_path)
    assert caught.value.key == "GONGKAI_BOARDS" and "至少要有一个公开栏" in caught.value.message


@pytest.mark.parametrize("line", ["raise SystemExit", "import sys\nsys.exit(3)", "exit(0)",
                                  "raise KeyboardInterrupt", "raise GeneratorExit"])
def test_settings_file_that_exits_is_a_settings_error(line, minimal):
    conf = minimal.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    result = run_gongkai("check", cwd=minimal.root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "pelicanconf.py" in result.stderr and "设置" in result.stderr
    assert "Traceback" not in result.stderr
