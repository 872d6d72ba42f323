"""``gongkai init``: a new township's site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_OK, UsageError


def add(commands) -> None:
    init = commands.add_parser("init", help="新建一个乡镇的公开网站",
                               description="在新文件夹中创建站点：设置、示例公告、公告模板和说明。")
    init.add_argument("directory", metavar="DIR", help="新站点的文件夹（必须不存在或为空）")
    init.add_argument("--township", help="乡镇名称，例如 东大地乡")
    init.add_argument("--village", action="append", default=[],
                      help="村名称，可写多次，例如 --village 南湾村；要自定网址代码，写 --village 长岭村=changling")
    init.add_argument("--siteurl",
                      help="网站的正式地址，例如 https://gongkai.dongdadi.gov.cn（还没有可不写，发布前在 pelicanconf.py 中填写）")
    init.add_argument("--phone", help="页脚和打印公告上的监督电话，例如 0371-63851234（可以以后在 pelicanconf.py 中填写）")
    init.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..config import resolve_today
    from ..starter import boards_for, check_siteurl, government_name, init_site, split_names

    township, villages = args.township, [n for v in args.village for n in (split_names(v))]
    siteurl, phone = args.siteurl, args.phone
    if sys.stdin.isatty():
        township = township or input("乡镇名称（例如 东大地乡）：").strip()
        villages = villages or split_names(input("各村名称（用空格或顿号隔开，例如 南湾村 北山村）："))
        if siteurl is None:
            siteurl = input("网站的正式地址（例如 https://gongkai.dongdadi.gov.cn；还没有的直接回车，发布前再填）：").strip()
        if phone is None:
            phone = input("监督电话（例如 0371-63851234；直接回车则以后填写）：").strip()
    if not township or not villages:
        raise UsageError("请写明乡镇和村，例如：gongkai init dongdadi --township 东大地乡 --village 南湾村 --village 北山村")
    target = Path(args.directory)
    boards = boards_for(villages)
    siteurl = check_siteurl(siteurl or "")
    today = resolve_today(None, None, "Asia/Shanghai")  # GONGKAI_TODAY, as every command reads it
    written = init_site(target, township, villages, today, siteurl=siteurl, phone=phone or "", boards=boards)
    print(f"已在 {target} 创建 {township} 的公开网站（{len(written)} 个文件）。")
    print(f"各公开栏的代码（用在网址里，例如 /{boards[0].slug}/；新建时可写 --village 村名=代码 另取）：")
    government = government_name(township)
    width = max(len(government), *(len(b.name) for b in boards))
    print(f"  {government:　<{width}} township")
    for board in boards:
        print(f"  {board.name:　<{width}} {board.slug}")
    for board in boards:
        if board.note:
            print(f"注意：{board.note}")
    if not siteurl:
        print("注意：还没有填写网站的正式地址。发布前请在 pelicanconf.py 中写 SITEURL = \"https://…\"（gongkai publish 会检查）。")
    if not phone:
        print("注意：还没有填写监督电话。发布前请在 pelicanconf.py 的 GONGKAI_CONTACTS 中填写（gongkai publish 会检查）。")
    print("接下来：")
    print(f"  cd {target}")
    print("  gongkai check     # 检查公告")
    print("  gongkai serve     # 预览：http://127.0.0.1:8000/")
    print("content/ 里标有“示例”的公告只是示范，正式使用前请删除。")
    return EXIT_OK
