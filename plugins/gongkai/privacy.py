"""Personal numbers that must never be published: ID, bank card, mobile.

Detection follows the numbers' own rules (docs/design.md, "Personal numbers"):
resident IDs by GB 11643 (area, birth date, MOD 11-2 check character) and
the legacy 15-digit form; bank cards by length, issuer and the Luhn check;
mobiles by ``1[3-9]`` and 11 digits. Numbers that fail the rules (contract
numbers, order numbers, amounts, dates, landlines) and masked forms pass.

The detector reads a number the way a villager reads it on the board, not
the way it is typed. Before the rules are applied, every run of digits is
read through:

* Unicode: full-width and other decimal digits (``１１０１０５``, ``Ｘ``);
* invisible characters: zero-width space/joiners, word joiner, BOM, soft
  hyphen;
* character references: ``&#49;``, ``&#x31;``, ``&amp;#49;``, ``&nbsp;`` and
  JSON escapes ``\\u0031`` (the sanitiser and the browser turn them into
  digits);
* inline markup inside a number: ``<span>``, ``<b>``, ``<!-- -->``,
  ``**``, ``_``, backticks (block tags such as ``<td>``/``<p>`` and table
  pipes end a number, as they do on the page);
* separators between digit groups: spaces (NBSP, U+3000, thin spaces),
  dashes, dots and one line break, e.g. ``110105 19491231 002X``,
  ``6222.0212.3456.7890``, ``138-1234-5678``, ``+86 138 1234 5678``.

Grouped numbers count only in the shapes people write them (IDs 6-8-4,
6-4-4-4, 4-4-4-4-2, 6-12; legacy 6-6-3; cards in fours, or 6-13; mobiles
3-4-4, 3-8), so a row of amounts or dates is never glued into a number.
Digits glued to other digits make another number: a 20-digit run holds no
ID. Every finding carries exact offsets into the original text, covering
the number from its first to its last character (markup in between
included), so that :func:`mask_text` can replace it.
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
# (raw, full-width, or encoded as an entity or JSON escape) and continues over
# digits, separators, invisible characters and inline markup, and is long
# enough to hold 11 digits. Only those regions are read token by token.

_DIGIT = (r"(?:\d|&(?:amp;)*\#(?:0*(?:4[89]|5[0-7]|6529[6-9]|6530[0-5])|[xX]0*(?:3[0-9]|[fF][fF]1[0-9]))"
          r"(?:;|(?![0-9A-Za-z]))|\\u(?:003[0-9]|[fF][fF]1[0-9]))")
_X = r"(?:[XxＸｘ]|&(?:amp;)*\#(?:0*(?:88|120)|[xX]0*(?:58|78))(?:;|(?![0-9A-Za-z]))|\\u00(?:58|78))"
_INLINE_TAGS = "span|b|strong|em|i|u|s|font|a|code|mark|ins|del|small|big|abbr|kbd|samp|var|tt|bdi|bdo|wbr|br|o:p"
_TAG = rf"<!--[\s\S]{{0,300}}?-->|</?(?:{_INLINE_TAGS})(?![\w:-])[^<>]{{0,300}}>"
_ENCODED = (r"&(?:amp;)*\#(?:[0-9]{1,7}|[xX][0-9a-fA-F]{1,6})(?:;|(?![0-9A-Za-z]))"
            r"|&(?:amp;)*[A-Za-z][A-Za-z0-9]{1,31};|\\u[0-9a-fA-F]{4}|\\[nr]")
_SPACES = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DOTS = ".\u00b7\u2027\u30fb\uff0e\u3002\uff61"
_NEWLINES = "\n\r\u2028\u2029"
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f"
_GLUE_CHARS = "[" + re.escape(_SPACES + _DASHES + _DOTS + _NEWLINES + _INVISIBLE + "*_`~\\") + "]"
_GLUE = rf"(?:{_TAG}|{_ENCODED}|{_GLUE_CHARS})"
# the lookahead skips, inside the regex engine, every digit not followed by ten more tokens of a number
_REGION = re.compile(rf"{_DIGIT}(?=(?:{_DIGIT}|{_GLUE}|{_X}){{10}})(?:{_GLUE}{{0,24}}(?:{_DIGIT}|{_X}))*")
_TOKEN = re.compile(rf"(?P<tag>{_TAG})|(?P<enc>{_ENCODED})|(?P<md>\*+|_+|`+|~+)|(?P<crlf>\r\n)|(?P<ch>[\s\S])")
_BR = re.compile(r"<br\b", re.IGNORECASE)
_AMP = re.compile(r"^&(?:amp;)+")

_SEP_KIND = {**dict.fromkeys(_SPACES, " "), **dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_DOTS, ".")}

# token kinds
_D, _XC, _SEP, _NL, _INV, _BREAK = range(6)


@functools.lru_cache(maxsize=4096)
def _char_kind(ch: str) -> tuple[int, str]:
    if len(ch) != 1:
        return _BREAK, ""
    value = unicodedata.decimal(ch, None)
    if value is not None:
        return _D, str(value)
    if unicodedata.normalize("NFKC", ch) in ("X", "x"):
        return _XC, "X"
    if ch in _SEP_KIND:
        return _SEP, _SEP_KIND[ch]
    if ch in _NEWLINES:
        return _NL, ""
    if ch in _INVISIBLE:
        return _INV, ""
    return _BREAK, ""


def _decode(token: str) -> str:
    if token[0] == "\\":
        return "\n" if token[1] in "nr" else chr(int(token[2:], 16))
    token = _AMP.sub("&", token)
    return html.unescape(token if token.endswith(";") else token + ";")


def _token_kind(match: re.Match) -> tuple[int, str]:
    kind = match.lastgroup
    token = match.group()
    if kind == "ch":
        return _char_kind(token)
    if kind == "crlf":
        return _NL, ""
    if token == "\\":  # a Markdown escape: 1101\-05
        return _INV, ""
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
        self.sep = ""  # the kinds of separator before this group: " ", "-", ".", "\n" or a mix


def _runs(region: str, offset: int) -> Iterator[list[_Group]]:
    """Runs of digit groups in a candidate region: groups joined by at most two separators, one line break."""
    run: list[_Group] = []
    group = _Group()
    separators = newlines = 0
    kinds: list[str] = []
    for match in _TOKEN.finditer(region):
        kind, value = _token_kind(match)
        if kind == _D:
            if separators:
                if separators > 2 or newlines > 1:
                    if run:
                        yield run
                    run = []
                run.append(group)
                group = _Group()
                group.wrapped = separators == newlines == 1
                group.sep = "".join(kinds)
                separators = newlines = 0
                kinds = []
            group.digits.append(value)
            group.spans.append((offset + match.start(), offset + match.end()))
        elif kind == _INV:
            continue
        elif kind in (_SEP, _NL) and group.digits:
            separators += 1
            newlines += kind == _NL
            kinds.append(value or "\n")
        else:
            if kind == _XC and group.digits and separators <= 1:  # "…002X", "…002\nX"
                group.x = (offset + match.start(), offset + match.end())
            if group.digits:
                run.append(group)
            if run:
                yield run
            run, group = [], _Group()
            separators = newlines = 0
            kinds = []
    if group.digits:
        run.append(group)
    if run:
        yield run


_ID18_SHAPES = {(18,), (6, 8, 4), (6, 4, 4, 4), (4, 4, 4, 4, 2), (6, 12)}
_CARD_SHAPES = {(n,) for n in range(16, 20)} | {(4, 4, 4, 4), (4, 4, 4, 4, 1), (4, 4, 4, 4, 2), (4, 4, 4, 4, 3),
                                                (6, 13)}
_MOBILE_SHAPES = {(11,), (3, 4, 4), (3, 8)}
_CARD_ISSUERS = "34569"  # UnionPay 62, Visa 4, Mastercard 5, JCB/Amex 3, domestic 9 (9558…)
_PREFIXES = ("86", "0086")


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


def _strong(text: str, run: list[_Group], i: int, size: int, strict: bool) -> Finding | None:
    """An ID or bank card written as groups ``run[i:i+size]`` (checked by its own rules), if it is one.

    A checked ID may also be wrapped onto a new line anywhere; grouped cards
    and unchecked IDs (weaker checks) must stand alone, see :func:`_alone`.
    """
    window = run[i:i + size]
    shape = tuple(len(g.digits) for g in window)
    shapes = set(_shapes(window))
    digits = "".join(d for g in window for d in g.digits)
    alone = size == 1 or _alone(run, i, size)
    if window[-1].x:
        if {(*s[:-1], s[-1] + 1) for s in shapes} & _ID18_SHAPES and is_id_number(digits + "X"):
            return _finding(ID_NUMBER, text, window, x=True)
        if strict and alone and (*shape[:-1], shape[-1] + 1) in _ID18_SHAPES and _id_shaped(digits + "X"):
            return _finding(ID_NUMBER, text, window, x=True, checked=False)
    if shapes & _ID18_SHAPES and is_id_number(digits):
        return _finding(ID_NUMBER, text, window)
    if size == 1 and len(digits) == 15 and is_id_number(digits):
        return _finding(ID_NUMBER, text, window)
    if alone and shape in _CARD_SHAPES and digits[0] in _CARD_ISSUERS and is_bank_card(digits):
        return _finding(BANK_CARD, text, window)
    if strict and alone and shape in _ID18_SHAPES and _id_shaped(digits):
        return _finding(ID_NUMBER, text, window, checked=False)
    return None


_PLUS = re.compile(r"(?:\+|＋|&#0*43;|&#[xX]0*2[bB];|\\u002[bB])$")


def _mobile(text: str, run: list[_Group], i: int) -> tuple[int, int, Finding] | None:
    """A mobile starting at group ``i``: (prefix groups, groups, finding).

    The country code may stand as its own group (``+86 138…``, ``0086-138…``)
    or be glued on (``+8613812345678``, ``008613812345678``).
    """
    if len(run[i].digits) not in (2, 3, 4, 5, 7, 11, 13, 15):  # 86, 0086, a mobile's first group, glued
        return None
    skip = 1 if "".join(run[i].digits) in _PREFIXES and i + 1 < len(run) else 0
    for size in (4, 3, 2, 1):
        window = run[i + skip:i + skip + size]
        if len(window) < size:
            continue
        digits = "".join(d for g in window for d in g.digits)
        cuts = [0]
        if not skip and digits.startswith("0086"):
            cuts.append(4)
        if not skip and digits.startswith("86") and _PLUS.search(text, max(0, window[0].spans[0][0] - 12),
                                                                   window[0].spans[0][0]):
            cuts.append(2)
        for cut in cuts:
            if is_mobile(digits[cut:]) and next(_shapes(window, cut)) in _MOBILE_SHAPES:
                return skip, size, _finding(PHONE, text, window, skip=cut)
    return None


def _mobiles(text: str, run: list[_Group]) -> list[Finding]:
    """Mobiles in a run that holds no ID or card.

    A grouped mobile (138 1234 5678) counts where it stands alone (see
    :func:`_alone`) or where the whole run is made of mobiles, so that a row
    of small amounts (3500 130 2500 3000 1200) is not read as a phone number.
    """
    tiled, i = [], 0
    while i < len(run):
        found = _mobile(text, run, i)
        if found is None:
            break
        tiled.append(found[2])
        i += found[0] + found[1]
    if i == len(run):
        return tiled
    out = {}
    for i in range(len(run)):
        found = _mobile(text, run, i)
        if found:
            skip, size, finding = found
            if size == 1 or _alone(run, i, skip + size):
                out[finding.start] = finding
    return [out[k] for k in sorted(out)]


def _hash_like(text: str, start: int, end: int, digits: int) -> bool:
    """True inside a long letters-and-digits word (a digest, base64), which nobody reads as a number."""
    if start == 0 or end >= len(text) or not (text[start - 1].isascii() and text[start - 1].isalnum()
                                              and text[end].isascii() and text[end].isalnum()):
        return False
    left = start
    while left > 0 and start - left < 200 and text[left - 1].isascii() and text[left - 1].isalnum():
        left -= 1
    right = end
    while right < len(text) and right - end < 200 and text[right].isascii() and text[right].isalnum():
        right += 1
    return (start - left) + digits + (right - end) >= 32


def _scan_run(text: str, run: list[_Group], strict: bool) -> Iterator[Finding]:
    found: list[Finding] = []
    rest: list[_Group] = []
    ends = [0]
    for g in run:
        ends.append(ends[-1] + len(g.digits))
    i = 0
    while i < len(run):
        for size in range(min(6, len(run) - i), 0, -1):
            # IDs and cards have 15 to 19 characters (the X comes on top of the digits)
            hit = 14 <= ends[i + size] - ends[i] <= 19 and _strong(text, run, i, size, strict)
            if hit:
                break
        else:
            hit = None
        if hit:
            found += _mobiles(text, rest)
            found.append(hit)
            rest = []
            i += size
        else:
            rest.append(run[i])
            i += 1
    found += _mobiles(text, rest)
    for finding in found:
        if not _hash_like(text, finding.start, finding.end, len(finding.digits)):
            yield finding


def find(text: str, strict: bool = False) -> Iterator[Finding]:
    """Every personal number in ``text``, in order, with offsets into ``text``.

    ``text`` may be Markdown source or built HTML/XML/JSON (see the module
    docstring for the forms read). IDs and bank cards are always reported.
    Mobiles (``privacy.phone``) are always reported too: a mobile is only a
    problem in a privacy category (低保, 补贴 lists), so callers outside one
    drop them. ``strict`` says the text *is* in a privacy category; it adds
    18-character IDs whose area code and birth date are valid but whose
    check character is wrong (a miscopied ID is still a person's ID), as
    ``privacy.id-number`` with ``checked=False``.
    """
    if len(text) < 11:
        return
    for region in _REGION.finditer(text):
        if region.end() - region.start() < 11:
            continue
        for run in _runs(region.group(), region.start()):
            if sum(len(g.digits) for g in run) >= 11:
                yield from _scan_run(text, run, strict)


def scan_published(text: str, strict: bool) -> list[Finding]:
    """The last gate over a built file (HTML, XML, JSON): what must not go online.

    Reads HTML-escaped, tag-interrupted and JSON-escaped numbers like
    :func:`find`. ``strict`` (the file belongs to a privacy category) reports
    every kind including mobiles; otherwise only IDs and bank cards.
    """
    return [f for f in find(text, strict) if strict or f.code != PHONE]


def classify(text: str) -> str | None:
    """What ``text`` is, if the whole of it (less surrounding space) is one personal number."""
    stripped = text.strip()
    found = list(find(stripped))
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return found[0].code
    return None


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
