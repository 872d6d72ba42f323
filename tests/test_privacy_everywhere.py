"""Property: a personal number, however it is written and wherever it is put, never reaches output/.

Hypothesis draws valid personal numbers (18-digit IDs with a real province code and the GB 11643 check
character, Luhn-valid UnionPay cards, mobiles), writes each in a form a clerk's copy-and-paste produces
(full-width digits, grouped with spaces, dashes or U+3000, HTML character references, markup or a
zero-width space inside, +86 before a mobile) and puts it in a place the site publishes (a notice's title,
body or 低保 table, a page, a file name, a CSV under content/images).

The policy: ``gongkai check`` reports the file with a ``privacy.`` error (a mobile is only a problem in a
privacy category, so mobiles go only there), the file is held back, and ``gongkai build`` (exit status 1,
the rest of the site is written) leaves no trace of the number in any output file: not its digits as they
are, nor after reading the file the way a villager's browser does (character references resolved,
full-width digits folded by NFKC, everything between the digits dropped), and not in the search index.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import html
import json
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SITES, Site, run_gongkai
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
PROVINCES = ("11", "31", "44", "51")


# -- numbers ---------------------------------------------------------------------------------------------------

@st.composite
def id_numbers(draw) -> str:
    area = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"\A[0-9]{4}\Z"))
    born = draw(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2005, 12, 31)))
    serial = draw(st.from_regex(r"\A[0-9]{3}\Z"))
    body = area + born.strftime("%Y%m%d") + serial
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def luhn_digit(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):  # the check digit will stand right of these
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str(-total % 10)


@st.composite
def bank_cards(draw) -> str:
    length = draw(st.sampled_from((16, 19)))
    partial = "62" + draw(st.from_regex(rf"\A[0-9]{{{length - 3}}}\Z"))
    return partial + luhn_digit(partial)


mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z")


@dataclass(frozen=True)
class Number:
    kind: str    # id | card | mobile
    digits: str  # 0-9 and a final X

    @property
    def groups(self) -> list[str]:
        """How people group it on paper: IDs 6-8-4, cards in fours, mobiles 3-4-4."""
        sizes = {"id": (6, 8, 4), "mobile": (3, 4, 4)}.get(self.kind) or (4,) * (len(self.digits) // 4) + (
            (len(self.digits) % 4,) if len(self.digits) % 4 else ())
        out, at = [], 0
        for size in sizes:
            out.append(self.digits[at:at + size])
            at += size
        return out


numbers = st.one_of(id_numbers().map(lambda d: Number("id", d)), bank_cards().map(lambda d: Number("card", d)),
                    mobiles.map(lambda d: Number("mobile", d)))


# -- forms --------------------------------------------------------------------------------------------------------

def fullwidth(text: str) -> str:
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else "Ｘ" if c == "X" else c for c in text)


FORMS = {
    "plain": lambda n: n.digits,
    "fullwidth": lambda n: fullwidth(n.digits),
    "spaces": lambda n: " ".join(n.groups),
    "dashes": lambda n: "-".join(n.groups),
    "ideographic-space": lambda n: "\u3000".join(n.groups),
    "fullwidth-grouped": lambda n: fullwidth(" ".join(n.groups)),
    "entities": lambda n: "".join(f"&#{ord(c)};" for c in n.digits),
    "hex-entities": lambda n: "".join(f"&#x{ord(c):x};" if i % 2 else c for i, c in enumerate(n.digits)),
    "span": lambda n: n.groups[0] + "<span>" + n.groups[1] + "</span>" + "".join(n.groups[2:]),
    "bold": lambda n: n.groups[0] + "**" + n.groups[1] + "**" + "".join(n.groups[2:]),
    "zero-width": lambda n: "\u200b".join(n.groups),
    "plus86": lambda n: "+86 " + n.digits,
}
MOBILE_ONLY = {"plus86"}


# -- places ----------------------------------------------------------------------------------------------------------
# Each writes one file holding the number and returns its path relative to content/. ``i`` keeps the files of
# one example apart (names, periods). Mobiles go only into a 低保 notice, where they are a problem.

QUARTERS = (("2026-Q1", "2026-04-08"), ("2026-Q2", "2026-07-08"), ("2026-Q3", "2026-10-09"))


def front(title: str, board: str, category: str, date: str, period: str | None = None) -> str:
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", f"board: {board}",
             f"category: {category}", f"date: {date}"]
    if period:
        lines.append(f"period: {period}")
    return "\n".join([*lines, "---", ""])


def notice_file(site: Site, i: int, private: bool, title: str, body: str, stem: str = "") -> str:
    if private:
        period, date = QUARTERS[i]
        rel = f"nanwan/low-income-aid/{period.lower()}{stem}.md"
        site.write(rel, front(title, "nanwan", "low-income-aid", date, period) + body)
    else:
        rel = f"township/major-matters/2026-11-1{i}-n{stem}.md"
        site.write(rel, front(title, "township", "major-matters", f"2026-11-1{i}") + body)
    return rel


def in_title(site, i, number, written):
    return notice_file(site, i, number.kind == "mobile", f"关于{written}的公示", "公示期七天。\n")


def in_body(site, i, number, written):
    return notice_file(site, i, number.kind == "mobile", "关于低保名单的公示",
                       f"如有异议请与经办人联系，号码 {written}。\n")


def in_table(site, i, number, written):
    table = ("本季度低保对象如下。\n\n| 户主 | 人数 | 月保障金（元） | 备注 |\n|---|---:|---:|---|\n"
             f"| 张某 | 3 | 1,200 | {written} |\n| 李某 | 2 | 800 | 无 |\n")
    return notice_file(site, i, True, "低保对象名单公示", table)


def in_page(site, i, number, written):
    rel = f"pages/about-{i}.md"
    site.write(rel, f"---\ntitle: 关于本站{i}\n---\n本站由乡党政办维护，联系 {written}。\n")
    return rel


def in_file_name(site, i, number, written):
    return notice_file(site, i, number.kind == "mobile", "文件名里的号码", "正文。\n", stem="-" + number.digits)


def in_csv(site, i, number, written):
    rel = f"images/list-{i}.csv"
    site.write(rel, f"户主,人数,备注\n张某,3,{written}\n")
    return rel


PLACES = {"title": in_title, "body": in_body, "table": in_table, "page": in_page, "file-name": in_file_name,
          "csv": in_csv}
MOBILE_PLACES = ("title", "body", "table", "file-name")  # all in a 低保 notice
PLAIN_ONLY = {"file-name"}


@st.composite
def placements(draw) -> tuple[Number, str, str]:
    number = draw(numbers)
    place = draw(st.sampled_from(MOBILE_PLACES if number.kind == "mobile" else tuple(PLACES)))
    forms = ["plain"] if place in PLAIN_ONLY else [f for f in FORMS if number.kind == "mobile" or f not in MOBILE_ONLY]
    return number, draw(st.sampled_from(forms)), place


# -- what a villager could read ---------------------------------------------------------------------------------

def readings(data: bytes) -> list[str]:
    """A built file as stored, as a browser shows it, and with everything but the digits (and X) dropped."""
    if data[:2] == b"\x1f\x8b":  # the search index's fragments are gzip
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    text = data.decode("utf-8", errors="replace")
    shown = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    shown = unicodedata.normalize("NFKC", html.unescape(html.unescape(shown))).upper()
    return [text.upper(), shown, re.sub(r"[^0-9X]", "", shown)]


def leaks(output: Path, digits: str) -> list[str]:
    found = []
    for path in sorted(output.rglob("*")):
        if path.is_file():
            rel = path.relative_to(output).as_posix()
            if digits in rel.upper() or any(digits in reading for reading in readings(path.read_bytes())):
                found.append(rel)
    return found


# -- the properties ------------------------------------------------------------------------------------------------

def site_with(root: Path, chosen: list[tuple[Number, str, str]]) -> tuple[Site, list[str]]:
    shutil.copytree(SITES / "minimal", root / "minimal")
    site = Site(root / "minimal")
    rels = [PLACES[place](site, i, number, FORMS[form](number)) for i, (number, form, place) in enumerate(chosen)]
    return site, rels


def privacy_errors(site: Site) -> tuple[int, dict[str, set[str]]]:
    result = site.check("--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    errors: dict[str, set[str]] = {}
    for p in report["problems"]:
        if p["severity"] == "error":
            errors.setdefault(p["file"], set()).add(p["code"])
    return result.returncode, errors


def assert_flagged(site: Site, rels: list[str], chosen) -> None:
    status, errors = privacy_errors(site)
    assert status == 1
    for rel, (number, form, place) in zip(rels, chosen, strict=True):
        codes = errors.get("content/" + rel, set())
        assert any(code.startswith("privacy.") for code in codes), (rel, number, form, place, codes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=st.lists(placements(), min_size=1, max_size=3))
def test_check_reports_every_number_in_every_form_and_place(chosen):
    """The cheap half, with more examples: ``gongkai check`` alone."""
    with tempfile.TemporaryDirectory() as tmp:
        site, rels = site_with(Path(tmp), chosen)
        assert_flagged(site, rels, chosen)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(chosen=st.lists(placements(), min_size=1, max_size=3))
def test_no_number_reaches_the_built_site(chosen):
    """Check flags it, and the build, whatever its exit status, publishes none of it anywhere."""
    with tempfile.TemporaryDirectory() as tmp:
        site, rels = site_with(Path(tmp), chosen)
        assert_flagged(site, rels, chosen)
        result = run_gongkai("build", cwd=site.root)
        assert "Traceback" not in result.stdout + result.stderr
        assert result.returncode == 1, result.stdout + result.stderr
        assert (site.output / "index.html").is_file()  # the rest of the site was built
        for number, _, _ in chosen:
            assert not leaks(site.output, number.digits), number


# -- every form on its own ---------------------------------------------------------------------------------------

FIXED = [Number("mobile", "13812345678"), Number("id", "11010519491231002X"),  # the mobile first: 低保 has 3 quarters
         Number("card", "622202123456789" + luhn_digit("622202123456789")),
         Number("card", "621700000012345678" + luhn_digit("621700000012345678"))]


@pytest.mark.parametrize("form", list(FORMS))
def test_each_form_is_read_in_a_notice_body(form, tmp_path):
    """Each form by name, so that a form the detector misses is named in the failure, not only shrunk to."""
    chosen = [(number, form, "body") for number in FIXED if number.kind == "mobile" or form not in MOBILE_ONLY]
    site, rels = site_with(tmp_path, chosen)
    assert_flagged(site, rels, chosen)


def test_a_mobile_outside_a_privacy_category_is_published(tmp_path):
    """The other side of the rule: a mobile is only a problem in a privacy category. In a notice of 重大事项
    it is checked, allowed and published, and the gate lets it through (the build exits 0)."""
    site, _ = site_with(tmp_path, [])
    site.write("township/major-matters/2026-11-10-n.md",
               front("关于道路施工的公示", "township", "major-matters", "2026-11-10") + "施工负责人 13812345678。\n")
    status, errors = privacy_errors(site)
    assert status == 0, errors
    result = run_gongkai("build", cwd=site.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert leaks(site.output, "13812345678")
