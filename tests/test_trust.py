"""Trust: personal numbers, masking, encodings, safe HTML, tamper evidence, fuzzing."""

import json
import re

import pytest
from conftest import run_gongkai
from gongkai import privacy
from gongkai.checks import across_files, check_source
from gongkai.config import Config, load_settings_file
from gongkai.markup import Renderer
from gongkai.notices import parse_source
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# -- personal numbers ------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("11010519491231002X", privacy.ID_NUMBER),            # GB 11643's own valid example
    ("身份证号：11010519491231002x。", privacy.ID_NUMBER),  # lower-case check character
    ("110105491231002", privacy.ID_NUMBER),               # legacy 15-digit form
    ("6222021234567890128", privacy.BANK_CARD),           # UnionPay, Luhn valid
    ("卡号 6222 0212 3456 7890 128", privacy.BANK_CARD),   # grouped as printed on the card
    ("4111111111111111", privacy.BANK_CARD),
    ("电话13812345678", privacy.PHONE),
    ("138-1234-5678", privacy.PHONE),
])
def test_personal_numbers_are_found(text, code):
    assert [f.code for f in privacy.find(text)] == [code]


@pytest.mark.parametrize("text", [
    "11010519491231002Y",        # wrong check character
    "11010519491331002X",        # month 13
    "410102********1234", "138****5678", "6222 **** **** 0128",  # already masked
    "0371-63851234", "037163851234",  # office landlines
    "合同编号 20261105123456789",    # 17 digits, no valid check
    "订单 6222021234567890123",      # fails Luhn
    "12812345678", "213812345678",  # not a mobile: 12x prefix, 12 digits
    "第2026110512号",
])
def test_lookalikes_pass(text):
    assert list(privacy.find(text)) == []


def test_mask_rewrites_only_the_numbers(tmp_path):
    original = ("\ufeff---\r\ntitle: 名单\r\n---\r\n| 户主 | 号码 |\r\n|---|---|\r\n| 王 | 11010519491231002X |\r\n"
                "联系 13812345678 或 0371-63851234，卡 6222021234567890128。\r\n").encode()
    path = tmp_path / "n.md"
    path.write_bytes(original)
    result = run_gongkai("mask", str(path), cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"{path}:6: 11010519491231002X → 110105********002X",
        f"{path}:7: 13812345678 → 138****5678",
        f"{path}:7: 6222021234567890128 → 6222***********0128",
    ]
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and after.count(b"\r\n") == original.count(b"\r\n")
    assert re.sub(rb"[0-9X*]", b"", after) == re.sub(rb"[0-9X*]", b"", original)
    assert list(privacy.find(after.decode())) == []
    assert "没有发现" in run_gongkai("mask", str(path), cwd=tmp_path).stdout  # idempotent


def test_fix_encoding_converts_gbk_and_keeps_the_original(tmp_path, minimal):
    gbk = "---\ntitle: 南湾村通知\nboard: nanwan\ncategory: major-matters\ndate: 2026-11-01\n---\n正文。\n"
    path = minimal.write("nanwan/major-matters/gbk.md", gbk.encode("gbk"))
    assert "encoding" in {p["code"] for p in minimal.check_json()["problems"]}
    result = run_gongkai("fix-encoding", str(path), cwd=minimal.root)
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == gbk
    assert path.with_name("gbk.md.gbk.bak").read_bytes() == gbk.encode("gbk")
    assert [p for p in minimal.check_json()["problems"] if p["file"].endswith("gbk.md")] == []


def test_built_demo_leaks_no_personal_number(demo):
    leaks = []
    for page in demo.output.rglob("*"):
        if page.suffix in (".html", ".xml", ".json"):
            leaks += [(page.name, f.text) for f in privacy.find(page.read_text(encoding="utf-8"))
                      if f.code != privacy.PHONE or "low-income-aid" in str(page) or "subsidies" in str(page)]
    assert leaks == []


# -- safe HTML ---------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="http://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">x</p>',
    '<svg onload="alert(1)"></svg>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="http://evil.example"><input name=q></form>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
]


@pytest.mark.parametrize("payload", XSS)
def test_sanitizer_drops_active_content(payload):
    html = Renderer().render(f"段落\n\n{payload}\n\n| 项目 | 金额 |\n|---|---:|\n| 合计 | 1.00 |\n")
    lowered = html.lower()
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<style", "<object",
                "<embed", "<form", "<svg", "data:text"):
        assert bad not in lowered, (payload, html)
    assert 'class="gk-table"' in html and 'class="gk-total"' in html  # our own markup survives
    assert 'data-label="金额"' in html  # and the column names the phone layout shows


def test_pasted_word_html_keeps_its_table(minimal):
    minimal.write("township/major-matters/word.md", "---\ntitle: 粘贴的表格\nboard: township\n"
                  "category: major-matters\ndate: 2026-11-03\n---\n"
                  '<table class="MsoTable" style="mso-x:1"><tr><td onclick="x()">项目</td><td>金额</td></tr>'
                  "<tr><td>电费</td><td>10.00</td></tr></table>\n\n<script>alert(1)</script>\n")
    out = minimal.build()
    html = (out / "township/major-matters/word.html").read_text(encoding="utf-8")
    assert "<td>电费</td>" in html
    assert "alert(1)" not in html and "onclick" not in html and "mso-x" not in html


# -- tamper evidence ------------------------------------------------------------


def test_manifest_lists_every_published_notice(minimal_built):
    data = json.loads((minimal_built.output / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in data["notices"]}
    assert set(entries) == {"content/nanwan/finance/2026-q1.md", "content/nanwan/finance/2026-q2.md",
                            "content/nanwan/finance/2026-q3.md", "content/township/major-matters/2026-11-01-road.md",
                            "content/township/major-matters/2026-05-withdrawn.md"}
    q3 = entries["content/nanwan/finance/2026-q3.md"]
    assert (q3["url"], q3["date"], q3["corrections"]) == ("nanwan/finance/2026-q3.html", "2026-10-09", 1)
    assert re.fullmatch(r"[0-9a-f]{64}", q3["sha256"])


def test_line_endings_and_bom_do_not_change_the_digest():
    lf = parse_source("---\ntitle: a\n---\n正文\n".encode(), "a.md").digest
    crlf = parse_source("\ufeff---\r\ntitle: a  \r\n---\r\n正文\r\n\r\n".encode(), "a.md").digest
    changed = parse_source("---\ntitle: a\n---\n正文。\n".encode(), "a.md").digest
    assert lf == crlf != changed


def test_previous_manifest_catches_silent_changes_and_removals(minimal):
    out = minimal.build()
    previous = str(out / "manifest.json")
    assert minimal.check("--previous", previous).returncode == 0
    q1 = minimal.root / "content/nanwan/finance/2026-q1.md"
    q1.write_text(q1.read_text(encoding="utf-8").replace("第一季度。", "第一季度（改过）。"), encoding="utf-8")
    (minimal.root / "content/township/major-matters/2026-11-01-road.md").unlink()
    q3 = minimal.root / "content/nanwan/finance/2026-q3.md"
    q3.write_text(q3.read_text(encoding="utf-8").replace("| 鱼塘租赁 | 500.00 |", "| 鱼塘租赁 | 500.00 |")
                  .replace("  - {date: 2026-10-20, note: 更正支出第2行金额}",
                           "  - {date: 2026-10-20, note: 更正支出第2行金额}\n  - {date: 2026-11-22, note: 补充说明}")
                  .replace("本季度收支如下。", "本季度收支如下（补充说明）。"), encoding="utf-8")
    withdrawn = minimal.root / "content/nanwan/finance/2026-q2.md"
    withdrawn.write_bytes(withdrawn.read_bytes().replace(
        b"period: 2026-Q2\r\n", "period: 2026-Q2\r\nstatus: withdrawn\r\nwithdrawn: {date: 2026-11-21, reason: 重复公开}\r\n".encode()))
    result = minimal.check("--previous", previous, "--format", "json")
    assert result.returncode == 1
    got = {(p["file"], p["code"]) for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"}
    assert got == {("content/nanwan/finance/2026-q1.md", "record.changed"),
                   ("content/township/major-matters/2026-11-01-road.md", "record.removed")}


def test_unreadable_previous_manifest_is_a_usage_error(minimal):
    result = minimal.check("--previous", "nowhere/manifest.json")
    assert result.returncode == 2 and "无法读取" in result.stderr


def test_very_large_file_is_refused_quickly():
    source = parse_source(b"---\ntitle: x\n---\n" + b"a" * (5 * 1024 * 1024), "big.md")
    assert [p.code for p in source.problems] == ["file.too-large"]


# -- fuzzing: no input may raise -----------------------------------------------

_CONFIG = None


def config():
    global _CONFIG
    if _CONFIG is None:
        from conftest import SITES

        site = SITES / "minimal"
        _CONFIG = Config.from_settings(load_settings_file(site / "pelicanconf.py"), site)
    return _CONFIG


FIELDS = ["title", "board", "category", "date", "period", "formed", "window_days", "window_until", "reviewed",
          "balance", "corrections", "status", "corrects", "approved_by"]
values = st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(),
                   st.sampled_from(["nanwan", "南湾村", "finance", "2026-Q3", "2026年13月", "2026-02-30",
                                    "{opening: 1, income: x}", "[1, 2", "&a [1]", "*a", "- {date: 1}",
                                    "'unterminated", "\t", "：", "11010519491231002X"]))
front = st.lists(st.tuples(st.sampled_from([*FIELDS, "x", "标题", ""]), values), max_size=12)
body = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["| a | b |\n|---|---:|\n| 合计 | x |", "| 合计 |\n|---|\n", "|---|", "| a |\n|---|\n| 小计 | (1) |"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front, body, st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_fuzz_structured_notices_never_raise(fields, text, newline, bom):
    lines = ["---", *[f"{k}: {v}" for k, v in fields], "---", text]
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    if bom:
        data = b"\xef\xbb\xbf" + data
    _, problems = across_files([check_source(parse_source(data, "f.md"), config())], config())
    assert all(p.line >= 1 and p.code and p.message for p in problems)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes_never_raise(data):
    sources = [parse_source(b"---\n" + data, "f.md"), parse_source(data, "g.md")]
    across_files([check_source(source, config()) for source in sources], config())
