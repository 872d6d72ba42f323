"""``gongkai fix-encoding``: convert GBK/GB18030 files (Notepad's "ANSI") to UTF-8."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_OK, EXIT_PROBLEMS


def add(commands) -> None:
    fix = commands.add_parser("fix-encoding", help="把 GBK/GB18030 编码的文件转成 UTF-8",
                              description="把 Windows 记事本“ANSI”（GBK/GB18030）编码的文件转成 UTF-8，"
                                          "原文件另存为 FILE.gbk.bak。")
    fix.add_argument("files", nargs="+", metavar="FILE")
    fix.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"{name}: 无法读取：{exc}", file=sys.stderr)
            status = EXIT_PROBLEMS
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            print(f"{name}: 已经是 UTF-8，无需转换。")
            continue
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            print(f"{name}: 既不是 UTF-8 也不是 GBK/GB18030（第 {line} 行），"
                  "请用记事本打开后另存为 UTF-8。", file=sys.stderr)
            status = EXIT_PROBLEMS
            continue
        backup = path.with_name(path.name + ".gbk.bak")
        backup.write_bytes(data)
        path.write_bytes(text.encode("utf-8"))
        print(f"{name}: 已从 GBK/GB18030 转为 UTF-8，原文件保存为 {backup.name}。")
    return status
