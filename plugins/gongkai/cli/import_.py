"""``gongkai import``: a notice from a spreadsheet (.xlsx) or a CSV table, front matter as ``gongkai new`` fills it."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .common import EXIT_OK, UsageError, add_site_options, load_site


def add(commands) -> None:
    sub = commands.add_parser(
        "import", help="把 Excel 表格（.xlsx）或 CSV 表格导入成一份公告",
        description="把财务软件导出的 Excel 表格、民政系统导出的名单等（.xlsx 或 .csv）变成一份公告的表格，"
                    "不用再手工录入。文件头按 gongkai new 的方式填好；合计行会核对（没有合计行则补上）；"
                    "身份证号、银行卡号等个人号码会遮盖。")
    sub.add_argument("file", metavar="FILE", help="表格文件，例如 2026年10月收支明细.xlsx")
    sub.add_argument("--board", required=True, help="公开栏代码或中文名，例如 nanwan 或 南湾村")
    sub.add_argument("--category", required=True, help="类别代码或中文名，例如 finance 或 财务公开")
    sub.add_argument("--period", help="公开期间，例如 2026-10 或 2026-Q3（默认同 gongkai new）")
    sub.add_argument("--title", help="标题（默认按公开栏、期间和类别生成）")
    sub.add_argument("--sheet", help="工作表的名字或序号（1 为第一个；默认第一个有内容的工作表）")
    sub.add_argument("--drop-columns", metavar="列名,列名", default="",
                     help="不导入这些列，例如 身份证号,联系电话（多个列名用逗号隔开）")
    sub.add_argument("--no-total", action="store_true", help="表格没有合计行时，不自动补上")
    add_site_options(sub)
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..config import UnknownName
    from ..importer import notice_text, read_table, shape
    from ..newnotice import Draft, draft, write
    from ..pipeline import read_site

    _, _, config = load_site(args)
    try:
        board, category = config.resolve_board(args.board), config.resolve_category(args.category)
    except UnknownName as exc:
        raise UsageError(str(exc)) from None
    table = read_table(Path(args.file), args.sheet)  # before the site is read: a wrong file is the likeliest mistake
    skeleton = draft(config, read_site(config).township, category, board, args.period, args.title)
    section = config.section(board, category)  # draft refused a category the board does not have
    shaped = shape(table, category_name=section.name, private=section.privacy,
                   drop=[d for d in re.split(r"[,，、;；]", args.drop_columns) if d.strip()],
                   add_total=not args.no_total, command=_command(args))
    path = write(Draft(skeleton.path, notice_text(skeleton.text, shaped)))  # notes the balance it fills in
    where = f"工作表“{table.sheet}”" if table.sheet is not None else "表格"
    print(f"已从 {table.name} 的{where}导入 {shaped.rows} 行、{shaped.columns} 列，写入 {config.relpath(path)}")
    if len(table.sheets) > 1:
        others = "、".join(f"“{s}”" for s in table.sheets if s != table.sheet)
        print(f"  这个文件还有工作表 {others}；要导入其他工作表，请加 --sheet 工作表名。")
    for note in shaped.notes:
        print(f"  {note}")
    print("请用记事本等编辑器打开它，核对表格，把所有“（待填写）”换成实际内容，然后运行 gongkai check。")
    return EXIT_OK


def _command(args: argparse.Namespace) -> str:
    """The command line as the clerk typed it, to repeat with --drop-columns."""
    words = ["gongkai", "import", args.file, "--board", args.board, "--category", args.category]
    for option in ("period", "title", "sheet"):
        if getattr(args, option):
            words += [f"--{option}", getattr(args, option)]
    return " ".join(_quoted(w) for w in words)


def _quoted(word: str) -> str:
    """A word as the Windows command prompt, PowerShell and a Unix shell all read it: double quotes, only when needed."""
    return f'"{word}"' if not word or re.search(r'[\s&|<>^()"\'$`;]', word) else word
