"""Personal numbers that must never be published: ID, bank card, mobile.

Detection follows the numbers' own rules (docs/design.md, "Personal numbers"):
resident IDs by GB 11643 (area, birth date, MOD 11-2 check character) and
the legacy 15-digit form; bank cards by length, issuer and the Luhn check;
mobiles by ``1[3-9]`` and 11 digits. Numbers that fail the rules (contract
numbers, order numbers, amounts, dates, landlines) and masked forms pass.

The detector reads a number the way a villager reads it on the board, not
the way it is typed. Before the rules are applied, every run of digits is
read through:

* digit forms: any decimal digit (full-width ``１``, Arabic-Indic, math
  bold ``𝟏``) and characters whose digit value or NFKC form is a digit
  (``¹``, ``①``, ``⓪``, ``❶``); as the check character ``X``, also
  ``Ｘ``, ``Ⅹ``, Cyrillic ``Х``/``х`` and ``×``. Chinese numerals
  (一二〇) and the letter O are not digits: ordinary text is full of them
  (一二三四五六七八九十 in lists, 〇 in years written out, O in words);
* invisible characters: every format character (Unicode Cf: zero-width
  space, bidi marks and isolates, soft hyphen, BOM), combining marks (Mn,
  Me: U+0332 underline, U+20E3 keycap, variation selectors) and the blank
  fillers U+115F, U+1160, U+3164, U+FFA0, U+2800;
* character references and escapes of any of these: ``&#49;``, ``&#x31;``,
  ``&#1633;``, ``&#x1D7CF;``, ``&amp;#49;``, ``&sup1;``, ``&Tab;``,
  ``&nbsp;``, JSON ``\\u0031`` and percent escapes ``%31`` in URLs;
* inline markup inside a number: any tag that does not end a line or a
  cell (``<span>``, ``<SPAN lang=EN-US>``, ``<sup>``, ``<o:p>``,
  ``<st1:…>``; block tags such as ``<td>``, ``<p>``, ``<li>`` and table
  pipes end a number, as they do on the page), comments, attributes up to
  2000 characters, ``**``, ``_``, backticks, Markdown escapes ``\\-``, and
  a link boundary ``[110105](a.html)[19491231002X](b.html)``, up to 64
  such tokens between two digits;
* separators between digit groups: spaces (a run of them counts as one, as
  HTML shows it; TAB, NBSP, U+3000, thin spaces), dashes, dots, up to three
  of them (``110105 - 19491231 - 002X``) and one line break; thousands
  commas (``6,222,021,234,567,890,128``).

Grouped numbers count in the shapes people write them (IDs 6-8-4, 6-4-4-4,
4-4-4-4-2, 6-12; legacy 6-6-3; cards in fours, or 6-13; mobiles 3-4-4,
3-8), and a checked ID or card also in any other grouping with one
separator throughout, standing alone (see :func:`_any_grouping`): the check
character (or Luhn) makes a hit in a row of amounts or dates rare. One
digit a group and Excel's 13,812,345,678 count for mobiles only in strict
mode, and never for cards (Luhn alone passes one row in ten). Digits glued
to other digits make another number: a 20-digit run holds no ID. Glued to
letters a number counts, unless the word is a digest (only hex digits, or
digits spread over several runs). Every finding carries exact offsets into
the original text, covering the number from its first to its last
character (markup in between included), so that :func:`mask_text` can
replace it.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

ID_NUMBER, BANK_CARD, PHONE = "privacy.id-number", "privacy.bank-card", "privacy.phone"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
              50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}


@dataclass(frozen=True)
class Finding:
    """A personal number: ``text[start:end]`` of the scanned text is the number as written.

    ``digits`` is the number as read (``0-9`` and a final ``X``). ``checked``
    is False for an ID whose area code and birth date are valid but whose
    check character is wrong (reported in strict mode only).
    """

    code: str
    start: int
    end: int
    text: str
    digits: str = ""
    checked: bool = True

    @property
    def masked(self) -> str:
        return mask(self.code, self.digits or self.text)


def _valid_birth(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1890, 1, 1) <= born <= dt.date.today()


def _id_shaped(digits: str) -> bool:
    """18 characters with a valid province and birth date, whatever the check character."""
    return (len(digits) == 18 and digits[:17].isdigit() and digits[17] in "0123456789Xx"
            and int(digits[:2]) in _PROVINCES
            and _valid_birth(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])))


def is_id_number(digits: str) -> bool:
    if len(digits) == 18:
        if not _id_shaped(digits):
            return False
        total = sum(int(d) * w for d, w in zip(digits[:17], _WEIGHTS, strict=True))
        return _CHECK[total % 11] == digits[17].upper()
    if len(digits) == 15 and digits.isdigit():
        return int(digits[:2]) in _PROVINCES and _valid_birth(1900 + int(digits[6:8]), int(digits[8:10]),
                                                              int(digits[10:12]))
    return False


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def is_bank_card(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and digits.isdigit() and digits[0] != "0" and luhn(digits)


def is_mobile(digits: str) -> bool:
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789" and digits.isdigit()


# -- reading numbers as they are shown -------------------------------------
#
# A candidate region is found by one precompiled regex: it starts at a digit
# (raw, in any script, or encoded as an entity, JSON or percent escape) and
# continues over digits, separators, invisible characters and inline markup,
# and is long enough to hold 11 digits. Only those regions are read token by
# token. The character classes come from the Unicode database, read once into
# the generated module :mod:`.unicode_classes` (see :func:`_unicode_kinds`).

_SPACES = (" \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
           "\u3000")
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DOTS = ".\u00b7\u2027\u30fb\uff0e\u3002\uff61"
_COMMAS = ",\uff0c\ufe50"  # thousands separators (Excel); not 、, which lists things
_NEWLINES = "\n\r\u2028\u2029"
# shown as nothing: besides every format character (Cf) and combining mark (Mn, Me)
_BLANKS = "\u115f\u1160\u3164\uffa0\u2800"
# read as the check character X (Roman numeral ten, Cyrillic ha, the multiplication sign)
_X_CHARS = "XxＸｘ\u2169\u2179\u0425\u0445\u00d7"
# Tags that end a number, as they end a line or a cell on the page; every other tag
# (span, b, sup, font, o:p, st1:*, any namespaced tag) is transparent inside a number.
_BLOCK_TAGS = ("p|div|td|th|tr|table|thead|tbody|tfoot|li|ul|ol|dl|dt|dd|h[1-6]|section|article|header|footer"
               "|blockquote|pre|hr|figure|figcaption|caption|nav|aside|main|form|fieldset|address|details"
               "|summary|html|head|body|title|script|style|textarea|select|option|iframe")
_TAG = (r"<!--[\s\S]{0,2000}?-->"
        rf"|(?i:</?(?!(?:{_BLOCK_TAGS})(?![\w:.-]))[a-z][\w:.-]*(?:[\s/][^<>]{{0,2000}})?>)")
_LINK = r"\]\([^()\s]{0,500}\)\[?"  # [110105](a.html)[19491231002X](b.html): the targets are not shown
_ENCODED = (r"&(?:amp;)*\#(?:[0-9]{1,7}|[xX][0-9a-fA-F]{1,6})(?:;|(?![0-9A-Za-z]))"
            r"|&(?:amp;)*[A-Za-z][A-Za-z0-9]{1,31};|\\u[0-9a-fA-F]{4}|\\[nrt]|%[0-9A-Fa-f]{2}")
_AMP = re.compile(r"^&(?:amp;)+")

_SEP_KIND = {**dict.fromkeys(_SPACES, " "), **dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_DOTS, "."),
             **dict.fromkeys(_COMMAS, ",")}

# token kinds
_D, _XC, _SEP, _NL, _INV, _BREAK = range(6)


def _digit_value(ch: str) -> str | None:
    """The ASCII digit ``ch`` shows: any decimal digit, and ¹, ①, ⓪, ❶… (Unicode digit value or NFKC)."""
    value = unicodedata.digit(ch, None)
    if value is not None:
        return str(value)
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 and folded in "0123456789" else None


@functools.lru_cache(maxsize=8192)
def _char_kind(ch: str) -> tuple[int, str]:
    if len(ch) != 1:
        return _BREAK, ""
    if ch in _SEP_KIND:
        return _SEP, _SEP_KIND[ch]
    value = _digit_value(ch)
    if value is not None:
        return _D, value
    if ch in _X_CHARS or unicodedata.normalize("NFKC", ch) in ("X", "x"):
        return _XC, "X"
    if ch in _NEWLINES:
        return _NL, ""
    if ch in _BLANKS or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return _INV, ""
    return _BREAK, ""


def _char_class(codepoints: list[int]) -> str:
    """A regex for one of ``codepoints``: a class of the BMP ones (a bitmap for the engine) and,
    behind a cheap test, one of the others (a list of ranges, slow to test at every position)."""
    def ranges(cps: list[int]) -> str:
        out, i = [], 0
        while i < len(cps):
            j = i
            while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
                j += 1
            out.append(re.escape(chr(cps[i])) + ("-" + re.escape(chr(cps[j])) if j > i else ""))
            i = j + 1
        return "".join(out)
    cps = sorted(set(codepoints))
    bmp, astral = [c for c in cps if c <= 0xFFFF], [c for c in cps if c > 0xFFFF]
    parts = [f"[{ranges(bmp)}]"] if bmp else []
    if astral:
        parts.append(rf"(?=[\U00010000-\U0010ffff])[{ranges(astral)}]")
    return "(?:" + "|".join(parts) + ")"


def _encoded(codepoints: list[int]) -> str:
    """Entities, JSON and percent escapes that may stand for one of ``codepoints`` (a superset:
    the tokens are decoded and read one by one afterwards)."""
    dec = sorted({str(cp // 10) for cp in codepoints})
    hexes = sorted({f"{cp:x}"[:-1] for cp in codepoints})
    json = sorted({f"{cp:04x}"[:3] for cp in codepoints if cp <= 0xFFFF})
    pct = sorted({f"{cp:02x}" for cp in codepoints if cp < 0x80})
    end = r"(?:;|(?![0-9A-Za-z]))"
    return (rf"&(?:amp;)*\#(?:0*(?:{'|'.join(dec)})[0-9]|(?i:x0*(?:{'|'.join(hexes)})[0-9a-f])){end}"
            rf"|(?i:\\u(?:{'|'.join(json)})[0-9a-f]|%(?:{'|'.join(pct)}))")


def scan_unicode() -> dict[str, list[int]]:
    """Every code point that reads as a digit, as the check character X, or as nothing, from the
    Unicode database of this Python (slow: it asks about 131 584 code points).

    ASCII digits are left out: the regexes test them first, by category."""
    kinds: dict[str, list[int]] = {"digits": [], "xs": [], "invisible": []}
    names = {_D: "digits", _XC: "xs", _INV: "invisible"}
    for cp in [*range(0x20000), *range(0xE0000, 0xE0200)]:
        if 0x30 <= cp <= 0x39:
            continue
        kind = _char_kind(chr(cp))[0]
        if kind in names:
            kinds[names[kind]].append(cp)
    _char_kind.cache_clear()
    return kinds


def unicode_classes_source() -> str:
    """The text of :mod:`.unicode_classes`: :func:`scan_unicode` as ranges, for this Python's Unicode version.

    ``tests/test_unicode_classes.py`` regenerates it and compares, so that a Python whose
    Unicode database differs fails that test, not the site; :func:`write_unicode_classes`
    rewrites the module."""
    def ranges(cps: list[int]) -> str:
        spans: list[list[int]] = []
        for cp in cps:
            if spans and spans[-1][1] == cp - 1:
                spans[-1][1] = cp
            else:
                spans.append([cp, cp])
        rows = [", ".join(f"(0x{a:04X}, 0x{b:04X})" for a, b in spans[i:i + 6]) for i in range(0, len(spans), 6)]
        return "(\n" + "".join(f"    {row},\n" for row in rows) + ")"
    kinds = scan_unicode()
    return (
        '"""Code points the personal-number detector reads as digits, as the check character X, or as\n'
        "nothing, from the Unicode database (inclusive ranges; ASCII digits left out).\n\n"
        "Generated by ``gongkai.privacy.write_unicode_classes()``: do not edit. Reading them from\n"
        "``unicodedata`` takes a fifth of a second in every process; ``tests/test_unicode_classes.py``\n"
        "checks that they still match this Python's Unicode database.\n"
        '"""\n\n'
        f"UNIDATA_VERSION = {unicodedata.unidata_version!r}\n\n"
        f"DIGITS = {ranges(kinds['digits'])}\n\n"
        f"X_CHARS = {ranges(kinds['xs'])}\n\n"
        f"INVISIBLE = {ranges(kinds['invisible'])}\n"
    )


def write_unicode_classes() -> None:
    """Rewrite :mod:`.unicode_classes` from this Python's Unicode database (after a Python upgrade):
    ``python -c "from gongkai import privacy; privacy.write_unicode_classes()"``."""
    from pathlib import Path

    (Path(__file__).parent / "unicode_classes.py").write_text(unicode_classes_source(), encoding="utf-8")


def _unicode_kinds() -> tuple[list[int], list[int], list[int]]:
    """The digits, X characters and invisible characters: from :mod:`.unicode_classes` when it was
    generated for this Python's Unicode version, else (as correct, only slower) from the database."""
    from . import unicode_classes as generated

    if unicodedata.unidata_version != generated.UNIDATA_VERSION:
        kinds = scan_unicode()
        return kinds["digits"], kinds["xs"], kinds["invisible"]

    def expand(spans: tuple[tuple[int, int], ...]) -> list[int]:
        return [cp for first, last in spans for cp in range(first, last + 1)]
    return expand(generated.DIGITS), expand(generated.X_CHARS), expand(generated.INVISIBLE)


@functools.cache
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The region and token regexes; their classes come from the Unicode database.

    ASCII digits are matched by a category test first, every other character by
    classes without categories, which the engine tests as bitmaps: the
    region regex runs at every digit of every built page."""
    digits, xs, invisible = _unicode_kinds()
    glue_chars = [ord(c) for c in _SPACES + _DASHES + _DOTS + _COMMAS + _NEWLINES + "*_`~\\"] + invisible
    multi = rf"{_TAG}|{_LINK}|{_ENCODED}"
    enc_d = rf"{_encoded([*range(0x30, 0x3a), *digits])}|&(?:amp;)*sup[123];"
    enc_x = rf"{_encoded(xs)}|&(?:amp;)*times;"
    # a first test the engine runs as a bitmap: a BMP digit, the start of an escape, or an astral character
    first = "".join(re.escape(chr(cp)) for cp in [*range(0x30, 0x3a), *digits, *map(ord, "&\\%")] if cp <= 0xFFFF)
    digit = rf"(?:\d|{_char_class(digits)}|{enc_d})"
    start = rf"(?=[{first}\U00010000-\U0010ffff]){digit}"
    digit_or_x = rf"(?:\d|{_char_class(digits + xs)}|{enc_d}|{enc_x})"
    glue = rf"(?:{_char_class(glue_chars)}|{multi})"
    any_token = rf"(?:[0-9]|{_char_class(digits + xs + glue_chars)}|{multi})"
    # the lookahead skips, inside the regex engine, every digit not followed by ten more tokens of a number
    region = re.compile(rf"{start}(?={any_token}{{10}})(?:{glue}{{0,64}}{digit_or_x})*")
    token = re.compile(rf"(?P<tag>{_TAG}|{_LINK})|(?P<enc>{_ENCODED})|(?P<md>\*+|_+|`+|~+)|(?P<crlf>\r\n)"
                       r"|(?P<ch>[\s\S])")
    other_digit = re.compile(_char_class(digits))  # a digit that is not ASCII: full-width, superscript, another script
    return region, token, other_digit


_BR = re.compile(r"<br\b", re.IGNORECASE)


def _decode(token: str) -> str:
    if token[0] == "%":
        return chr(int(token[1:], 16))
    if token[0] == "\\":
        return {"n": "\n", "r": "\n", "t": "\t"}.get(token[1]) or chr(int(token[2:], 16))
    token = _AMP.sub("&", token)
    return html.unescape(token if token.endswith(";") else token + ";")


def _token_kind(match: re.Match) -> tuple[int, str]:
    kind = match.lastgroup
    token = match.group()
    if kind == "ch":
        if token == "\\":  # a Markdown escape: 1101\-05, 1\101
            return _INV, ""
        return _char_kind(token)
    if kind == "crlf":
        return _NL, ""
    if kind == "enc":
        return _char_kind(_decode(token))
    if kind == "md":
        # ``**bold**`` and ``_em_`` vanish on the page; ``****`` is a mask
        return (_INV, "") if len(token) <= (2 if token[0] == "~" else 3) else (_BREAK, "")
    return (_NL, "") if _BR.match(token) else (_INV, "")


class _Group:
    """Digits written together; ``spans[i]`` is where digit i stands in the text."""

    __slots__ = ("digits", "sep", "spans", "wrapped", "x")

    def __init__(self) -> None:
        self.digits: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.x: tuple[int, int] | None = None  # a check character X written right after the digits
        self.wrapped = False  # only a line break stands between this group and the one before
        self.sep = ""  # the separator before this group, spaces collapsed: " ", "-", " - ", ",", "\n"…


def _runs(region: str, offset: int) -> Iterator[list[_Group]]:
    """Runs of digit groups in a candidate region: groups joined by a separator of at most three
    characters (a run of spaces counts as one, as HTML shows it) with at most one line break."""
    run: list[_Group] = []
    group = _Group()
    newlines = 0
    kinds: list[str] = []
    for match in _patterns()[1].finditer(region):
        kind, value = _token_kind(match)
        if kind == _D:
            if kinds:
                if len(kinds) > 3 or newlines > 1:
                    if run:
                        yield run
                    run = []
                run.append(group)
                group = _Group()
                group.wrapped = kinds == ["\n"]
                group.sep = "".join(kinds)
                newlines = 0
                kinds = []
            group.digits.append(value)
            group.spans.append((offset + match.start(), offset + match.end()))
        elif kind == _INV:
            continue
        elif kind in (_SEP, _NL) and group.digits:
            newlines += kind == _NL
            kind_ = value or "\n"
            if not (kind_ == " " and kinds and kinds[-1] == " "):
                kinds.append(kind_)
        else:
            if kind == _XC and group.digits and len(kinds) <= 1 and "," not in kinds:  # "…002X", "…002 X"
                group.x = (offset + match.start(), offset + match.end())
            if group.digits:
                run.append(group)
            if run:
                yield run
            run, group = [], _Group()
            newlines = 0
            kinds = []
    if group.digits:
        run.append(group)
    if run:
        yield run


# The shapes people write; a checked ID or card is also found in any other grouping, see _strong.
_ID18_SHAPES = {(18,), (6, 8, 4), (6, 4, 4, 4), (4, 4, 4, 4, 2), (6, 12)}
_ID15_SHAPES = {(15,), (6, 6, 3)}
_CARD_SHAPES = {(n,) for n in range(16, 20)} | {(4, 4, 4, 4), (4, 4, 4, 4, 1), (4, 4, 4, 4, 2), (4, 4, 4, 4, 3),
                                                (6, 13)}
_MOBILE_SHAPES = {(11,), (3, 4, 4), (3, 8)}
_PREFIXES = ("86", "0086")


def _card_issuer(digits: str) -> bool:
    """UnionPay 62, Visa 4, Mastercard 51–55 and 2221–2720, JCB/Amex 3, domestic 9 (9558…).
    Not 8 (no payment card issuer: ISO 7812 gives it to health and telecom cards), not 1, 7 or 0."""
    return digits[0] in "34569" or (digits[0] == "2" and 2221 <= int(digits[:4]) <= 2720)


def _finding(code: str, text: str, groups: list[_Group], skip: int = 0, x: bool = False,
             checked: bool = True) -> Finding:
    """The finding for ``groups`` (less ``skip`` leading digits, e.g. a glued +86), with exact offsets."""
    spans = [span for g in groups for span in g.spans][skip:]
    digits = "".join(d for g in groups for d in g.digits)[skip:]
    start, end = spans[0][0], spans[-1][1]
    if x:
        end, digits = groups[-1].x[1], digits + "X"
    return Finding(code, start, end, text[start:end], digits, checked)


def _shapes(window: list[_Group], cut: int = 0) -> Iterator[tuple[int, ...]]:
    """The window's group lengths (less ``cut`` leading digits); also with one line break read as a wrap."""
    shape = [len(g.digits) for g in window]
    shape[0] -= cut
    yield tuple(n for n in shape if n)
    for j in range(1, len(window)):
        if window[j].wrapped:
            yield tuple(n for n in (*shape[:j - 1], shape[j - 1] + shape[j], *shape[j + 1:]) if n)


def _alone(run: list[_Group], i: int, size: int) -> bool:
    """Groups ``run[i:i+size]`` are not a piece of a longer row written with the same separators,
    and hold at most one line break (four lines of 4-digit amounts are not a card)."""
    inside = [g.sep for g in run[i + 1:i + size]]
    if sum("\n" in sep for sep in inside) > 1:
        return False
    return ((i == 0 or run[i].sep not in inside)
            and (i + size == len(run) or run[i + size].sep not in inside))


def _any_grouping(run: list[_Group], i: int, size: int, shape: tuple[int, ...], card: bool = False) -> bool:
    """Whether ``run[i:i+size]`` is a number written in a grouping of its own: one separator,
    the same between every group, no line break, standing alone; groups of two digits or more,
    or one digit each (1 1 0 1 0 5…, not with commas); with commas, thousands (13,812,345,678)
    not followed by decimals. A card's groups but the last are of one length, three digits or
    more (6222 0212 3456 7890128), as banks print them: Luhn alone passes one row of amounts
    in ten (3500 130 2500 3000 1200)."""
    if size == 1:
        return True
    seps = {g.sep for g in run[i + 1:i + size]}
    if len(seps) != 1 or "\n" in (sep := seps.pop()) or not _alone(run, i, size):
        return False
    if "," in sep:
        after = run[i + size].sep if i + size < len(run) else ""
        return 1 <= shape[0] <= 3 and all(n == 3 for n in shape[1:]) and "." not in after
    if max(shape) == 1:
        return not card
    if card:
        return set(shape[:-1]) == {4}
    return min(shape) >= 2


def _strong(text: str, run: list[_Group], i: int, size: int, strict: bool) -> Finding | None:
    """An ID or bank card written as groups ``run[i:i+size]`` (checked by its own rules), if it is one.

    A checked ID in a known shape may also be wrapped onto a new line
    anywhere; grouped cards and unchecked IDs (weaker checks) must stand
    alone, see :func:`_alone`. A checked ID or card in any other grouping
    counts under :func:`_any_grouping`: the check character or the Luhn
    digit makes an accidental hit in rows of amounts or dates rare.
    """
    window = run[i:i + size]
    shape = tuple(len(g.digits) for g in window)
    digits = "".join(d for g in window for d in g.digits)
    if window[-1].x and len(digits) == 17:
        shapes = set(_shapes(window))
        x_shape = (*shape[:-1], shape[-1] + 1)
        if is_id_number(digits + "X"):
            if ({(*s[:-1], s[-1] + 1) for s in shapes} & _ID18_SHAPES
                    or _any_grouping(run, i, size, shape if max(shape) == 1 else x_shape)):
                return _finding(ID_NUMBER, text, window, x=True)
        elif strict and x_shape in _ID18_SHAPES and (size == 1 or _alone(run, i, size)) and _id_shaped(digits + "X"):
            return _finding(ID_NUMBER, text, window, x=True, checked=False)
    if (len(digits) == 18 and is_id_number(digits)
            and (set(_shapes(window)) & _ID18_SHAPES or _any_grouping(run, i, size, shape))):
        return _finding(ID_NUMBER, text, window)
    if len(digits) == 15 and shape in _ID15_SHAPES and (size == 1 or _alone(run, i, size)) and is_id_number(digits):
        return _finding(ID_NUMBER, text, window)
    if (16 <= len(digits) <= 19 and _card_issuer(digits) and is_bank_card(digits)
            and ((shape in _CARD_SHAPES and (size == 1 or _alone(run, i, size)))
                 or _any_grouping(run, i, size, shape, card=True))):
        return _finding(BANK_CARD, text, window)
    if (strict and len(digits) == 18 and shape in _ID18_SHAPES and (size == 1 or _alone(run, i, size))
            and _id_shaped(digits)):
        return _finding(ID_NUMBER, text, window, checked=False)
    return None


_PLUS = re.compile(r"(?:\+|＋|&#0*43;|&#[xX]0*2[bB];|\\u002[bB]|%2[bB])$")


def _mobile(text: str, run: list[_Group], i: int, strict: bool) -> tuple[int, int, Finding] | None:
    """A mobile starting at group ``i``: (prefix groups, groups, finding).

    The country code may stand as its own group (``+86 138…``, ``0086-138…``)
    or be glued on (``+8613812345678``, ``008613812345678``). In strict mode
    also one digit a group (``1 3 8 1 2…``) and Excel's thousands
    (``13,812,345,678``), which are too weak a sign elsewhere.
    """
    if len(run[i].digits) not in (1, 2, 3, 4, 5, 7, 11, 13, 15):  # 86, 0086, a mobile's first group, glued
        return None
    skip = 1 if "".join(run[i].digits) in _PREFIXES and i + 1 < len(run) and "," not in run[i + 1].sep else 0
    for size in (11, 4, 3, 2, 1) if strict else (4, 3, 2, 1):
        window = run[i + skip:i + skip + size]
        if len(window) < size:
            continue
        digits = "".join(d for g in window for d in g.digits)
        if size == 11 or (size == 4 and "," in window[1].sep):
            shape = tuple(len(g.digits) for g in window)
            if strict and is_mobile(digits) and _any_grouping(run, i + skip, size, shape):
                return skip, size, _finding(PHONE, text, window)
            continue
        cuts = [0]
        if not skip and digits.startswith("0086"):
            cuts.append(4)
        if not skip and digits.startswith("86") and _PLUS.search(text, max(0, window[0].spans[0][0] - 12),
                                                                   window[0].spans[0][0]):
            cuts.append(2)
        for cut in cuts:
            if is_mobile(digits[cut:]) and next(_shapes(window, cut)) in _MOBILE_SHAPES \
                    and "," not in "".join(g.sep for g in window[1:]):
                return skip, size, _finding(PHONE, text, window, skip=cut)
    return None


def _mobiles(text: str, run: list[_Group], strict: bool) -> list[Finding]:
    """Mobiles in a run that holds no ID or card.

    A grouped mobile (138 1234 5678) counts where it stands alone (see
    :func:`_alone`) or where the whole run is made of mobiles, so that a row
    of small amounts (3500 130 2500 3000 1200) is not read as a phone number.
    """
    tiled, i = [], 0
    while i < len(run):
        found = _mobile(text, run, i, strict)
        if found is None:
            break
        tiled.append(found[2])
        i += found[0] + found[1]
    if i == len(run):
        return tiled
    out = {}
    for i in range(len(run)):
        found = _mobile(text, run, i, strict)
        if found:
            skip, size, finding = found
            if size == 1 or _alone(run, i, skip + size):
                out[finding.start] = finding
    return [out[k] for k in sorted(out)]


_HEX_WORD = re.compile(r"[0-9a-f]+|[0-9A-F]+")
_DIGIT_RUN = re.compile(r"[0-9]+")


def _hash_like(text: str, start: int, end: int) -> bool:
    """True inside a digest: a long word of hex digits (sha256, md5), or a base64-like word whose
    digits are spread over several runs. One run of digits among letters is a number glued to
    letters (zhangsanABC11010519491231002Xhaoma) and is reported."""
    if start == 0 or end >= len(text) or not (text[start - 1].isascii() and text[start - 1].isalnum()
                                              and text[end].isascii() and text[end].isalnum()):
        return False
    left = start
    while left > 0 and start - left < 200 and text[left - 1].isascii() and text[left - 1].isalnum():
        left -= 1
    right = end
    while right < len(text) and right - end < 200 and text[right].isascii() and text[right].isalnum():
        right += 1
    if right - left < 32:
        return False
    if _HEX_WORD.fullmatch(text, left, right):
        return True
    outside = text[left:start] + " " + text[end:right]
    return len(_DIGIT_RUN.findall(outside)) >= 3


def _scan_run(text: str, run: list[_Group], strict: bool) -> Iterator[Finding]:
    found: list[Finding] = []
    rest: list[_Group] = []
    ends = [0]
    for g in run:
        ends.append(ends[-1] + len(g.digits))
    i = 0
    while i < len(run):
        for size in range(min(19, len(run) - i), 0, -1):
            # IDs and cards have 15 to 19 characters (the X comes on top of the digits)
            hit = 15 <= ends[i + size] - ends[i] <= 19 and _strong(text, run, i, size, strict)
            if hit:
                break
        else:
            hit = None
        if hit:
            found += _mobiles(text, rest, strict)
            found.append(hit)
            rest = []
            i += size
        else:
            rest.append(run[i])
            i += 1
    found += _mobiles(text, rest, strict)
    for finding in found:
        if not _hash_like(text, finding.start, finding.end):
            yield finding


def _surely_none(text: str) -> bool:
    """A fast answer for most text (a page's markup, a sentence): no number can be in it, because it
    has fewer than 11 ASCII digits, no other digit and nothing escaped. Everything else is read."""
    if len(text) < 11 or "&" in text or "%" in text or "\\" in text:
        return len(text) < 11
    if sum(map(text.count, "0123456789")) >= 11:
        return False
    return text.isascii() or _patterns()[2].search(text) is None


def find(text: str, strict: bool = False) -> Iterator[Finding]:
    """Every personal number in ``text``, in order, with offsets into ``text``.

    ``text`` may be Markdown source or built HTML/XML/JSON (see the module
    docstring for the forms read). IDs and bank cards are always reported.
    Mobiles (``privacy.phone``) are always reported too: a mobile is only a
    problem in a privacy category (低保, 补贴 lists), so callers outside one
    drop them. ``strict`` says the text *is* in a privacy category; it adds
    18-character IDs whose area code and birth date are valid but whose
    check character is wrong (a miscopied ID is still a person's ID), as
    ``privacy.id-number`` with ``checked=False``, and mobiles written one
    digit a group or with thousands separators.
    """
    if _surely_none(text):
        return
    for region in _patterns()[0].finditer(text):
        if region.end() - region.start() < 11:
            continue
        for run in _runs(region.group(), region.start()):
            if sum(len(g.digits) for g in run) >= 11:
                yield from _scan_run(text, run, strict)


def digits_of(text: str) -> str:
    """The digits (and a check character X) of a number as written, read as a villager reads them."""
    return "".join(d for run in _runs(text, 0) for g in run for d in [*g.digits, "X" if g.x else ""])


def mask(code: str, text: str) -> str:
    """The masked form used by local governments: 440308********1234, 138****1234."""
    digits = digits_of(text) if not re.fullmatch(r"[0-9X]+", text) else text
    if code == ID_NUMBER:
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    if code == BANK_CARD:
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    return digits[:3] + "****" + digits[-4:]


PRIVATE_COLUMNS = ("身份证", "证件号", "银行卡", "卡号", "账号", "帐号", "手机", "联系电话", "电话号码",
                   "家庭住址", "住址", "家庭地址", "出生日期")

_MESSAGES = {
    ID_NUMBER: "出现了完整的身份证号码（{masked}）。公开栏不得公布身份证号码；如确需核对，请只保留前6位和后4位，"
               "写成 {masked}。运行 gongkai mask {path} 可自动处理。",
    BANK_CARD: "出现了银行卡号（{masked}）。公开栏不得公布银行卡号或账号；请删除，或只保留前4位和后4位，写成 {masked}。"
               "运行 gongkai mask {path} 可自动处理。",
    PHONE: "出现了手机号码（{masked}）。涉及个人隐私的公开内容不得公布个人手机号；请删除，或写成 {masked}，"
           "或改写村委会办公电话。运行 gongkai mask {path} 可自动处理。",
}
_UNCHECKED_ID = ("出现了疑似身份证号码（{masked}）：地区码和出生日期都像身份证号，只有最后一位校验码对不上，"
                 "多半是抄错了一位的身份证号码。涉及个人隐私的公开内容不得公布身份证号码；请只保留前6位和后4位，"
                 "写成 {masked}。运行 gongkai mask {path} 可自动处理。")


def message(finding: Finding, path: str) -> str:
    """What is wrong and how to fix it. Never holds the number itself, only its masked form:
    messages are printed in CI logs and written into the site's status.json."""
    template = _MESSAGES[finding.code] if finding.checked else _UNCHECKED_ID
    return template.format(masked=finding.masked, path=path)


def column_message(column: str, category_name: str) -> str:
    return (f"“{category_name}”的表格不得设“{column}”一列：这类公开只列户主姓名、人数、金额、类别等必要信息"
            "（《个人信息保护法》第二十五条）。请删除这一列。")


def mask_text(text: str, strict: bool = True) -> tuple[str, list[tuple[int, str, str]]]:
    """``text`` with every personal number masked, and (line, number as read, masked) per change.

    Masks everything ``find(text, strict)`` reports; strict (the default)
    is the privacy-category view, so the file passes whatever its category.
    A number written across markup, entities or separators is replaced
    whole, from its first to its last character; every other character
    (a BOM, CRLF line ends) stays as it was.
    """
    changes = []
    pieces, last = [], 0
    for finding in find(text, strict):
        if finding.start < last:
            continue
        pieces.append(text[last:finding.start])
        pieces.append(finding.masked)
        last = finding.end
        changes.append((text.count("\n", 0, finding.start) + 1, finding.digits, finding.masked))
    pieces.append(text[last:])
    return "".join(pieces), changes


def mask_file(path, strict: bool = True) -> list[tuple[int, str, str]]:
    """Mask a file in place; every other byte (BOM, CRLF) stays as it was."""
    data = path.read_bytes()
    text = data.decode("utf-8")  # a BOM survives as U+FEFF and is written back unchanged
    masked, changes = mask_text(text, strict)
    if changes:
        path.write_bytes(masked.encode("utf-8"))
    return changes
