"""Sign-off before posting: a category's ``review`` bodies against each notice's ``reviewed_by``.

The minimal site's 南湾村 finance notices, once finance requires the 民主理财小组: Q3
signed before posting (complete), Q2 signed after it was posted (late), Q1 not signed
(missing), and the Q4 draft not signed yet (a warning: it is not posted).
"""

from __future__ import annotations

import re

import pytest
from conftest import Site, copy_site, run_gongkai

FOLDER = "nanwan/finance"


def _sign(site: Site, name: str, entry: str) -> None:
    """Add a ``reviewed_by`` line after the ``period`` line (line 7), in the file's own line ends (CRLF and BOM too)."""
    path = site.root / "content" / FOLDER / name
    data = path.read_bytes()
    end = b"\r\n" if b"\r\n" in data else b"\n"
    at = data.index(end, data.index(b"\nperiod:") + 1) + len(end)
    path.write_bytes(data[:at] + f"reviewed_by: {entry}".encode() + end + data[at:])


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> Site:
    site = copy_site("minimal", tmp_path_factory.mktemp("signoff"))
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8")
                    + '\nGONGKAI_CATEGORIES["finance"]["review"] = ["民主理财小组"]\n', encoding="utf-8")
    _sign(site, "2026-q3.md", "[{body: 民主理财小组, name: 赵满仓, date: 2026-10-08}, "
                              "{body: 村务监督委员会, name: 孙桂兰, date: 2026-10-08}]")
    _sign(site, "2026-q2.md", "[{body: 民主理财小组, name: 赵满仓, date: 2026-07-10}]")
    run_gongkai("build", cwd=site.root)
    return site


def _problems(site: Site, code: str) -> list[dict]:
    return [p for p in site.check_json()["problems"] if p["code"] == code]


def test_missing_late_and_complete(signed: Site):
    missing = _problems(signed, "signoff.missing")
    late = _problems(signed, "signoff.late")
    assert sorted((p["file"].rsplit("/", 1)[1], p["severity"]) for p in missing) == [
        ("2026-q1.md", "error"), ("2026-q4-draft.md", "warning")]
    assert [(p["file"].rsplit("/", 1)[1], p["severity"]) for p in late] == [("2026-q2.md", "error")]
    assert "民主理财小组" in missing[0]["message"] and "reviewed_by" in missing[0]["message"]
    assert "2026-07-10" in late[0]["message"] and "2026-07-08" in late[0]["message"]
    assert late[0]["line"] == 7  # the reviewed_by line
    assert not [p for p in signed.check_json()["problems"] if "2026-q3.md" in p["file"] and p["code"].startswith("signoff")]
    assert signed.check().returncode == 1


def test_only_the_signed_notice_is_published_and_it_shows_who_signed(signed: Site):
    out = signed.output / FOLDER
    assert (out / "2026-q3.html").exists()
    assert not (out / "2026-q2.html").exists() and not (out / "2026-q1.html").exists()
    meta = signed.soup(f"{FOLDER}/2026-q3.html").select_one(".gk-notice__meta").get_text(" ", strip=True)
    assert re.search(r"民主理财小组审核\s*赵满仓（签字），\s*2026年10月8日", meta)
    assert re.search(r"村务监督委员会审核\s*孙桂兰（签字），\s*2026年10月8日", meta)


def test_the_printed_board_carries_the_sign_off(signed: Site):
    sheet = signed.soup("print/nanwan.html").select_one("#finance").get_text(" ", strip=True)
    assert "民主理财小组审核：赵满仓（签字） 2026年10月8日" in sheet


@pytest.mark.parametrize(("entry", "wrong"), [
    ("[{body: 民主理财小组, date: 2026-10-08}]", "每项都要写 body"),
    ("[{body: 民主理财小组, name: 赵满仓, date: 10月8日}]", "日期"),
    ("民主理财小组 赵满仓", "应为列表"),
    ("[{body: 民主理财小组, name: 赵满仓, date: 2026-10-08, seal: 有}]", "不认识“seal”"),
])
def test_a_sign_off_written_wrong_is_named(tmp_path, entry, wrong):
    site = copy_site("minimal", tmp_path)
    _sign(site, "2026-q3.md", entry)
    problems = [p for p in site.check_json()["problems"] if p["file"].endswith("2026-q3.md") and p["severity"] == "error"]
    assert len(problems) == 1 and problems[0]["code"] == "field.invalid" and wrong in problems[0]["message"]
    assert problems[0]["line"] == 7


def test_a_board_may_require_it_on_its_own(tmp_path):
    site = copy_site("minimal", tmp_path)
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        '"cycles": {"finance": "quarterly"}', '"cycles": {"finance": {"cycle": "quarterly", "review": ["民主理财小组"]}}'),
        encoding="utf-8")
    assert len([p for p in site.check_json()["problems"] if p["code"] == "signoff.missing"]) == 4


def test_a_bad_review_setting_stops_with_the_key(tmp_path):
    site = copy_site("minimal", tmp_path)
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nGONGKAI_CATEGORIES["finance"]["review"] = "民主理财小组"\n',
                    encoding="utf-8")
    result = site.check()
    assert result.returncode == 2 and "GONGKAI_CATEGORIES['finance']['review']" in result.stderr + result.stdout
