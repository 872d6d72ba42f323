"""Finance arithmetic, with Decimal to the fen.

* ``finance.balance``: opening + income − expense = closing.
* ``finance.continuity``: a period opens with the previous period's closing.
* ``table.total``: a 合计/总计 row equals the sum of the rows above it; a
  小计 row the sum of the rows since the previous 小计.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .notices import Notice
from .privacy import split_row, table_headers

FEN = Decimal("0.01")
_AMOUNT = re.compile(r"^\(?[-−]?[¥￥]?\s*\d[\d,，]*(\.\d+)?\s*(元)?\)?$")
TOTAL_WORDS = ("合计", "总计")
SUBTOTAL_WORDS = ("小计",)


def yuan(value: Decimal) -> str:
    return f"{value.quantize(FEN):,}"


def parse_amount(cell: str) -> Decimal | None:
    """An amount as written in a table cell, or None when the cell is not one."""
    text = cell.strip().replace("**", "").strip()
    if not text or not _AMOUNT.match(text):
        return None
    negative = (text.startswith("(") and text.endswith(")")) or "-" in text or "−" in text
    digits = re.sub(r"[^\d.]", "", text)
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if negative else value


def balance_error(notice: Notice) -> str | None:
    b = notice.balance
    if b is None:
        return None
    expected = b.opening + b.income - b.expense
    if expected.quantize(FEN) == b.closing.quantize(FEN):
        return None
    return (f"收支余额对不上：期初 {yuan(b.opening)} + 收入 {yuan(b.income)} − 支出 {yuan(b.expense)} "
            f"= {yuan(expected)}，但期末余额写的是 {yuan(b.closing)}（相差 {yuan(b.closing - expected)}）。"
            "请核对四个数字。")


def continuity_errors(notices: Iterable[Notice]) -> Iterator[tuple[Notice, str]]:
    """For one section's notices: each period must open with the previous period's closing."""
    latest: dict[str, Notice] = {}
    for notice in sorted(notices, key=lambda n: (n.date, n.path)):
        if notice.balance is not None and notice.period is not None and notice.status == "published":
            latest[str(notice.period)] = notice  # a correction replaces the original
    by_end = {n.period.end: n for n in latest.values()}
    for notice in latest.values():
        before = by_end.get(notice.period.start.fromordinal(notice.period.start.toordinal() - 1))
        if before is None:
            continue
        if before.balance.closing.quantize(FEN) != notice.balance.opening.quantize(FEN):
            yield notice, (f"期初余额 {yuan(notice.balance.opening)} 与上一期（{before.period.label}，"
                           f"{before.path}）的期末余额 {yuan(before.balance.closing)} 不一致。"
                           "请核对本期期初或上一期期末；如上一期有误，请更正上一期并写明更正记录。")


@dataclass(frozen=True)
class TotalError:
    line: int  # 0-based index in the body
    message: str


def table_errors(body: str) -> Iterator[TotalError]:
    """Every 合计/小计 row that is not the sum of the rows above it."""
    lines = body.split("\n")
    for header_index, header in table_headers(lines):
        rows = []
        i = header_index + 2
        while i < len(lines) and "|" in lines[i] and lines[i].strip():
            rows.append((i, split_row(lines[i])))
            i += 1
        yield from _check_table(header, rows)


def _kind(cells: list[str]) -> str | None:
    label = "".join(cells[:2])
    if any(w in label for w in SUBTOTAL_WORDS):
        return "subtotal"
    if any(w in label for w in TOTAL_WORDS):
        return "total"
    return None


def _check_table(header: list[str], rows: list[tuple[int, list[str]]]) -> Iterator[TotalError]:
    width = len(header)
    numeric = [True] * width  # a column is summed only while every filled cell above is a number
    total = [Decimal(0)] * width
    group = [Decimal(0)] * width
    for index, cells in rows:
        kind = _kind(cells)
        if kind is None:
            for col in range(width):
                cell = cells[col] if col < len(cells) else ""
                value = parse_amount(cell)
                if value is None:
                    if cell.strip() not in ("", "-", "—", "/"):
                        numeric[col] = False
                    continue
                total[col] += value
                group[col] += value
            continue
        expected_row = group if kind == "subtotal" else total
        for col in range(1, width):
            cell = cells[col] if col < len(cells) else ""
            written = parse_amount(cell)
            if written is None or not numeric[col]:
                continue
            expected = expected_row[col]
            if written.quantize(FEN) != expected.quantize(FEN):
                word = "小计" if kind == "subtotal" else "合计"
                yield TotalError(index, f"表格“{header[col]}”一列的{word}写的是 {cell.strip()}，但上面各行相加是 "
                                        f"{yuan(expected)}（相差 {yuan(written - expected)}）。请核对各行金额和{word}。")
        if kind == "subtotal":
            group = [Decimal(0)] * width
