"""``gongkai mask``: mask ID, bank-card and mobile numbers in files, in place."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_OK, EXIT_PROBLEMS


def add(commands) -> None:
    mask = commands.add_parser("mask", help="把文件中的身份证号、银行卡号、手机号改为打码形式",
                               description="就地修改文件：身份证号只留前6位和后4位，银行卡号只留前后4位，"
                                           "手机号写成 138****1234；其余内容一个字节也不改。")
    mask.add_argument("files", nargs="+", metavar="FILE")
    mask.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..privacy import mask_file

    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            changes = mask_file(path)
        except (OSError, UnicodeDecodeError) as exc:
            reason = "不是 UTF-8 编码，请先运行 gongkai fix-encoding" if isinstance(exc, UnicodeDecodeError) else exc
            print(f"{name}: 无法处理：{reason}", file=sys.stderr)
            status = EXIT_PROBLEMS
            continue
        for line, before, after in changes:
            print(f"{name}:{line}: {before} → {after}")
        if not changes:
            print(f"{name}: 没有发现需要打码的号码。")
    return status
