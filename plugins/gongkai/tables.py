"""Markdown tables as text: the one reader for the checks that look inside them.

The privacy column check (a 身份证 column), the 合计 check and the styling
of total rows all read tables the same way: a header row is a line with a
``|`` followed by a separator row (``|---|---:|``); its body runs to the
first line without a ``|``; a cell is what lies between two pipes. A table
pasted from a spreadsheet (cells between tabs, :func:`pasted`) is read too,
so its 合计 is checked before the clerk turns it into a real table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

TOTAL_WORDS = ("合计", "总计")  # the sum of every row above
SUBTOTAL_WORDS = ("小计",)  # the sum of the rows since the previous 小计
TOTAL, SUBTOTAL = "total", "subtotal"
RUNNING_WORDS = ("余额",)  # a running balance (a ledger's 余额 column): never the sum of the rows above
_SPACED_TOTAL = re.compile(r"[合总小]\s*计")  # 合  计, as finance software pads it

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def headers(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(index, cells) of each Markdown table's header row."""
    for i in range(len(lines) - 1):
        if "|" in lines[i] and "-" in lines[i + 1] and _SEPARATOR.match(lines[i + 1]):
            yield i, split_row(lines[i])


def body_rows(lines: list[str], header_index: int) -> list[tuple[int, list[str]]]:
    """(index, cells) of each row below the header at ``header_index`` and its separator."""
    rows = []
    i = header_index + 2
    while i < len(lines) and "|" in lines[i] and lines[i].strip():
        rows.append((i, split_row(lines[i])))
        i += 1
    return rows


def pasted(lines: list[str]) -> Iterator[list[tuple[int, list[str]]]]:
    """Tables copied out of Excel or WPS into a text editor: (index, cells) of each line of a run of two
    or more lines whose cells tabs separate. Markdown shows such a run as one jumbled paragraph."""
    run: list[tuple[int, list[str]]] = []
    for i, line in enumerate([*lines, ""]):
        if "\t" in line and line.strip() and not line.lstrip().startswith("|"):
            run.append((i, [cell.strip() for cell in line.split("\t")]))
            continue
        if len(run) >= 2 and sum(1 for j, _ in run if _TAB_BETWEEN.search(lines[j])) >= 2:
            yield run
        run = []


_TAB_BETWEEN = re.compile(r"\S\t+\S")  # text on both sides of a tab: cells, not an indented line


def split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [cell.strip() for cell in line.split("|")]


def row_kind(cells: list[str]) -> str | None:
    """TOTAL or SUBTOTAL when the row's label (its first two cells) says so, else None."""
    label = re.sub(r"\s+", "", "".join(cells[:2]))  # 合　计 is 合计
    if any(w in label for w in SUBTOTAL_WORDS):
        return SUBTOTAL
    if any(w in label for w in TOTAL_WORDS):
        return TOTAL
    return None


def mentions_totals(text: str) -> bool:
    """Whether ``text`` could hold a total row at all (a quick test before parsing)."""
    return any(word in text for word in (*TOTAL_WORDS, *SUBTOTAL_WORDS)) or bool(_SPACED_TOTAL.search(text))
