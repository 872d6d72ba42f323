"""``gongkai new``: a notice skeleton from the archetypes, pre-filled."""

from __future__ import annotations

import argparse

from .common import EXIT_OK, add_site_options, load_site


def add(commands) -> None:
    new = commands.add_parser("new", help="按模板新建一份公告",
                              description="在 content/<公开栏>/<类别>/ 下按模板新建公告，已填好公开栏、类别、日期和应公开的期间。")
    new.add_argument("category", metavar="CATEGORY", help="类别代码或中文名，例如 finance 或 财务公开")
    new.add_argument("--board", required=True, help="公开栏代码或中文名，例如 nanwan 或 南湾村")
    new.add_argument("--period", help="公开期间，例如 2026-Q3（默认：已经结束、还没有公开的最近一期）")
    new.add_argument("--title", help="标题（默认按公开栏、期间和类别生成）")
    add_site_options(new)
    new.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..newnotice import draft, write
    from ..pipeline import read_site

    _, _, config = load_site(args)
    site = read_site(config)
    new = draft(config, site.township, args.category, args.board, args.period, args.title, site.notices)
    path = write(new)
    print(config.relpath(path))
    for note in new.notes:
        print(f"注意：{note}")
    print("请用记事本等编辑器打开它，把所有“（待填写）”换成实际内容，然后运行 gongkai check。")
    return EXIT_OK
