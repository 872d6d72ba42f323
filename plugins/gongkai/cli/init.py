"""``gongkai init``: a new township's site."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .common import EXIT_OK, UsageError


def add(commands) -> None:
    init = commands.add_parser("init", help="新建一个乡镇的公开网站",
                               description="在新文件夹中创建站点：设置、示例公告、公告模板和说明。")
    init.add_argument("directory", metavar="DIR", help="新站点的文件夹（必须不存在或为空）")
    init.add_argument("--township", help="乡镇名称，例如 东大地乡")
    init.add_argument("--village", action="append", default=[], help="村名称，可写多次，例如 --village 南湾村")
    init.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..starter import init_site, split_names

    township, villages = args.township, [n for v in args.village for n in (split_names(v))]
    if (township is None or not villages) and sys.stdin.isatty():
        township = township or input("乡镇名称（例如 东大地乡）：").strip()
        villages = villages or split_names(input("各村名称（用空格或顿号隔开，例如 南湾村 北山村）："))
    if not township or not villages:
        raise UsageError("请写明乡镇和村，例如：gongkai init dongdadi --township 东大地乡 --village 南湾村 --village 北山村")
    target = Path(args.directory)
    written = init_site(target, township, villages, dt.date.today())
    print(f"已在 {target} 创建 {township} 的公开网站（{len(written)} 个文件）。接下来：")
    print(f"  cd {target}")
    print("  gongkai check     # 检查公告")
    print("  gongkai serve     # 预览：http://127.0.0.1:8000/")
    print("content/ 里标有“示例”的公告只是示范，正式使用前请删除。")
    return EXIT_OK
