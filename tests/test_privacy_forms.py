"""Personal numbers in the forms people and programs write them: Unicode, entities, markup, grouping."""

import datetime as dt
import html
import re
import unicodedata

import pytest
from gongkai import privacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- valid numbers ---------------------------------------------------------------


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, privacy._WEIGHTS, strict=True)) % 11]


@st.composite
def id_numbers(draw):
    province = draw(st.sampled_from(sorted(privacy._PROVINCES)))
    area = f"{province:02d}{draw(st.integers(0, 9999)):04d}"
    born = draw(st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)))
    first17 = f"{area}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check(first17)


def luhn_digit(body: str) -> str:
    for d in "0123456789":
        if privacy.luhn(body + d):
            return d
    raise AssertionError(body)


@st.composite
def bank_cards(draw):
    length = draw(st.integers(16, 19))
    body = "62" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=length - 3, max_size=length - 3)))
    return body + luhn_digit(body)


mobiles = st.builds(lambda second, rest: "1" + second + rest, st.sampled_from("3456789"),
                    st.text("0123456789", min_size=9, max_size=9))

SHAPES = {
    privacy.ID_NUMBER: [(18,), (6, 8, 4), (6, 4, 4, 4), (4, 4, 4, 4, 2), (6, 12)],
    privacy.PHONE: [(11,), (3, 4, 4), (3, 8)],
}


def card_shapes(n):
    return [(n,), (4, 4, 4, 4) + ((n - 16,) if n > 16 else ())]


# -- writing them down in every form ----------------------------------------------

FULL_WIDTH = {d: chr(0xFF10 + int(d)) for d in "0123456789"}


def write_digit(d: str, form: str) -> str:
    if d == "X":
        return {"plain": "X", "lower": "x", "full": "Ｘ", "dec": "&#88;", "hex": "&#x58;", "amp": "&amp;#88;",
                "json": "\\u0058", "arabic": "X", "bold": "X"}[form]
    return {"plain": d, "lower": d, "full": FULL_WIDTH[d], "dec": f"&#{ord(d)};", "hex": f"&#x{ord(d):x};",
            "amp": f"&amp;#{ord(d)};", "json": f"\\u{ord(d):04x}", "arabic": chr(0x0660 + int(d)),
            "bold": chr(0x1D7CE + int(d))}[form]


DIGIT_FORMS = ["plain", "lower", "full", "dec", "hex", "amp", "json", "arabic", "bold"]
SEPARATORS = [" ", "\u3000", "\u00a0", "\u2009", "\u202f", "-", "\u2010", "\u2011", "\u2013", "\u2014", "\uff0d",
              "\u2212", ".", "\u00b7", "\n", "\r\n", "&nbsp;", "&#160;", "\\u00a0"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "<span>", "</span>", '<span style="x">',
             "<b>", "</b>", "<strong>", "</strong>", "**", "<!-- -->", "`", "_", "&shy;", "&#8203;", "\\u200b",
             ]
WRAPS = ["\n", "\r\n", "<br>", "<br />", "\\n"]  # a number wrapped onto the next line
BEFORE = ["", "身份证号", "身份证号：", "ID", "Tel", "卡号 ", "电话：", "| 王某 | ", "<td>", "<p>联系人王某，",
          "王某（", "号码\u3000"]
AFTER = ["", "。", "，", " |", "</td>", "号", "）", "\n\n下一段", "元"]


@st.composite
def written(draw, number: str, code: str):
    """(text, start, end): ``number`` written in a random form inside random surroundings."""
    shapes = card_shapes(len(number)) if code == privacy.BANK_CARD else SHAPES[code]
    shape = draw(st.sampled_from(shapes))
    form = draw(st.sampled_from(DIGIT_FORMS))
    mixed = draw(st.booleans())  # each digit in its own form
    sep = draw(st.sampled_from(SEPARATORS))
    boundaries = {sum(shape[:i]) for i in range(1, len(shape))}
    # only a checked ID may wrap anywhere; other numbers wrap between groups, once
    wrap_at = None
    if code == privacy.ID_NUMBER:
        wrap_at = draw(st.sampled_from([None, None, *sorted(set(range(1, len(number))) - boundaries)]))
    elif sep in WRAPS or sep == "\r\n":
        sep = " "
    out = []
    for i, d in enumerate(number):
        if i:
            gap = draw(st.sampled_from(["", "", "", *INVISIBLE]))
            if i == wrap_at:
                gap += draw(st.sampled_from(WRAPS))
            if i in boundaries:
                gap += draw(st.sampled_from(SEPARATORS if code == privacy.ID_NUMBER or i == max(boundaries) else
                                            [s for s in SEPARATORS if s not in ("\n", "\r\n")]))\
                    if draw(st.booleans()) else sep
            out.append(gap)
        out.append(write_digit(d, draw(st.sampled_from(DIGIT_FORMS)) if mixed else form))
    body = "".join(out)
    prefix = ""
    if code == privacy.PHONE:
        prefix = draw(st.sampled_from(["", "", "+86 ", "+86", "0086", "86-", "+86-", "+86\u00a0"]))
    before = draw(st.sampled_from(BEFORE)) + prefix
    after = draw(st.sampled_from(AFTER))
    if code == privacy.PHONE:
        after = draw(st.sampled_from([after, "x", "转"]))
    return before + body + after, len(before), len(before) + len(body)


def reading(text: str) -> str:
    """What a reader sees, independently of the module: entities, escapes, markup and invisibles gone."""
    text = html.unescape(html.unescape(text))
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"<[^<>]*>", "", text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c for c in text)
    return re.sub(r"[\u200b-\u200d\u2060\ufeff\u00ad]", "", text)


def assert_found_and_masked(text: str, start: int, end: int, code: str, number: str) -> None:
    found = list(privacy.find(text, strict=True))
    assert [(f.code, f.start, f.end) for f in found] == [(code, start, end)], (text, found)
    assert found[0].digits == number.upper() and found[0].text == text[start:end]
    assert number not in privacy.message(found[0], "a.md") and found[0].masked in privacy.message(found[0], "a.md")
    masked, changes = privacy.mask_text(text)
    assert masked == text[:start] + found[0].masked + text[end:]
    assert changes == [(text.count("\n", 0, start) + 1, number.upper(), found[0].masked)]
    assert list(privacy.find(masked, strict=True)) == []
    assert number.upper() not in re.sub(r"[\s\-.·－−‐‑–—]", "", reading(masked)).upper()


@SETTINGS
@given(st.data(), id_numbers())
def test_every_form_of_an_id_is_found_and_masked(data, number):
    text, start, end = data.draw(written(number, privacy.ID_NUMBER))
    assert_found_and_masked(text, start, end, privacy.ID_NUMBER, number)


@SETTINGS
@given(st.data(), bank_cards())
def test_every_form_of_a_card_is_found_and_masked(data, number):
    text, start, end = data.draw(written(number, privacy.BANK_CARD))
    assert_found_and_masked(text, start, end, privacy.BANK_CARD, number)


@SETTINGS
@given(st.data(), mobiles)
def test_every_form_of_a_mobile_is_found_and_masked(data, number):
    text, start, end = data.draw(written(number, privacy.PHONE))
    assert_found_and_masked(text, start, end, privacy.PHONE, number)


@settings(max_examples=100, deadline=None)
@given(id_numbers(), bank_cards(), mobiles, st.sampled_from(["，", "；", "<br>\n<br>", "</td><td>", " | "]))
def test_several_numbers_in_one_text_are_each_found(person, card, phone, between):
    text = f"户主身份证{person}{between}卡号{card}{between}电话{phone}。"
    assert [f.digits for f in privacy.find(text, strict=True)] == [person, card, phone]
    masked, changes = privacy.mask_text(text)
    assert len(changes) == 3 and list(privacy.find(masked, strict=True)) == []


# -- forms from the brief, written out -----------------------------------------------

VALID_ID = "11010519491231002X"


@pytest.mark.parametrize(("text", "number"), [
    ("１１０１０５１９４９１２３１００２Ｘ", VALID_ID),
    ("身份证１１０１０５１９４９１２３１００２ｘ号", VALID_ID),
    ("1101\u200b0519\u200c4912\u200d3100\u20602X", VALID_ID),
    ("1101\u00ad05194912\ufeff31002X", VALID_ID),
    ("&#49;&#49;&#48;&#49;0519491231002X", VALID_ID),
    ("&#x31;&#x31;&#x30;&#x31;0519491231002&#88;", VALID_ID),
    ("&amp;#49;10105194912&amp;#51;1002X", VALID_ID),
    ("<span>1101</span>0519491231002X", VALID_ID),
    ("**1101**0519491231002X", VALID_ID),
    ("<b>110105</b>19491231<!-- x -->002X", VALID_ID),
    ("`110105`19491231_002_X", VALID_ID),
    ("110105 19491231 002X", VALID_ID),
    ("110105-19491231-002X", VALID_ID),
    ("110105\u300019491231\u3000002X", VALID_ID),
    ("1101 0519 4912 3100 2X", VALID_ID),
    ("110105–19491231—002X", VALID_ID),
    ("110105\n19491231002X", VALID_ID),
    ("ID110105194912310020x"[:2] + VALID_ID, VALID_ID),
    ("身份证11010519491231002X号", VALID_ID),
    ("\\u0031\\u0031\\u00301051949123\\u0031002X", VALID_ID),
    ("6222.0212.3456.7890.128", "6222021234567890128"),
    ("6222\u00a00212\u00a03456\u00a07890\u00a0128", "6222021234567890128"),
    ("6222&nbsp;0212&nbsp;3456&nbsp;7890&nbsp;128", "6222021234567890128"),
    ("6222 0212\n3456 7890 128", "6222021234567890128"),
    ("622202 1234567890128", "6222021234567890128"),
    ("138.1234.5678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("008613812345678", "13812345678"),
    ("86-138-1234-5678", "13812345678"),
    ("Tel13812345678x", "13812345678"),
    ("电话 138 1234 5678，2026年", "13812345678"),
    ("1. 138 1234 5678", "13812345678"),
    ("手机：１３８－１２３４－５６７８", "13812345678"),
])
def test_written_forms_are_found(text, number):
    assert [f.digits for f in privacy.find(text, strict=True)] == [number]


def test_spans_cover_the_number_and_its_markup():
    text = "户主<span>1101</span>0519491231002X，电话+86 138 1234 5678。"
    found = list(privacy.find(text, strict=True))
    assert [f.text for f in found] == ["1101</span>0519491231002X", "138 1234 5678"]
    assert privacy.mask_text(text)[0] == "户主<span>110105********002X，电话+86 138****5678。"


# -- near misses -----------------------------------------------------------------------

NEAR_MISSES = [
    "1,234,567.89", "12000.00", "合计 12000.00 元", "2026-11-05", "2026年11月5日", "2026/11/05", "2026.11.05",
    "0371-63851234", "037163851234", "(0371) 6385 1234", "110105********002X", "138****5678",
    "6222 **** **** 0128", "6222***********0128", "合同编号 20261105123456789", "订单 6222021234567890123",
    "第2026110512号", "3500.00 2100.50 13399.50", "| 3,500.00 | 2,100.50 |", "| 1 | 2 | 3 | 4 | 5 | 6 |",
    "09:30", "09:30-11:30", "2025 2026", "2025 2026 2027 2028", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19",
    "3500 130 2500 3000 1200", "11010519491231002Y", "11010519491331002X", "110105194912310020123",
    "1101051949123100201", "12812345678", "213812345678", "23812345678", "1381234567", "138123456789",
    "1234 5678 9012 3456", "0000 0000 0000 0000", "2026-10-05 09:30:00", "20261105 12345678 1234",
    "ISBN 978-7-111-12345-6", "电话 0371-6385 1234", "1.5 2.5 3.5 4.5 5.5 6.5 7.5", "10,000 20,000 30,000 40,000",
    "<td>1101</td><td>0519491231002X</td>", "<p>1101</p>\n<p>0519491231002X</p>", "1101\n\n0519491231002X",
    "1101|0519491231002X", "abcdef0123456789abcdef6222021234567890128abcdef012345",
    "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "d41d8cd98f00b204e9800998ecf8427e13812345678aa", "12000.00\n13812.00\n13399.50",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
@pytest.mark.parametrize("strict", [False, True])
def test_near_misses_pass(text, strict):
    assert list(privacy.find(text, strict=strict)) == []
    assert privacy.mask_text(text, strict) == (text, [])


@SETTINGS
@given(st.lists(st.decimals(0, 99999, places=2, allow_nan=False), min_size=1, max_size=12),
       st.sampled_from([" ", " | ", "\n", "\u3000", "  ", "、"]))
def test_rows_of_amounts_are_not_numbers(amounts, sep):
    text = sep.join(f"{a:,.2f}" for a in amounts) + "\n" + sep.join(f"{a:.2f}" for a in amounts)
    assert list(privacy.find(text, strict=True)) == []


@SETTINGS
@given(st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), min_size=1, max_size=6),
       st.sampled_from(["%Y-%m-%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"]), st.sampled_from([" ", "、", " 至 ", "-"]))
def test_rows_of_dates_are_not_numbers(dates, fmt, sep):
    text = sep.join(d.strftime(fmt) for d in dates)
    assert [f for f in privacy.find(text, strict=True) if f.code != privacy.PHONE] == []


# -- wrong check character, strict mode ------------------------------------------------


@pytest.mark.parametrize("text", ["110105194912310021", "1101 0519 4912 3100 21", "户主 110105-19491231-0027 人数 3"])
def test_wrong_check_character_is_flagged_only_in_strict_mode(text):
    assert list(privacy.find(text)) == []
    found = list(privacy.find(text, strict=True))
    assert [(f.code, f.checked) for f in found] == [(privacy.ID_NUMBER, False)]
    assert "校验码" in privacy.message(found[0], "a.md") and found[0].digits not in privacy.message(found[0], "a.md")
    assert privacy.mask_text(text)[0] != text and privacy.mask_text(text, strict=False) == (text, [])


def test_id_shaped_numbers_with_impossible_dates_or_areas_pass_even_in_strict_mode():
    for text in ("110105194913310021", "000105194912310021", "110105202912310021", "991231194912310021"):
        assert list(privacy.find(text, strict=True)) == [], text


# -- messages, masking, published output -----------------------------------------------


@pytest.mark.parametrize("text", [VALID_ID, "6222021234567890128", "13812345678", "110105194912310021"])
def test_messages_never_hold_the_number(text):
    for finding in privacy.find(text, strict=True):
        msg = privacy.message(finding, "content/x.md")
        assert text not in msg and text[:10] not in msg
        assert finding.masked in msg and "gongkai mask content/x.md" in msg


def test_mask_keeps_bom_and_crlf_and_every_other_byte():
    text = ("\ufeff---\r\ntitle: 名单\r\n---\r\n| 王某 | １１０１０５１９４９１２３１００２Ｘ |\r\n"
            "电话 138 1234 5678，卡 6222&nbsp;0212&nbsp;3456&nbsp;7890&nbsp;128，金额 3,500.00 元。\r\n")
    masked, changes = privacy.mask_text(text)
    assert masked == ("\ufeff---\r\ntitle: 名单\r\n---\r\n| 王某 | 110105********002X |\r\n"
                      "电话 138****5678，卡 6222***********0128，金额 3,500.00 元。\r\n")
    assert [c[0] for c in changes] == [4, 5, 5]
    assert privacy.mask_text(masked) == (masked, [])


def test_mask_file_rewrites_in_place(tmp_path):
    path = tmp_path / "n.md"
    path.write_bytes("\ufeff户主 1101 0519 4912 3100 2X\r\n".encode())
    assert privacy.mask_file(path) == [(1, VALID_ID, "110105********002X")]
    assert path.read_bytes() == "\ufeff户主 110105********002X\r\n".encode()


def test_built_html_and_json_are_read():
    page = ('<table class="gk-table"><tr><td>王某</td><td>&#49;&#49;0105<span class="n">19491231</span>002X</td>'
            "<td>3,500.00</td></tr></table><p>电话 138&nbsp;1234&nbsp;5678</p>")
    assert [f.code for f in privacy.find(page, strict=True)] == [privacy.ID_NUMBER, privacy.PHONE]
    data = '{"title": "\\u540d\\u5355", "body": "\\u0031\\u0031010519491231002X", "sha": "e3b0c44298fc1c149afbf4c8"}'
    assert [f.digits for f in privacy.find(data)] == [VALID_ID]
    assert list(privacy.find('{"mtime": 1762300800123456789, "total": "13399.50"}', strict=True)) == []


def test_public_helpers_still_work():
    assert privacy.is_id_number(VALID_ID) and not privacy.is_id_number("11010519491231002Y")
    assert privacy.is_bank_card("6222021234567890128") and privacy.luhn("4111111111111111")
    assert privacy.is_mobile("13812345678") and not privacy.is_mobile("12812345678")
    assert privacy.mask(privacy.ID_NUMBER, "110105 19491231 002X") == "110105********002X"
