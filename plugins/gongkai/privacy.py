"""Personal numbers that must never be published: ID, bank card, mobile.

Detection follows the numbers' own rules (DOMAIN.md "Personal numbers"):
resident IDs by GB 11643 (area, birth date, MOD 11-2 check character) and
the legacy 15-digit form; bank cards by length and the Luhn check; mobiles
by ``1[3-9]`` and 11 digits standing alone. Numbers that fail the rules
(contract numbers, order numbers) and masked forms pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

ID_NUMBER, BANK_CARD, PHONE = "privacy.id-number", "privacy.bank-card", "privacy.phone"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
              50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}

# A run of digits (optionally grouped by spaces or hyphens, as cards and
# phones are written) that no other digit or letter touches.
_RUN = re.compile(r"(?<![0-9A-Za-z])\d(?:[\d]|[ \-](?=\d)){10,22}[\dXx]?(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Finding:
    code: str
    start: int
    end: int
    text: str

    @property
    def masked(self) -> str:
        return mask(self.code, self.text)


def _valid_birth(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1890, 1, 1) <= born <= dt.date.today()


def is_id_number(digits: str) -> bool:
    if len(digits) == 18:
        if not digits[:17].isdigit() or int(digits[:2]) not in _PROVINCES:
            return False
        if not _valid_birth(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])):
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


def classify(text: str) -> str | None:
    """What a run of digits is, if it is a personal number."""
    digits = re.sub(r"[ \-]", "", text)
    grouped = digits != text
    if not grouped and is_id_number(digits):
        return ID_NUMBER
    if is_bank_card(digits):
        return BANK_CARD
    if is_mobile(digits):
        return PHONE
    return None


def find(text: str) -> Iterator[Finding]:
    """Every personal number in ``text``, in order."""
    for match in _RUN.finditer(text):
        found = match.group(0).rstrip(" -")
        code = classify(found)
        if code is None and " " in found:
            # "电话 138 1234 5678 或 139…": try the pieces that stand alone
            for piece in re.finditer(r"\d[\d\-]*[\dXx]", found):
                sub = classify(piece.group(0))
                if sub:
                    yield Finding(sub, match.start() + piece.start(), match.start() + piece.end(), piece.group(0))
            continue
        if code:
            yield Finding(code, match.start(), match.start() + len(found), found)


def mask(code: str, text: str) -> str:
    """The masked form used by local governments: 440308********1234, 138****1234."""
    digits = re.sub(r"[ \-]", "", text)
    if code == ID_NUMBER:
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    if code == BANK_CARD:
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    return digits[:3] + "****" + digits[-4:]


PRIVATE_COLUMNS = ("身份证", "证件号", "银行卡", "卡号", "账号", "帐号", "手机", "联系电话", "电话号码",
                   "家庭住址", "住址", "家庭地址", "出生日期")

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def table_headers(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(index, cells) of each Markdown table's header row."""
    for i in range(len(lines) - 1):
        if "|" in lines[i] and "-" in lines[i + 1] and _SEPARATOR.match(lines[i + 1]):
            yield i, split_row(lines[i])


def split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [cell.strip() for cell in line.split("|")]


_MESSAGES = {
    ID_NUMBER: "出现了完整的身份证号码“{text}”。公开栏不得公布身份证号码；如确需核对，请只保留前6位和后4位，"
               "写成 {masked}。运行 gongkai mask {path} 可自动处理。",
    BANK_CARD: "出现了银行卡号“{text}”。公开栏不得公布银行卡号或账号；请删除，或只保留前4位和后4位，写成 {masked}。"
               "运行 gongkai mask {path} 可自动处理。",
    PHONE: "出现了手机号码“{text}”。涉及个人隐私的公开内容不得公布个人手机号；请删除，或写成 {masked}，"
           "或改写村委会办公电话。运行 gongkai mask {path} 可自动处理。",
}


def message(finding: Finding, path: str) -> str:
    return _MESSAGES[finding.code].format(text=finding.text, masked=finding.masked, path=path)


def column_message(column: str, category_name: str) -> str:
    return (f"“{category_name}”的表格不得设“{column}”一列：这类公开只列户主姓名、人数、金额、类别等必要信息"
            "（《个人信息保护法》第二十五条）。请删除这一列。")


_BOM = "\ufeff"


def mask_text(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """``text`` with every personal number masked, and (line, before, after) per change."""
    changes = []
    pieces, last = [], 0
    for finding in find(text):
        pieces.append(text[last:finding.start])
        pieces.append(finding.masked)
        last = finding.end
        changes.append((text.count("\n", 0, finding.start) + 1, finding.text, finding.masked))
    pieces.append(text[last:])
    return "".join(pieces), changes


def mask_file(path) -> list[tuple[int, str, str]]:
    """Mask a file in place; every other byte (BOM, CRLF) stays as it was."""
    data = path.read_bytes()
    text = data.decode("utf-8")  # a BOM survives as U+FEFF and is written back unchanged
    masked, changes = mask_text(text)
    if changes:
        path.write_bytes(masked.encode("utf-8"))
    return changes
