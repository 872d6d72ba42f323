"""``gongkai import``: a table a clerk already has (a finance export, the 民政 roster) as a notice's Markdown table.

Reading (:func:`read_table`) turns a spreadsheet into rows of text as the
clerk sees them in Excel or WPS: numbers with the thousands separators and
decimals of their cell format, dates as dates, formulas as the values Excel
saved, merged header cells repeated over the columns they span. ``.xlsx``
is read with openpyxl; ``.csv`` and text tables in any encoding a Chinese
Windows PC writes (UTF-8 with or without BOM, GBK/GB18030, UTF-16), with
the delimiter found from the text (a comma, a tab from a copy out of
Excel, a semicolon). Old ``.xls`` files, ``.et``, ``.ods``, protected or
broken files are refused with what to do instead.

Shaping (:func:`shape`) makes the notice's table: the forbidden columns of
a privacy category refused (or dropped on request), personal numbers
masked, the 合计 rows checked with the same rule ``check`` applies (or a
合计 row added, and said so). Nothing here prints or imports Pelican.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from . import finance, privacy, tables
from .pages import decode_text

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
DELIMITERS = (",", "\t", ";", "，")  # the last: a "CSV" typed by hand with Chinese punctuation
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls, or an .xlsx with a password (Office encrypts into OLE2)
_SAVE_AS = "请在 Excel 或 WPS 表格中打开它，点“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”，再导入另存的文件。"
_NOT_SUMMED = ("序号", "编号", "号码", "标准", "单价", "价格", "比例", "率", "年龄", "年份", "月份", "日期", "时间", "代码")
_SAFE_LIMIT = 50 * 1024 * 1024  # a notice's table, not a database dump: refuse before reading it all
_UNPACKED_LIMIT = 100 * 1024 * 1024  # the same for the XML inside an .xlsx (compressed, it may be tiny)


class ImportFailure(Exception):
    """The file cannot become a notice; the message says why and what to do."""

    exit_code = 1


class ImportUsage(ImportFailure):
    """A command line that does not fit the file (an unknown sheet or column)."""

    exit_code = 2


@dataclass
class Table:
    """Rows of cell texts as the spreadsheet shows them, each with its row number there."""

    name: str  # the file's name, for messages
    rows: list[list[str]]
    numbers: list[int]  # the row number in the spreadsheet (or the line of a CSV) of each row
    sheet: str | None = None  # the sheet read (None for CSV)
    sheets: tuple[str, ...] = ()
    header_rows: int = 1  # how many rows the header spans (merged cells reaching down)
    delimiter: str | None = None  # for CSV


@dataclass
class Shaped:
    """The notice's table and what the clerk should be told about it."""

    lines: list[str]  # paragraphs before, the Markdown table, paragraphs after
    notes: list[str] = field(default_factory=list)
    rows: int = 0
    columns: int = 0
    income: Decimal | None = None  # the 合计 of a 收入 column and of a 支出 column, for a finance notice's balance
    expense: Decimal | None = None


# ---------------------------------------------------------------- reading


def read_table(path: Path, sheet: str | None = None) -> Table:
    """The table in ``path``: the chosen (or first non-empty) sheet of a workbook, or a CSV's rows."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > _SAFE_LIMIT:
            raise ImportFailure(f"{name} 有 {size // 1024 // 1024} MB，太大了，不像是一张公开表。请只把要公开的表另存为一个文件再导入。")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailure(f"找不到文件 {path}。请检查文件名和所在文件夹（可以把文件拖进命令行窗口得到完整路径）。") from None
    except IsADirectoryError:
        raise ImportFailure(f"{path} 是文件夹，不是表格文件。请写出表格文件的名字。") from None
    except PermissionError:
        raise ImportFailure(f"无法打开 {name}：文件正被 Excel、WPS 等程序占用，或没有读取权限。请关闭打开它的程序后再试。") from None
    except OSError as exc:
        raise ImportFailure(f"无法读取 {name}（{exc.strerror or type(exc).__name__}）。") from None
    if name.startswith("~$"):
        raise ImportFailure(f"{name} 是 Excel/WPS 打开文件时生成的临时文件，不是表格本身。请导入不带“~$”的那个文件。")
    if not data.strip(b"\x00 \t\r\n\xef\xbb\xbf\xff\xfe"):
        raise ImportFailure(f"{name} 是空文件，里面没有表格。请确认导出或保存是否成功。")
    suffix = path.suffix.lower()
    not_a_table = f"{name} 不是表格文件。gongkai import 读 Excel 表格（.xlsx）和 CSV 表格（.csv）。"
    if suffix in (".ods", ".numbers"):
        raise ImportFailure(f"{name} 是 {suffix} 格式，gongkai 读不了。{_SAVE_AS}")
    if data.startswith(_OLE2):
        if suffix in SPREADSHEET_SUFFIXES:
            raise ImportFailure(f"{name} 设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开，"
                                "去掉密码（“文件 → 信息 → 保护工作簿”或“文件 → 文档加密”）后另存，再导入。")
        if suffix not in (".xls", ".et", ""):
            raise ImportFailure(not_a_table)  # a Word .doc, a PowerPoint .ppt
        raise ImportFailure(f"{name} 是旧版 Excel 97-2003 格式（.xls）或 WPS 表格格式（.et），gongkai 读不了。{_SAVE_AS}")
    if data.startswith(b"PK"):
        if suffix not in SPREADSHEET_SUFFIXES and suffix not in (".xls", ".et", ""):
            raise ImportFailure(f"{name} 不是 Excel 表格（像是 Word 文档、压缩包或其他文件）。请导入 .xlsx 或 .csv 表格。")
        return _read_workbook(path, data, sheet)
    if suffix in SPREADSHEET_SUFFIXES:
        raise ImportFailure(f"{name} 的扩展名是 {suffix}，但内容不是 Excel 表格，可能已损坏或被改了扩展名。{_SAVE_AS}")
    if suffix not in (*TEXT_SUFFIXES, ".xls", ""):  # an .xls that is text: what many systems' "Excel export" really is
        raise ImportFailure(not_a_table)
    if sheet is not None:
        raise ImportUsage(f"{name} 是文本表格（CSV），没有多个工作表，不用写 --sheet。")
    return _read_text_table(name, data)


def _read_workbook(path: Path, data: bytes, sheet: str | None) -> Table:
    from io import BytesIO

    import openpyxl

    name = path.name
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        unpacked = 0  # openpyxl says what is wrong below
    if unpacked > _UNPACKED_LIMIT:  # a few kilobytes that unpack to gigabytes: refused before openpyxl reads them
        raise ImportFailure(f"{name} 解压后有 {unpacked // 1024 // 1024} MB，太大了，不像是一张公开表。"
                            "请只把要公开的表复制到一个新的工作簿，另存后再导入。")
    try:
        with warnings.catch_warnings():  # "Data Validation extension is not supported": nothing a clerk can act on
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(BytesIO(data), data_only=True)
            formulas = openpyxl.load_workbook(BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise ImportFailure(f"{name} 已损坏或不是 Excel 表格（{type(exc).__name__}），读不出内容。{_SAVE_AS}") from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not quite a workbook
        raise ImportFailure(f"{name} 读不出来（{type(exc).__name__}: {str(exc)[:120]}），可能已损坏，或不是 Excel 保存的。"
                            f"{_SAVE_AS}") from None
    sheets = tuple(ws.title for ws in values.worksheets)
    if not sheets:
        raise ImportFailure(f"{name} 里没有工作表。")
    worksheet = _choose_sheet(name, values, sheet)
    rows, numbers, header_rows = _sheet_rows(name, worksheet, formulas[worksheet.title])
    if not rows:
        raise ImportFailure(f"{name} 的工作表“{worksheet.title}”是空的。" if sheet is not None
                            else f"{name} 的每个工作表都是空的，里面没有表格。")
    return Table(name, rows, numbers, worksheet.title, sheets, header_rows)


def _choose_sheet(name: str, workbook, wanted: str | None):
    """The sheet asked for (by name or by its number, 1 for the first), else the first shown sheet with any value
    (a finance program may keep its codes in a hidden one)."""
    sheets = workbook.worksheets
    if wanted is None:
        for ws in sheets:
            filled = any(cell is not None and str(cell).strip() for row in ws.iter_rows(values_only=True) for cell in row)
            if ws.sheet_state == "visible" and filled:
                return ws
        return sheets[0]
    for ws in sheets:
        if ws.title == wanted or ws.title.strip() == wanted.strip():
            return ws
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(sheets):
        return sheets[int(wanted) - 1]
    listed = "、".join(f"{i}.“{ws.title}”" for i, ws in enumerate(sheets, 1))
    raise ImportUsage(f"{name} 里没有叫“{wanted}”的工作表。它的工作表有：{listed}。请用 --sheet 写其中一个的名字或序号。")


def _sheet_rows(name: str, ws, formulas) -> tuple[list[list[str]], list[int], int]:
    """The sheet's rows as text, their row numbers, and how many rows its header spans."""
    grid: dict[tuple[int, int], str] = {}
    numeric: set[tuple[int, int]] = set()
    missing = []
    for row in ws.iter_rows():
        for cell in row:
            text = cell_text(cell)
            if text:
                grid[cell.row, cell.column] = text
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    numeric.add((cell.row, cell.column))
            elif cell.value is None:
                formula = formulas.cell(cell.row, cell.column).value
                if isinstance(formula, str) and formula.startswith("="):
                    missing.append(cell.coordinate)
    if missing:
        shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise ImportFailure(f"{name} 的 {shown} 是公式，但文件里没有保存公式的计算结果（这个文件是程序生成、没有用 Excel 打开保存过的）。"
                            "请在 Excel 或 WPS 中打开它，保存一次，再导入。")
    if not grid:
        return [], [], 1
    top = _header_row(grid)  # before merged cells are spread: a title merged over the width is one cell
    header_end = top
    for merged in sorted(ws.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col)):
        if merged.min_row < top:
            continue  # the title above the table stays one line
        if merged.min_row == top:  # a header cell merged downwards (户主姓名 over two rows) extends the header,
            # and one merged across columns (补贴 over 面积 and 金额) has its sub-headings in the row below: a row of words
            below = [text for (r, _), text in grid.items() if r == top + 1]
            subheadings = any(grid.get((top + 1, c)) for c in range(merged.min_col, merged.max_col + 1)) and not any(
                finance.parse_amount(text) is not None for text in below)
            header_end = max(header_end, merged.max_row, top + 1 if merged.max_col > merged.min_col and subheadings else top)
        value = grid.get((merged.min_row, merged.min_col), "")
        if not value or (merged.min_row, merged.min_col) in numeric:
            continue  # an amount merged over rows is one amount: it is counted once
        if not any(r == merged.min_row and not merged.min_col <= c <= merged.max_col for r, c in grid):
            continue  # the only text of its row (二、支出 over the width): a title between tables, one line
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[r, c] = value  # a merged cell holds its value in its top-left cell: repeat it where the clerk sees it
    numbers = sorted({r for r, _ in grid})
    width = max(c for _, c in grid)
    rows = [[grid.get((r, c), "") for c in range(1, width + 1)] for r in numbers]
    header_rows = sum(1 for r in numbers if top <= r <= header_end)
    return rows, numbers, header_rows


def _header_row(grid: dict[tuple[int, int], str]) -> int:
    """The first row with two or more filled cells: rows above it are a title (南湾村…明细表, 单位：元)."""
    counts = Counter(r for r, _ in grid)
    for r in sorted(counts):
        if counts[r] >= 2:
            return r
    return min(counts)


def cell_text(cell) -> str:
    """A cell's value as Excel shows it: the number in its format, a date as a date, text as typed."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return date_text(value, cell.number_format or "")
    if isinstance(value, (int, float)):
        return number_text(value, cell.number_format or "General")
    text = str(value)
    if text.startswith("#") and text.rstrip("!?/0A").upper() in ("#DIV", "#N", "#VALUE", "#REF", "#NAME", "#NUM", "#NULL"):
        return text  # an error value Excel shows as it is; the 合计 check will not read it as a number
    return one_line(text)


def one_line(text: str) -> str:
    """A cell's text on one line: a line break typed in it (Alt+Enter) becomes a space; other spaces stay as typed."""
    return re.sub(r"[ \t]*[\r\n\t\u2028\u2029]+[ \t]*", " ", text).strip()


def date_text(value: dt.date | dt.time, number_format: str) -> str:
    """A date in the form its format shows: 2026年10月5日, 2026/10/5, or 2026-10-05."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    day = value.date() if isinstance(value, dt.datetime) else value
    timed = isinstance(value, dt.datetime) and (value.hour, value.minute, value.second) != (0, 0, 0)
    fmt = re.sub(r'"[^"]*"|\[[^\]]*\]', "", number_format).lower()
    if "年" in number_format:
        text = f"{day.year}年{day.month}月" + (f"{day.day}日" if "d" in fmt or "日" in number_format else "")
    elif "/" in fmt:
        text = f"{day.year}/{day.month}/{day.day}"
    else:
        text = day.isoformat()
    return f"{text} {value.strftime('%H:%M')}" if timed else text


def number_text(value: float, number_format: str) -> str:
    """A number with the decimals and thousands separators of its cell format (General: as typed)."""
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", number_format.split(";")[0]).strip()
    if section.lower() in ("general", "@", "") or "e+" in section.lower() or not re.search(r"[0#?]", section):
        return general_text(value)
    decimals = re.search(r"\.([0#?]+)", section)
    places = len(decimals.group(1)) if decimals else 0
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if "%" in section:
        number *= 100
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    integer_part = section.split(".")[0]
    text = f"{number:,.{places}f}" if "," in integer_part else f"{number:.{places}f}"
    return text + ("%" if "%" in section else "")


def general_text(value: float) -> str:
    """A number in Excel's General format, without float noise (0.1 + 0.2 shows 0.3) or exponents."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer():
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def _read_text_table(name: str, data: bytes) -> Table:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and data[:8192].count(b"\x00") * 3 <= len(data[:8192]):
        raise ImportFailure(f"{name} 不是表格文件（里面是二进制数据）。请导入 .xlsx 或 .csv 表格。")
    text = decode_text(data)
    if text is None:
        raise ImportFailure(f"{name} 的文字编码无法识别（既不是 UTF-8，也不是 GBK/GB18030 或 UTF-16）。"
                            "请在 Excel 或 WPS 中打开它，另存为 .xlsx 或“CSV UTF-8”后再导入。")
    text = text.lstrip("\ufeff")
    if re.match(r"\s*<(?:!doctype|html|table|\?xml)", text, re.IGNORECASE):
        raise ImportFailure(f"{name} 其实是网页（HTML）格式的表格，只是扩展名像表格。{_SAVE_AS}")
    hint = re.match(r'"?sep=(.)"?\r?\n', text)  # the first line Excel writes to say which delimiter follows
    if hint:
        text = text[hint.end():]
    delimiter = hint.group(1) if hint else sniff_delimiter(text)
    rows, numbers = split_text_table(text, delimiter, first_line=2 if hint else 1)
    if not any(any(cell for cell in row) for row in rows):
        raise ImportFailure(f"{name} 里没有表格内容。")
    return Table(name, rows, numbers, delimiter=delimiter)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number (two or more) of cells."""
    lines = [line for line in text.splitlines() if line.strip()][:200]
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        counts = Counter(len(row) for row in _csv_rows(lines, delimiter) if len(row) > 1)
        score = max(counts.values(), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(lines: Iterable[str], delimiter: str) -> list[list[str]]:
    import csv

    return list(csv.reader(lines, delimiter=delimiter))


def split_text_table(text: str, delimiter: str, first_line: int = 1) -> tuple[list[list[str]], list[int]]:
    """The rows of a delimited text and the line each starts on (a quoted cell may hold a line break)."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers = [], []
    start = first_line
    try:
        for row in reader:
            cells = [one_line(cell) for cell in row]
            if any(cells):
                rows.append(cells)
                numbers.append(start)
            start = first_line + reader.line_num
    except csv.Error as exc:
        raise ImportFailure(f"第 {reader.line_num} 行的引号不成对（{exc}）。请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入。") from None
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows], numbers


# ---------------------------------------------------------------- shaping


def shape(table: Table, *, category_name: str, private: bool, drop: Sequence[str] = (),
          add_total: bool = True, command: str = "") -> Shaped:
    """The notice's lines for ``table``; refuses (ImportFailure) what ``check`` would refuse.

    ``private``: the category is a privacy category (its forbidden columns are
    refused unless named in ``drop``; mobiles are masked too).
    ``command``: the command line to repeat with ``--drop-columns``, for the message.
    A sheet that holds several tables (一、收入 and its table, a blank row,
    二、支出 and its table) gives as many Markdown tables.
    """
    if not any(_filled(row) >= 2 for row in table.rows):
        raise ImportFailure(f"{table.name} 的表格只有一列，不像是要公开的表格。一列的内容请直接写进公告正文（gongkai new）。")
    parts = [_part(rows, numbers, table.header_rows if i == 0 else 1)
             for i, (rows, numbers) in enumerate(_parts(table.rows, table.numbers))]
    headers = [h for part in parts for h in part.header]
    wanted = [_column(d.strip(), headers) for d in drop if d.strip()]
    unknown = [d for d in wanted if d not in headers]
    if unknown:
        raise ImportUsage(f"--drop-columns 中的“{'、'.join(unknown)}”不是 {table.name} 的列名。"
                          f"它的列有：{'、'.join(dict.fromkeys(h for h in headers if h))}。")
    for part in parts:
        part.drop(wanted)
    forbidden = list(dict.fromkeys(h for part in parts for h in part.header
                                   if private and any(word in h for word in privacy.PRIVATE_COLUMNS)))
    if forbidden:
        names = ",".join(forbidden)
        again = f"\n  {command} --drop-columns {names}" if command else f"--drop-columns {names}"
        raise ImportFailure(f"“{category_name}”的公开表格不得有这些列：{'、'.join(forbidden)}。这类公开只列户主姓名、人数、金额、"
                            f"类别等必要信息（《个人信息保护法》第二十五条），没有生成公告。去掉这些列再导入：{again}")
    notes: list[str] = []
    masked = sum(part.mask(private) for part in parts)
    if masked:
        notes.append(f"已遮盖 {masked} 个个人号码（身份证号只留前6位和后4位，银行卡号只留前4位和后4位，手机号只留前3位和后4位）。")
    if not any(part.body for part in parts):
        raise ImportFailure(f"{table.name} 的表格只有表头“{'、'.join(h for h in headers if h)}”，没有内容行。")
    wrong: list[str] = []
    for part in parts:
        if add_total:
            part.add_total(notes)
        wrong += part.wrong_totals()
    if wrong:
        raise ImportFailure(f"{table.name} 的合计对不上，没有生成公告：\n  " + "\n  ".join(wrong)
                            + "\n请在表格中改正后重新导入（账目以改正后的为准）。")
    lines: list[str] = []
    for part in parts:
        if lines:
            lines.append("")
        lines += part.lines()
    income, expense = (_total_of(parts, word) for word in ("收入", "支出"))
    return Shaped(lines, notes, sum(len(p.body) for p in parts), max(len(p.header) for p in parts), income, expense)


@dataclass
class _Part:
    """One table of a sheet, with the lines of text above it (一、收入, 单位：元) and below it (制表人：…)."""

    before: list[str]
    header: list[str]
    body: list[list[str]]
    numbers: list[int]  # the spreadsheet row of each body row (0 for a 合计 row gongkai added)
    after: list[str]

    def drop(self, wanted: list[str]) -> None:
        keep = [c for c, h in enumerate(self.header) if h not in wanted]
        self.header = [self.header[c] for c in keep]
        self.body = [[r[c] for c in keep] for r in self.body]

    def mask(self, private: bool) -> int:
        """Personal numbers masked in place (:func:`.privacy.mask_text`); how many."""
        count = 0

        def masked(text: str) -> str:
            nonlocal count
            new, changes = privacy.mask_text(text, strict=private)
            count += len(changes)
            return new

        self.header = [masked(h) for h in self.header]
        self.before = [masked(t) for t in self.before]
        self.after = [masked(t) for t in self.after]
        self.body = [[masked(cell) for cell in row] for row in self.body]
        return count

    def add_total(self, notes: list[str]) -> None:
        """A 合计 row when the table has none (and no 本年累计 row, which is no row to add to this period's)."""
        if not self.body or any(tables.row_kind(r) for r in self.body) or any("累计" in "".join(r[:2]) for r in self.body):
            return
        total = computed_total(self.header, self.body)
        if total is not None:
            self.body.append(total)
            self.numbers.append(0)
            summed = "，".join(f"{self.header[c]} {total[c]}" for c in range(1, len(self.header)) if total[c])
            notes.append(f"表格没有合计行，已按各行相加补上一行“合计”：{summed}。请与原表核对。")

    def wrong_totals(self) -> list[str]:
        """What ``check`` would say of its 合计 rows, with the spreadsheet's row numbers."""
        if not self.body:
            return []
        return [f"第 {self.numbers[problem.line - 2]} 行：{problem.message}"
                for problem in finance.table_errors("\n".join(markdown_table(self.header, self.body)))]

    def label(self) -> str:
        return " ".join([*self.before, self.header[0] if self.header else ""])

    def lines(self) -> list[str]:
        lines: list[str] = []
        for text in self.before:  # each its own paragraph: Markdown would run lines of a paragraph together
            lines += [_escape(text), ""]
        if self.body:
            lines += markdown_table(self.header, self.body)
        elif self.header:
            lines.append(_escape(" ".join(h for h in self.header if h)))
        for text in self.after:
            lines += ["", _escape(text)]
        while lines and not lines[-1]:
            lines.pop()
        return lines


def _parts(rows: list[list[str]], numbers: list[int]) -> list[tuple[list[list[str]], list[int]]]:
    """The sheet cut where another table starts: after a blank row or a title row (二、支出), a row of headings."""
    parts: list[tuple[list[list[str]], list[int]]] = [([], [])]
    for i, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        current, current_numbers = parts[-1]
        has_body = sum(1 for r in current if _filled(r) >= 2) >= 2
        starts = row if _filled(row) >= 2 else (rows[i + 1] if i + 1 < len(rows) else [])
        gap = bool(current_numbers) and number - current_numbers[-1] > 1
        if has_body and (gap or _filled(row) <= 1) and _headings(starts):
            parts.append(([], []))
        parts[-1][0].append(row)
        parts[-1][1].append(number)
    return parts


def _headings(row: list[str]) -> bool:
    """A row that reads as a table's header: two or more cells, words only."""
    return _filled(row) >= 2 and not any(finance.parse_amount(cell) is not None for cell in row if cell)


def _part(rows: list[list[str]], numbers: list[int], header_rows: int) -> _Part:
    rows, numbers = [list(r) for r in rows], list(numbers)
    before, after = [], []
    while rows and _filled(rows[0]) <= 1:  # a title or 单位：元 above the table
        text = next((c for c in rows.pop(0) if c), "")
        numbers.pop(0)
        if text:
            before.append(text)
    while len(rows) > 1 and _filled(rows[-1]) <= 1 and not tables.row_kind(rows[-1][:2]):  # 制表人：… below it
        text = next((c for c in rows.pop() if c), "")
        numbers.pop()
        if text:
            after.insert(0, text)
    if not rows:
        return _Part(before, [], [], [], after)
    header_rows = max(1, min(header_rows, len(rows) - 1)) if len(rows) > 1 else 1
    header = _join_header(rows[:header_rows])
    body, body_numbers = rows[header_rows:], numbers[header_rows:]
    keep = [c for c in range(len(header)) if header[c] or any(c < len(r) and r[c] for r in body)]
    return _Part(before, [header[c] for c in keep], [[r[c] if c < len(r) else "" for c in keep] for r in body],
                 body_numbers, after)


def _total_of(parts: list[_Part], word: str) -> Decimal | None:
    """The 合计 of income (收入) or expense (支出): of the one column of amounts whose header says it, or of the one
    table whose title or first heading says it (一、收入 over 收入项目 | 金额); None when that is not one number."""
    found = []
    for part in parts:
        totals = [r for r in part.body if tables.row_kind(r) == tables.TOTAL]
        if not totals:
            continue
        amounts = {c: finance.parse_amount(totals[-1][c]) for c in range(1, len(part.header))}
        amounts = {c: v for c, v in amounts.items() if v is not None}
        named = [v for c, v in amounts.items() if word in part.header[c]]
        if named:
            found += named
        elif word in part.label() and len(amounts) == 1:
            found += amounts.values()
    return found[0] if len(found) == 1 else None


def _filled(row: list[str]) -> int:
    return sum(1 for cell in row if cell)


def _join_header(rows: list[list[str]]) -> list[str]:
    """One header cell per column from a header over several rows: 补贴·面积（亩）, each word once."""
    width = max(len(r) for r in rows)
    header = []
    for c in range(width):
        parts: list[str] = []
        for row in rows:
            cell = row[c] if c < len(row) else ""
            if cell and cell not in parts:
                parts.append(cell)
        header.append("·".join(parts))
    return header


def _column(name: str, header: list[str]) -> str:
    """The header cell ``name`` means: itself, or the one cell that contains it (身份证 for 身份证号码)."""
    if name in header:
        return name
    holding = [h for h in header if name in h]
    return holding[0] if len(holding) == 1 else name


def computed_total(header: list[str], body: list[list[str]]) -> list[str] | None:
    """A 合计 row: the sum of each column of amounts (not 序号, 标准, 单价 …), written as its cells are."""
    total = ["合计"] + [""] * (len(header) - 1)
    found = False
    for c in range(1, len(header)):
        if any(word in header[c] for word in (*_NOT_SUMMED, *tables.RUNNING_WORDS)):
            continue
        cells = [r[c] for r in body if r[c]]
        values = [finance.parse_amount(cell) for cell in cells]
        if not cells or any(v is None for v in values):
            continue
        shown = [unicodedata.normalize("NFKC", cell) for cell in cells]  # １２，０００．００ is written as 12,000.00
        places = max(len(cell.split(".")[1]) if "." in cell else 0 for cell in shown)
        grouped = any("," in cell for cell in shown)
        value = sum(values, Decimal(0)).quantize(Decimal(1).scaleb(-places))
        total[c] = f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"
        found = True
    return total if found else None


def markdown_table(header: list[str], body: list[list[str]]) -> list[str]:
    """A Markdown table; columns of amounts aligned right, as on the templates' tables."""
    def amounts(c: int) -> bool:
        cells = [r[c] for r in body if r[c] and not tables.row_kind(r)]
        return bool(cells) and all(finance.parse_amount(cell) is not None for cell in cells)

    align = ["---:" if amounts(c) else "---" for c in range(len(header))]
    return [_row(header), "|" + "|".join(align) + "|", *(_row(r) for r in body)]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_escape(cell) for cell in cells) + " |"


def _escape(text: str) -> str:
    """Cell text that stays one cell: a | would start another, a < a tag, two backticks a code span over cells."""
    text = text.replace("|", "｜").replace("`", "\\`")
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


def notice_text(draft_text: str, shaped: Shaped) -> str:
    """The skeleton ``gongkai new`` writes, its body replaced by the table.

    The template's opening sentence and closing 注 stay when they need no
    filling in; its sample tables and the rest go. A finance skeleton's
    empty balance (income and expense 0.00) takes the table's 收入 and 支出
    合计, and a note says so.
    """
    from .checks import PLACEHOLDER

    lines = draft_text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    head, body = lines[: end + 1], "\n".join(lines[end + 1:])
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    keep_first = paragraphs and PLACEHOLDER not in paragraphs[0] and not paragraphs[0].startswith(("|", "#"))
    notes = [p for p in paragraphs[1:] if p.startswith("注") and PLACEHOLDER not in p]
    parts = [paragraphs[0]] if keep_first else []
    parts.append("\n".join(shaped.lines))
    parts.extend(notes)
    front = _balance(head, shaped)
    return "\n".join(front) + "\n" + "\n\n".join(parts) + "\n"


_EMPTY_BALANCE = re.compile(r"^balance: \{opening: (?P<opening>-?[0-9.]+), income: 0\.00, expense: 0\.00, closing: (?P=opening)\}$")


def _balance(head: list[str], shaped: Shaped) -> list[str]:
    """The front matter with the template's empty balance filled from the table's 收入 and 支出 合计."""
    if shaped.income is None or shaped.expense is None:
        return head
    result = []
    for line in head:
        match = _EMPTY_BALANCE.match(line)
        if match:
            opening = Decimal(match["opening"])
            closing = opening + shaped.income - shaped.expense
            line = (f"balance: {{opening: {opening:.2f}, income: {shaped.income:.2f}, expense: {shaped.expense:.2f}, "
                    f"closing: {closing:.2f}}}")
            shaped.notes.append(f"已按表格的合计填写收支余额（balance）：期初 {finance.yuan(opening)}，"
                                f"收入 {finance.yuan(shaped.income)}，支出 {finance.yuan(shaped.expense)}，"
                                f"期末 {finance.yuan(closing)}。请与账目核对。")
        result.append(line)
    return result
