"""The ``gongkai`` command: one module per command, and :func:`main`, the only
place that prints an exception or picks an exit code from one.

Each command module (``check``, ``new``, ``import_``, ``mask``, ``fix_encoding``,
``build``, ``serve``, ``publish``, ``init``, ``settings``) has ``add``, which
adds its subcommand, and ``run(args)``, which carries it out and returns the
exit status of an outcome (problems found); what goes wrong is raised, and
the exception's ``exit_code`` gives the status.

Exit codes: 0 nothing wrong; 1 errors in notices (with ``--strict`` also an
overdue section), a failed build or publish; 2 a usage or settings error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from .. import __version__
from . import build, check, fix_encoding, import_, init, mask, new, publish, serve, settings
from .common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageError, describe

COMMANDS = (check, new, import_, mask, fix_encoding, build, serve, publish, init, settings)
__all__ = ["EXIT_USAGE", "UsageError", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gongkai", description="村务政务公开栏网站：检查、生成、预览。",
        epilog="在站点目录（有 pelicanconf.py 的目录）中运行。")
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add(commands)
    return parser


def safe_console() -> None:
    """Printing never stops a command: a character the console cannot show (✓ or a rare hanzi on a GBK
    console, a file name that is not UTF-8) is written as ``?`` instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # absent when a test or a program replaced the stream
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    safe_console()
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # `gongkai check | head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        return EXIT_OK
    except KeyboardInterrupt:  # Ctrl+C: the clerk stopped it; no traceback
        print(f"gongkai {args.command}: 已中断。", file=sys.stderr)
        return 130
    except Exception as exc:
        code = getattr(type(exc), "exit_code", None)
        if not isinstance(code, int):
            if os.environ.get("GONGKAI_DEBUG"):
                raise  # a bug: the traceback is what a developer needs
            print(f"gongkai {args.command}: 发生了意外错误（{type(exc).__name__}: {exc}）。"
                  "请把这条信息和所运行的命令发给技术支持；设置环境变量 GONGKAI_DEBUG=1 再运行可看到详细信息。",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        text = describe(exc)
        print(text if text.startswith("设置错误") else f"gongkai {args.command}: {text}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
