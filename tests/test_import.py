"""``gongkai import``: real .xlsx and .csv files, written here as Excel, WPS and Windows write them, into a site.

Each test runs the installed command on a copy of the minimal site and reads
what it wrote (the notice, then ``check``'s report or the built page), as a
clerk would. Periods are always given, so the tests do not depend on which
period ``gongkai new`` suggests.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import markdown
import openpyxl
import pytest
from bs4 import BeautifulSoup
from conftest import Site, run_gongkai
from gongkai import importer, tables
from gongkai.privacy import is_id_number, is_mobile
from hypothesis import example, given, settings
from hypothesis import strategies as st

ID = "11010519491231002X"  # the standard's own example: a valid check character
PHONE = "13812345678"
assert is_id_number(ID) and is_mobile(PHONE)


def workbook(path: Path, rows: list[list], *, title: str = "Sheet1", formats: dict[str, str] | None = None,
             merges: tuple[str, ...] = (), cached: dict[str, str] | None = None, empty_first: bool = False) -> Path:
    """An .xlsx as Excel saves it: cell formats, merged cells, and formulas with the value Excel computed."""
    book = openpyxl.Workbook()
    sheet = book.active
    if empty_first:
        sheet.title = "说明"
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        for row in sheet[ref] if ":" in ref else ((sheet[ref],),):
            for cell in row:
                cell.number_format = number_format
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)
    if cached:  # openpyxl saves formulas without a result; Excel saves the result beside the formula
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        name = f"xl/worksheets/sheet{2 if empty_first else 1}.xml"
        xml = parts[name].decode("utf-8")
        for ref, value in cached.items():
            xml, found = re.subn(rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>\s*)<v\s*/>', rf"\g<1><v>{value}</v>", xml)
            assert found == 1, ref
        parts[name] = xml.encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in parts.items():
                archive.writestr(member, data)
    return path


def imported(site: Site, file: Path, *args: str) -> tuple[str, Path | None, str]:
    """(stdout, the notice written or None, stderr) of ``gongkai import`` as the clerk runs it."""
    before = set((site.root / "content").rglob("*.md"))
    result = run_gongkai("import", str(file), *args, cwd=site.root)
    assert "Traceback" not in result.stderr, result.stderr
    written = sorted(set((site.root / "content").rglob("*.md")) - before)
    assert len(written) <= 1
    if result.returncode == 0:
        assert written, result.stdout
    else:
        assert not written, f"a refused import must write nothing: {written}"
    return result.stdout, (written[0] if written else None), result.stderr


def table_of(notice: Path) -> list[list[str]]:
    """The notice's Markdown table as the checks read it: header first, separator left out."""
    lines = notice.read_text(encoding="utf-8").split("\n")
    (index, header), = list(tables.headers(lines))
    return [header, *(cells for _, cells in tables.body_rows(lines, index))]


def problems_of(site: Site, notice: Path) -> list[dict]:
    rel = notice.relative_to(site.root).as_posix()
    return [p for p in site.check_json()["problems"] if p["file"] == rel]


FINANCE = ["--board", "东大地乡人民政府", "--category", "财务公开", "--period", "2026-10"]
ROSTER = ["--board", "nanwan", "--category", "low-income-aid", "--period", "2026-Q3"]


def test_a_finance_export_becomes_a_notice_with_its_figures_as_written(minimal, tmp_path):
    """A finance software's export: a merged title row, 单位, dates, #,##0.00 amounts, a number typed as
    text, a SUM formula Excel computed, a signature line under the table."""
    file = workbook(tmp_path / "2026年10月收支明细.xlsx", [
        ["东大地乡2026年10月收支明细表"],
        ["单位：元"],
        ["日期", "摘要", "收入", "支出"],
        [dt.date(2026, 10, 3), "上级转移支付", 120000, None],
        [dt.date(2026, 10, 15), "办公用品", None, 1234.5],
        [dt.date(2026, 10, 28), "水电费", None, "1,200.00"],  # a number stored as text (Excel's green triangle)
        ["合计", None, "=SUM(C4:C6)", "=SUM(D4:D6)"],
        ["制表人：李四　　审核人：张三"],
    ], formats={"A4:A6": "yyyy年m月d日", "C4:D7": "#,##0.00"}, merges=("A1:D1",),
        cached={"C7": "120000", "D7": "2434.5"})
    out, notice, err = imported(minimal, file, *FINANCE)
    assert notice is not None, err
    assert notice.relative_to(minimal.root).as_posix() == "content/township/finance/2026-10.md"
    assert "工作表“Sheet1”导入 4 行、4 列" in out
    assert table_of(notice) == [
        ["日期", "摘要", "收入", "支出"],
        ["2026年10月3日", "上级转移支付", "120,000.00", ""],
        ["2026年10月15日", "办公用品", "", "1,234.50"],
        ["2026年10月28日", "水电费", "", "1,200.00"],
        ["合计", "", "120,000.00", "2,434.50"],
    ]
    text = notice.read_text(encoding="utf-8")
    front = text.split("---")[1]
    assert "board: township" in front and "category: finance" in front and "period: 2026-10" in front
    assert "title: 东大地乡人民政府2026年10月财务公开" in front
    assert "|---|---|---:|---:|" in text  # amounts aligned right, as in the templates
    assert "单位：元" in text and "制表人：李四　　审核人：张三" in text and "（待填写：项目）" not in text
    # The finance template's empty balance takes the table's 收入 and 支出 合计 (no earlier period: opening 0.00).
    assert "balance: {opening: 0.00, income: 120000.00, expense: 2434.50, closing: 117565.50}" in front
    assert "已按表格的合计填写收支余额（balance）：期初 0.00，收入 120,000.00，支出 2,434.50，期末 117,565.50" in out
    found = {(p["code"], p["severity"]) for p in problems_of(minimal, notice)}
    assert not {c for c, s in found if s == "error"}, found  # it checks clean but for the names still to fill in
    conf = minimal.root / "pelicanconf.py"  # the page is what is looked at here, not the search index
    conf.write_text(conf.read_text(encoding="utf-8") + "\nGONGKAI_SEARCH = False\n", encoding="utf-8")
    page = minimal.build() / "township" / "finance" / f"{notice.stem}.html"
    table = next(t for t in minimal.soup(page.relative_to(minimal.output).as_posix()).select("main table") if "上级转移支付" in t.text)
    rows = [[cell.get_text(strip=True) for cell in tr.select("th, td")] for tr in table.select("tr")]
    assert rows == table_of(notice)


def test_a_sheet_with_an_income_and_an_expense_table_gives_both(minimal, tmp_path):
    """The village's own layout (the template's): 一、收入 and its table, a blank row, 二、支出 and its table.
    Each becomes a table with its own header and 合计; the balance takes income and expense from them."""
    file = workbook(tmp_path / "十月收支.xlsx", [
        ["一、收入"], ["收入项目", "金额（元）"], ["土地承包费", 3000], ["鱼塘租赁", 500], ["合计", 3500], [None],
        ["二、支出"], ["支出项目", "金额（元）"], ["误工补贴", 1200], ["办公用品", 300.5], ["合计", 1500.5],
    ], formats={"B3:B11": "#,##0.00"}, merges=("A1:B1", "A7:B7"))  # the titles merged over the width
    out, notice, err = imported(minimal, file, *FINANCE)
    assert notice is not None, err
    assert "导入 6 行、2 列" in out
    lines = notice.read_text(encoding="utf-8").split("\n")
    found = [[header, *(cells for _, cells in tables.body_rows(lines, i))] for i, header in tables.headers(lines)]
    assert found == [[["收入项目", "金额（元）"], ["土地承包费", "3,000.00"], ["鱼塘租赁", "500.00"], ["合计", "3,500.00"]],
                     [["支出项目", "金额（元）"], ["误工补贴", "1,200.00"], ["办公用品", "300.50"], ["合计", "1,500.50"]]]
    assert "一、收入" in lines and "二、支出" in lines
    assert "income: 3500.00, expense: 1500.50, closing: 1999.50" in notice.read_text(encoding="utf-8")
    assert not [p for p in problems_of(minimal, notice) if p["severity"] == "error"]
    wrong = workbook(tmp_path / "错.xlsx", [["一、收入"], ["收入项目", "金额（元）"], ["租金", 3000], ["合计", 3000], [None],
                                           ["支出项目", "金额（元）"], ["补贴", 1200], ["办公", 300], ["合计", 1600]])
    _, notice, err = imported(minimal, wrong, *FINANCE, "--title", "错")
    assert notice is None and "第 9 行" in err and "1,500.00" in err


def test_a_wrong_total_is_refused_naming_the_row_and_the_right_sum(minimal, tmp_path):
    """3,000 + 500 written as 3,600: nothing is written, and the clerk is told the row and the sum."""
    file = workbook(tmp_path / "支出.xlsx", [["支出项目", "金额（元）"], ["误工补贴", 3000], ["水电费", 500],
                                             ["合计", 3600]], formats={"B2:B4": "#,##0.00"})
    _, notice, err = imported(minimal, file, *FINANCE)
    assert notice is None
    assert "第 4 行" in err and "3,600.00" in err and "3,500.00" in err and "金额（元）" in err


def test_an_id_column_in_a_low_income_roster_is_refused_then_dropped_on_request(minimal, tmp_path):
    """The 民政 roster carries 身份证号 and 联系电话: refused, naming both and the command that drops them;
    dropped on request; a phone number typed into 备注 is masked."""
    file = workbook(tmp_path / "低保名单.xlsx", [
        ["序号", "户主姓名", "身份证号", "联系电话", "保障人数", "保障金额（元/月）", "备注"],
        [1, "王大山", ID, PHONE, 3, 1260, ""],
        [2, "李秀英", "110105194912310000", "", 1, 420, f"子女电话{PHONE}"],
        ["合计", None, None, None, 4, 1680, ""],
    ])
    _, notice, err = imported(minimal, file, *ROSTER)
    assert notice is None
    assert "身份证号、联系电话" in err and "--drop-columns 身份证号,联系电话" in err and ID not in err
    _, notice, err = imported(minimal, file, *ROSTER, "--drop-columns", "身份证号,电话号")
    assert notice is None and "“电话号”不是 低保名单.xlsx 的列名" in err and "序号、户主姓名、身份证号、联系电话" in err
    out, notice, err = imported(minimal, file, *ROSTER, "--drop-columns", "身份证号，电话")  # part of a name is enough
    assert notice is not None, err
    text = notice.read_text(encoding="utf-8")
    assert ID not in text and PHONE not in text and "身份证号" not in table_of(notice)[0]
    assert table_of(notice)[1:] == [["1", "王大山", "3", "1260", ""], ["2", "李秀英", "1", "420", "子女电话138****5678"],
                                    ["合计", "", "4", "1680", ""]]
    assert "已遮盖 1 个个人号码" in out
    assert not [p for p in problems_of(minimal, notice) if p["severity"] == "error"]


def test_a_ledger_export_with_a_spaced_total_and_a_running_balance(minimal, tmp_path):
    """A 明细账 as finance software exports it: 期初余额, a 余额 column whose 本月合计 row holds the closing
    balance (not a sum), 合  计 padded with spaces, 本年累计 below. It imports, and its padded 合计 is checked."""
    rows = [["日期", "摘要", "借方", "贷方", "余额"],
            ["10-01", "期初余额", None, None, 5000],
            ["10-08", "收到转移支付", 3000, None, 8000],
            ["10-12", "购办公用品", None, 500, 7500],
            ["", "本月合  计", 3000, 500, 7500],
            ["", "本年累计", 36000, 28500, 7500]]
    formats = {"C2:E7": "#,##0.00"}
    _, notice, err = imported(minimal, workbook(tmp_path / "明细账.xlsx", rows, formats=formats), *FINANCE)
    assert notice is not None, err
    assert table_of(notice)[4] == ["", "本月合  计", "3,000.00", "500.00", "7,500.00"]
    rows[4][3] = 600
    _, notice, err = imported(minimal, workbook(tmp_path / "错账.xlsx", rows, formats=formats), *FINANCE, "--title", "错账")
    assert notice is None and "第 5 行" in err and "“贷方”一列" in err and "余额" not in err


def test_merged_header_cells_name_every_column(minimal, tmp_path):
    """A two-row header: 户主姓名 merged downwards, 补贴 merged across 面积 and 金额."""
    file = workbook(tmp_path / "补贴.xlsx", [
        ["户主姓名", "补贴项目", "补贴", None],
        [None, None, "面积（亩）", "金额（元）"],
        ["王大山", "耕地地力保护补贴", 12.5, 1187.5],
        ["李秀英", "耕地地力保护补贴", 6, 570],
        ["合计", None, 18.5, 1757.5],
    ], merges=("A1:A2", "B1:B2", "C1:D1"), formats={"C3:C5": "0.00", "D3:D5": "#,##0.00"})
    _, notice, err = imported(minimal, file, "--board", "南湾村", "--category", "惠农补贴", "--period", "2026-Q3")
    assert notice is not None, err
    assert table_of(notice) == [["户主姓名", "补贴项目", "补贴·面积（亩）", "补贴·金额（元）"],
                                ["王大山", "耕地地力保护补贴", "12.50", "1,187.50"],
                                ["李秀英", "耕地地力保护补贴", "6.00", "570.00"],
                                ["合计", "", "18.50", "1,757.50"]]


def test_numbers_stored_as_text_are_summed_and_a_missing_total_is_added_and_said(minimal, tmp_path):
    """Amounts typed as text (full-width, grouped), an empty first sheet, no 合计 row: one is added, and said."""
    file = workbook(tmp_path / "收入.xlsx", [["收入项目", "金额（元）", "单价"], ["土地承包费", "１２，０００．００", "600"],
                                             ["租金", "3,500.5", "25"]], title="十月收入", empty_first=True)
    out, notice, err = imported(minimal, file, *FINANCE)
    assert notice is not None, err
    assert "工作表“十月收入”" in out and "“说明”" in out
    assert "已按各行相加补上一行“合计”：金额（元） 15,500.50" in out
    assert table_of(notice)[-1] == ["合计", "15,500.50", ""]  # a unit price is not summed
    assert not [p for p in problems_of(minimal, notice) if p["code"] == "table.total"]


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8-sig", ","),  # Excel's "CSV UTF-8"
    ("utf-8", ","),
    ("gb18030", ","),  # Excel's plain "CSV" on a Chinese Windows
    ("gbk", ";"),
    ("utf-16", "\t"),  # Excel's "Unicode text"
    ("gb18030", "\t"),  # copied from Excel and saved from Notepad
])
def test_csv_in_every_encoding_a_windows_pc_writes(minimal, tmp_path, encoding, delimiter):
    rows = [["户主姓名", "保障人数", "保障金额（元/月）"], ["王大山", "3", "1,260.00"], ["李秀英", "1", "420.00"],
            ["合计", "4", "1,680.00"]]
    quote = '"' if delimiter == "," else ""
    text = "\r\n".join(delimiter.join(f"{quote}{c}{quote}" if "," in c else c for c in row) for row in rows) + "\r\n"
    file = tmp_path / "名单.csv"
    file.write_bytes(text.encode(encoding))
    _, notice, err = imported(minimal, file, *ROSTER)
    assert notice is not None, err
    assert table_of(notice) == rows


def test_an_xls_export_that_is_really_text_is_read(minimal, tmp_path):
    """Many systems' "Excel export" is tab-separated GBK text named .xls: it is read as what it is."""
    file = tmp_path / "导出.xls"
    file.write_bytes("项目\t金额\r\n租金\t3,000.00\r\n合计\t3,000.00\r\n".encode("gbk"))
    _, notice, err = imported(minimal, file, *FINANCE)
    assert notice is not None, err
    assert table_of(notice) == [["项目", "金额"], ["租金", "3,000.00"], ["合计", "3,000.00"]]


def test_a_csv_with_a_wrong_total_names_its_line(minimal, tmp_path):
    """Lines as Notepad numbers them, after Excel's sep= line and a cell with a line break in it."""
    file = tmp_path / "支出.csv"
    file.write_bytes('sep=;\r\n项目;金额\r\n"误工\r\n补贴";3000\r\n水电费;500\r\n合计;3600\r\n'.encode("gb18030"))
    _, notice, err = imported(minimal, file, *FINANCE)
    assert notice is None and "第 6 行" in err and "3,500.00" in err


def test_a_hidden_sheet_a_merged_cell_over_data_and_a_one_column_list(minimal, tmp_path):
    """A finance program's hidden sheet is not the default; a header cell merged across two columns with data
    (not sub-headings) below keeps that row as data; a list of one column is refused with what to do."""
    file = workbook(tmp_path / "表.xlsx", [["项目", "金额", "备注", None], ["租金", 100, "一楼", "二楼"], ["合计", 100, "", ""]],
                    merges=("C1:D1",), title="收入", empty_first=True)
    book = openpyxl.load_workbook(file)
    book["说明"]["A1"] = "科目代码 1001"
    book["说明"].sheet_state = "hidden"
    book.save(file)
    out, notice, err = imported(minimal, file, *FINANCE)
    assert notice is not None, err
    assert "工作表“收入”" in out
    assert table_of(notice) == [["项目", "金额", "备注", "备注"], ["租金", "100", "一楼", "二楼"], ["合计", "100", "", ""]]
    one = workbook(tmp_path / "一列.xlsx", [["名单"], ["王大山"], ["李秀英"]])
    _, notice, err = imported(minimal, one, *ROSTER)
    assert notice is None and "只有一列" in err


@pytest.mark.parametrize(("name", "data", "says"), [
    ("照片.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "不是 Excel 表格"),
    ("空.xlsx", b"", "空文件"),
    ("空.csv", b"\xef\xbb\xbf\r\n\r\n", "空文件"),
    ("加密.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "密码"),
    ("旧版.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "另存为"),
    ("网页.xls", "<html><table><tr><td>项目</td></tr></table></html>".encode(), "网页"),
    ("坏的.xlsx", b"PK\x03\x04" + bytes(100), "已损坏"),
    ("公告.docx", b"PK\x03\x04" + bytes(100), "不是 Excel 表格"),
    ("~$名单.xlsx", b"\x00" * 165, "临时文件"),
    ("数据.txt", bytes(range(256)) * 4, "不是表格文件"),
    ("公告.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "不是表格文件"),
    ("旧公告.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "不是表格文件"),
    ("名单.ods", b"PK\x03\x04" + bytes(100), "另存为"),
])
def test_a_wrong_file_gets_a_clear_message(minimal, tmp_path, name, data, says):
    file = tmp_path / name
    file.write_bytes(data)
    _, notice, err = imported(minimal, file, *FINANCE)
    assert notice is None and says in err and err.count("\n") <= 1, err


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(minimal, tmp_path):
    file = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(101):
                member.write(bytes(1024 * 1024))
    assert file.stat().st_size < 1024 * 1024
    _, notice, err = imported(minimal, file, *FINANCE)
    assert notice is None and "解压后有 101 MB" in err


def test_a_missing_file_a_folder_and_a_formula_without_its_result(minimal, tmp_path):
    _, _, err = imported(minimal, tmp_path / "没有这个文件.xlsx", *FINANCE)
    assert "找不到文件" in err
    _, _, err = imported(minimal, tmp_path, *FINANCE)
    assert "是文件夹" in err
    file = workbook(tmp_path / "公式.xlsx", [["项目", "金额"], ["租金", 100], ["合计", "=SUM(B2:B2)"]])
    _, notice, err = imported(minimal, file, *FINANCE)
    assert notice is None and "B3" in err and "保存一次" in err


def test_sheets_are_chosen_by_name_or_number(minimal, tmp_path):
    file = workbook(tmp_path / "两表.xlsx", [["项目", "金额"], ["租金", 100]], title="收入", empty_first=True)
    result = run_gongkai("import", str(file), *FINANCE, "--sheet", "支出", cwd=minimal.root)
    assert result.returncode == 2 and "1.“说明”、2.“收入”" in result.stderr
    result = run_gongkai("import", str(file), *FINANCE, "--sheet", "1", cwd=minimal.root)
    assert result.returncode == 1 and "工作表“说明”是空的" in result.stderr
    out, notice, _ = imported(minimal, file, *FINANCE, "--sheet", "2")
    assert notice is not None and "工作表“收入”" in out


def test_an_unknown_board_and_an_existing_notice(minimal, tmp_path):
    file = workbook(tmp_path / "表.xlsx", [["项目", "金额"], ["租金", 100]])
    result = run_gongkai("import", str(file), "--board", "南弯村", "--category", "finance", cwd=minimal.root)
    assert result.returncode == 2 and "南湾村" in result.stderr
    result = run_gongkai("import", str(file), "--board", "nanwan", "--category", "finance", "--period", "2026-Q3",
                         cwd=minimal.root)
    assert result.returncode == 1 and "已经存在" in result.stderr


PASTED = ("---\ntitle: 东大地乡2026年10月财务公开\nboard: township\ncategory: finance\ndate: 2026-11-05\nperiod: 2026-10\n"
          "---\n十月支出如下：\n\n支出项目\t金额（元）\n误工补贴\t3,000.00\n水电费\t500.00\n合计\t3,600.00\n")


def test_check_warns_on_a_pasted_table_and_checks_its_total(minimal):
    """A table copied from Excel into Notepad (tabs between cells): a warning pointing to import, and its wrong
    合计 is still an error on the line of the 合计 row."""
    minimal.write("township/finance/2026-10.md", PASTED)
    found = {(p["code"], p["line"]): p for p in minimal.check_json()["problems"] if p["file"].endswith("2026-10.md")}
    assert found[("table.pasted", 10)]["severity"] == "warning"
    assert "gongkai import 表格文件 --board township --category finance" in found[("table.pasted", 10)]["message"]
    assert found[("table.total", 13)]["severity"] == "error" and "3,500.00" in found[("table.total", 13)]["message"]
    # The lines saved from Notepad as a .txt ("ANSI") import as the table they are: the same 合计 is refused.
    pasted = minimal.root / "粘贴.txt"
    pasted.write_bytes("\r\n".join(PASTED.split("\n")[9:13]).encode("gbk"))
    _, notice, err = imported(minimal, pasted, *FINANCE, "--title", "粘贴")
    assert notice is None and "第 4 行" in err and "3,500.00" in err


def test_a_pasted_table_without_its_header_and_an_indented_line_are_read_right(minimal):
    """Rows copied without their header are all summed; a line indented with a tab is no table."""
    body = "误工补贴\t3,000.00\n水电费\t500.00\n合计\t3,500.00\n\n\t缩进的一行\n\t又一行\n"
    minimal.write("township/finance/2026-10.md", PASTED.split("十月")[0] + body)
    codes = [p["code"] for p in minimal.check_json()["problems"] if p["file"].endswith("2026-10.md")]
    assert codes.count("table.pasted") == 1 and "table.total" not in codes


def test_check_reads_a_padded_total_and_leaves_a_running_balance_alone(minimal):
    """The same rule in a notice: 合　计 (a full-width space) is a 合计 row; a 余额 column is not added up."""
    body = ("| 摘要 | 收入 | 余额 |\n|---|---:|---:|\n| 期初 | | 1,000.00 |\n| 租金 | 3,000.00 | 4,000.00 |\n"
            "| 鱼塘 | 500.00 | 4,500.00 |\n| 合　计 | 3,600.00 | 4,500.00 |\n")
    minimal.write("township/finance/2026-10.md", PASTED.split("十月")[0] + body)
    found = [p for p in minimal.check_json()["problems"] if p["file"].endswith("2026-10.md") and p["code"] == "table.total"]
    assert [(p["line"], "“收入”一列" in p["message"]) for p in found] == [(13, True)]


def test_a_pasted_roster_with_an_id_column_is_refused(minimal):
    text = ("---\ntitle: 南湾村低保名单\nboard: nanwan\ncategory: low-income-aid\ndate: 2026-10-08\nperiod: 2026-Q3\n---\n"
            "户主姓名\t身份证号\t保障人数\n王大山\t110105********002X\t3\n")
    minimal.write("nanwan/low-income-aid/2026-q3.md", text)
    codes = {p["code"] for p in minimal.check_json()["problems"] if p["file"].endswith("2026-q3.md")}
    assert {"table.pasted", "privacy.column"} <= codes


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (1234.5, "#,##0.00", "1,234.50"),
    (1234.5, "#,##0.00_);[Red](#,##0.00)", "1,234.50"),
    (1234.5, '"¥"#,##0.00', "1,234.50"),
    (0.25, "0%", "25%"),
    (0.1 + 0.2, "General", "0.3"),
    (3, "General", "3"),
    (12.0, "0", "12"),
    (6222021234567890123, "0", "6222021234567890123"),
    (2.5, "0.00", "2.50"),
])
def test_numbers_are_shown_as_their_format_shows_them(value, number_format, shown):
    assert importer.number_text(value, number_format) == shown


_PLAIN = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="*_[]()!\\&#~=:") | st.sampled_from("\n\t")


@settings(deadline=None)  # the first Markdown conversion loads its extensions
@given(st.lists(st.text(_PLAIN, max_size=12), min_size=2, max_size=6))
@example(["金额`元", "备注`", "<b>加粗", "甲|乙", "第一行\n第二行", "<http"])
def test_any_cell_text_stays_one_cell(cells):
    """A |, a backtick, a < or a line break typed into a cell never splits it, joins it to the next, or ends the
    row: the page shows each cell's text in its own cell, and the checks read the same cells.
    (Emphasis and link marks are left out here: Markdown shows those as formatting, within the cell.)"""
    shown = [importer.cell_text(type("Cell", (), {"value": c, "number_format": "General"})()) for c in cells]
    lines = importer.markdown_table([f"列{i}" for i in range(len(cells))], [shown])
    assert len(lines) == 3 and all("\n" not in line for line in lines)
    assert len(tables.split_row(lines[2])) == len(cells)
    html = markdown.Markdown(extensions=["tables"]).convert("\n".join(lines))
    tds = [td.get_text() for td in BeautifulSoup(html, "html.parser").select("tbody td")]
    assert tds == [c.replace("|", "｜").strip() for c in shown], html


_PERSONAL = st.sampled_from([ID, PHONE, "6222021234567890128", "110105 19491231 002X", "138-1234-5678", "１３８１２３４５６７８",
                             "110105-1949-1231-002x", "电话：+86 138 1234 5678"])
_CELL = st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10), _PERSONAL,
                  st.decimals(min_value=-10**6, max_value=10**6, places=2).map(lambda d: f"{d:,}"),
                  st.tuples(st.text(max_size=3), _PERSONAL, st.text(max_size=3)).map("".join))


@settings(deadline=None)
@given(st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=5), st.booleans())
def test_no_personal_number_survives_shaping(rows, private):
    """Whatever a roster holds, and however a number in it is written, the table gongkai writes holds no
    personal number that check would refuse (mobiles too, in a privacy category)."""
    table = importer.Table("名单.xlsx", [["姓名", "金额", "备注"], *rows], list(range(1, len(rows) + 2)))
    try:
        shaped = importer.shape(table, category_name="低保救助", private=private, add_total=False)
    except importer.ImportFailure as exc:  # a wrong 合计 typed at random, or nothing left: refused, never written
        assert "合计" in str(exc) or "没有" in str(exc) or "只有" in str(exc)
        return
    from gongkai import privacy

    text = "\n".join(shaped.lines)
    assert [f.masked for f in privacy.find(text, strict=True) if private or (f.code != privacy.PHONE and f.checked)] == []
