"""Finance arithmetic, with Decimal to the fen.

* ``finance.balance``: opening + income − expense = closing.
* ``finance.continuity``: a period opens with the previous period's closing.
* ``table.total``: a 合计/总计 row equals the sum of the rows above it; a
  小计 row the sum of the rows since the previous 小计 (the words and the
  table reader are :mod:`.tables`').
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .notices import FieldError, Notice, amount
from .periods import Period
from .tables import RUNNING_WORDS, SUBTOTAL, body_rows, headers, mentions_totals, pasted, row_kind

FEN = Decimal("0.01")


def yuan(value: Decimal) -> str:
    return f"{value.quantize(FEN):,}"


def parse_amount(cell: str) -> Decimal | None:
    """An amount as written in a table cell (read by :func:`.notices.amount`), or None when it is not one."""
    text = cell.replace("**", "").strip()
    if not any(ch.isdigit() for ch in text):
        return None  # words: most cells of a table, and no amount
    try:
        return amount(text)
    except FieldError:
        return None


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


def balances_by_period(notices: Iterable[Notice]) -> list[Notice]:
    """One section's published notices with a balance, one per period, oldest period first.

    A later notice for the same period (a correction) replaces the one it corrects.
    """
    latest: dict[str, Notice] = {}
    for notice in sorted(notices, key=lambda n: (n.date, n.path)):
        if notice.balance is not None and notice.period is not None and notice.status == "published":
            latest[str(notice.period)] = notice
    return sorted(latest.values(), key=lambda n: n.period.sort_key)


def previous_balance(notices: Iterable[Notice], period: Period) -> Notice | None:
    """The published notice whose balance ``period`` opens with (the period just before it), or None."""
    return {n.period.end: n for n in balances_by_period(notices)}.get(period.previous_end)


def continuity_errors(notices: Iterable[Notice]) -> Iterator[tuple[Notice, str]]:
    """For one section's notices: each period must open with the previous period's closing."""
    latest = balances_by_period(notices)
    by_end = {n.period.end: n for n in latest}
    for notice in latest:
        before = by_end.get(notice.period.previous_end)
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
    if not mentions_totals(body):
        return
    lines = body.split("\n")
    for header_index, header in headers(lines):
        yield from _check_table(header, body_rows(lines, header_index))
    for rows in pasted(lines):
        yield from _check_table(*pasted_header(rows))


def pasted_header(rows: list[tuple[int, list[str]]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A pasted table's header and rows: its first line is a header unless it holds an amount (a copy of rows only)."""
    width = max(len(cells) for _, cells in rows)
    first = rows[0][1]
    if any(parse_amount(cell) is not None for cell in first[1:]):
        return [""] * width, rows
    return first + [""] * (width - len(first)), rows[1:]


def _check_table(header: list[str], rows: list[tuple[int, list[str]]]) -> Iterator[TotalError]:
    kinds = [row_kind(cells) for _, cells in rows]
    if not any(kinds):
        return
    totals = [cells for (_, cells), kind in zip(rows, kinds, strict=True) if kind]
    # Only columns with a number in some total row are summed: names and notes cost nothing.
    # A running balance (余额) is not added up: its 合计 row holds the closing balance.
    columns = [col for col in range(1, len(header)) if not any(word in header[col] for word in RUNNING_WORDS)
               and any(col < len(cells) and parse_amount(cells[col]) is not None for cells in totals)]
    found: list[tuple[int, int, str]] = []
    for col in columns:
        numeric = True  # summed only while every filled cell above is a number
        total = group = Decimal(0)
        for (index, cells), kind in zip(rows, kinds, strict=True):
            cell = cells[col] if col < len(cells) else ""
            value = parse_amount(cell)
            if kind is None:
                if value is None:
                    numeric = numeric and cell.strip() in ("", "-", "—", "/")
                else:
                    total += value
                    group += value
                continue
            expected = group if kind == SUBTOTAL else total
            if value is not None and numeric and value.quantize(FEN) != expected.quantize(FEN):
                word = "小计" if kind == SUBTOTAL else "合计"
                column = f"“{header[col]}”一列" if header[col] else f"第 {col + 1} 列"
                found.append((index, col, f"表格{column}的{word}写的是 {cell.strip()}，但上面各行相加是 "
                                          f"{yuan(expected)}（相差 {yuan(value - expected)}）。请核对各行金额和{word}。"))
            if kind == SUBTOTAL:
                group = Decimal(0)
    for index, _, message in sorted(found):
        yield TotalError(index, message)
