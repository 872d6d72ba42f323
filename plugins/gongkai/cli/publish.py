"""``gongkai publish``: check, build and switch the live site in one step (or roll back)."""

from __future__ import annotations

import argparse

from .common import EXIT_OK, EXIT_PROBLEMS, add_site_options


def add(commands) -> None:
    publish = commands.add_parser(
        "publish", help="检查、生成并发布到网站服务器（出错时线上网站不变）",
        description="用 publishconf.py 检查并生成网站，放到目标旁边的新版本文件夹，最后一步才把线上网站切换过去；"
                    "任何一步出错，线上网站一个字节也不变。目标可以是本机的网站目录，或 user@host:/path（经 SSH 用 rsync 上传），"
                    "或 s3://bucket/prefix（S3 兼容的对象存储，只上传有变化的文件）。",
        epilog="退出码：0 已上线；1 公告有错误、与线上记录不符、生成或上传失败；2 用法或目标有误。详见 docs/publishing.md。")
    publish.add_argument("--to", metavar="TARGET",
                         help="发布到哪里：/srv/www/gongkai、user@host:/srv/www/gongkai 或 s3://bucket/prefix"
                              "（默认设置中的 GONGKAI_PUBLISH_TO）")
    publish.add_argument("--rollback", action="store_true", help="不发布新版本，把线上网站切回上一个版本")
    add_site_options(publish, "publishconf.py")
    publish.add_argument("-e", "--ssh", metavar="COMMAND",
                         help="远程发布用的 ssh 命令，例如 \"ssh -p 2222 -i ~/.ssh/gongkai\"（默认环境变量 GONGKAI_SSH，否则 ssh）")
    publish.add_argument("--keep", type=int, default=3, help="保留最近几个版本以便回退（默认 3）")
    publish.add_argument("--force", action="store_true",
                         help="对象存储：允许一次删除超过 100 个对象（默认超过就不发布，以防目标写错）")
    publish.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..publish import run as publish

    held_back = publish(args.settings, args.to, rollback_=args.rollback, ssh=args.ssh, today=args.today,
                        keep=args.keep, say=lambda line: print(line, flush=True), force=args.force)
    return EXIT_PROBLEMS if held_back else EXIT_OK
