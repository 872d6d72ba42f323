"""The ``gongkai`` command: the only place that prints or picks exit codes.

Exit codes: 0 nothing wrong; 1 errors in notices (with ``--strict`` also an
overdue section) or a failed build; 2 a usage or settings error.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import Config, SettingsError, load
from .periods import parse_date

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
_ORDER = {"overdue": 0, "due": 1, "current": 2}
_WORDS = {"overdue": "逾期", "due": "待公开", "current": "按期"}


class UsageError(Exception):
    """A command line that cannot be carried out; the message says how to fix it."""


def _today(value: str) -> str:
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gongkai", description="村务政务公开栏网站：检查、生成、预览。",
        epilog="在站点目录（有 pelicanconf.py 的目录）中运行。")
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("-s", "--settings", default="pelicanconf.py", help="设置文件（默认 pelicanconf.py）")
        sub.add_argument("--today", type=_today, help="按这一天计算公开状态，例如 2026-11-22（默认今天）")

    check = commands.add_parser("check", help="检查所有公告并报告各栏目的公开状态",
                                description="检查所有公告（不生成网站），报告全部问题和各栏目的公开状态。")
    check.add_argument("path", nargs="?", help="公告所在目录（默认设置中的 PATH，即 content）")
    common(check)
    check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    check.add_argument("--strict", action="store_true", help="有逾期栏目时也以 1 退出")
    check.add_argument("--previous", metavar="PATH_OR_URL",
                       help="与以前发布的 manifest.json 比较，找出未经更正就被改动或被删除的公告")

    new = commands.add_parser("new", help="按模板新建一份公告",
                              description="在 content/<公开栏>/<类别>/ 下按模板新建公告，已填好公开栏、类别、日期和应公开的期间。")
    new.add_argument("category", metavar="CATEGORY", help="类别代码或中文名，例如 finance 或 财务公开")
    new.add_argument("--board", required=True, help="公开栏代码或中文名，例如 nanwan 或 南湾村")
    new.add_argument("--period", help="公开期间，例如 2026-Q3（默认：最早未公开的一期）")
    new.add_argument("--title", help="标题（默认按公开栏、期间和类别生成）")
    common(new)

    mask = commands.add_parser("mask", help="把文件中的身份证号、银行卡号、手机号改为打码形式",
                               description="就地修改文件：身份证号只留前6位和后4位，银行卡号只留前后4位，"
                                           "手机号写成 138****1234；其余内容一个字节也不改。")
    mask.add_argument("files", nargs="+", metavar="FILE")

    fix = commands.add_parser("fix-encoding", help="把 GBK/GB18030 编码的文件转成 UTF-8",
                              description="把 Windows 记事本“ANSI”（GBK/GB18030）编码的文件转成 UTF-8，"
                                          "原文件另存为 FILE.gbk.bak。")
    fix.add_argument("files", nargs="+", metavar="FILE")

    build = commands.add_parser("build", help="检查并生成网站（到 output/）")
    common(build)
    build.add_argument("-o", "--output", help="输出目录（默认设置中的 OUTPUT_PATH，即 output）")

    serve = commands.add_parser("serve", help="生成网站并在本机预览，文件改动后自动重新生成",
                                description="生成网站，在 http://127.0.0.1:8000/ 预览；公告、模板或设置改动后自动重新生成，"
                                            "并显示检查结果。按 Ctrl+C 停止。")
    common(serve)
    serve.add_argument("-p", "--port", type=int, default=8000, help="端口（默认 8000）")
    serve.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)

    publish = commands.add_parser(
        "publish", help="检查、生成并发布到网站服务器（出错时线上网站不变）",
        description="用 publishconf.py 检查并生成网站，放到目标旁边的新版本文件夹，最后一步才把线上网站切换过去；"
                    "任何一步出错，线上网站一个字节也不变。目标可以是本机的网站目录，或 user@host:/path（经 SSH 用 rsync 上传）。",
        epilog="退出码：0 已上线；1 公告有错误、与线上记录不符、生成或上传失败；2 用法或目标有误。详见 docs/publishing.md。")
    publish.add_argument("--to", metavar="TARGET",
                         help="发布到哪里：/srv/www/gongkai 或 user@host:/srv/www/gongkai（默认设置中的 GONGKAI_PUBLISH_TO）")
    publish.add_argument("--rollback", action="store_true", help="不发布新版本，把线上网站切回上一个版本")
    publish.add_argument("-s", "--settings", default="publishconf.py", help="设置文件（默认 publishconf.py）")
    publish.add_argument("--today", type=_today, help="按这一天计算公开状态（默认今天）")
    publish.add_argument("-e", "--ssh", metavar="COMMAND",
                         help="远程发布用的 ssh 命令，例如 \"ssh -p 2222 -i ~/.ssh/gongkai\"（默认环境变量 GONGKAI_SSH，否则 ssh）")
    publish.add_argument("--keep", type=int, default=3, help="保留最近几个版本以便回退（默认 3）")

    init = commands.add_parser("init", help="新建一个乡镇的公开网站",
                               description="在新文件夹中创建站点：设置、示例公告、公告模板和说明。")
    init.add_argument("directory", metavar="DIR", help="新站点的文件夹（必须不存在或为空）")
    init.add_argument("--township", help="乡镇名称，例如 东大地乡")
    init.add_argument("--village", action="append", default=[], help="村名称，可写多次，例如 --village 南湾村")
    return parser


def _load(args: argparse.Namespace) -> tuple[Path, dict, Config]:
    settings_path = Path(args.settings).resolve()
    settings, config = load(settings_path, today=args.today)
    path = getattr(args, "path", None)
    if path:
        content = Path(path).resolve()
        if not content.is_dir():
            raise UsageError(f"找不到公告目录 {path}。请写公告所在的文件夹，例如 content。")
        config = dataclasses.replace(config, content_dir=content)
    elif not config.content_dir.is_dir():
        raise UsageError(f"找不到公告目录 {config.content_dir}。请检查设置中的 PATH。")
    return settings_path, settings, config


def run_check(config: Config, previous: str | None = None) -> dict:
    """Read and check every file: the pipeline the build runs, without rendering."""
    from .model import report
    from .pipeline import read_site
    from .records import ManifestError
    from .records import load as load_manifest

    try:
        old = load_manifest(previous) if previous else None
    except ManifestError as exc:
        raise UsageError(str(exc)) from None
    site = read_site(config, previous=old)
    return report(site.township, site.problems, site.notice_count)


def format_sections(data: dict, config: Config) -> list[str]:
    """The update-cycle summary for clerks: overdue first, then due."""
    names = {b.slug: b.name for b in config.boards}
    rows = sorted((s for s in data["sections"] if s["status"] != "current"),
                  key=lambda s: (_ORDER[s["status"]], -s["days_overdue"], s["board"], s["category"]))
    lines = [f"公开状态（截至 {data['today']}）："]
    width = max((len(names[s["board"]]) + len(config.categories[s["category"]].name) for s in rows), default=0) + 1
    for s in rows:
        where = f"{names[s['board']]}·{config.categories[s['category']].name}"
        where += "　" * max(0, width - len(where))
        if s["status"] == "overdue":
            what = f"逾期 {s['days_overdue']} 天（截止 {s['next_deadline']}）"
            category = config.section(s["board"], s["category"])
            if s["missing_periods"]:
                what += "，未公开：" + "、".join(s["missing_periods"])
            elif category.cycle == "review":
                what += f"，有内容超过 {category.review_days} 天未复核"
            elif s["latest_date"]:
                what += f"，最近一次公开于 {s['latest_date']}"
        else:
            what = f"应于 {s['next_deadline']} 前公开"
        lines.append(f"  {_WORDS[s['status']]:　<3} {where} {what}")
    counts = {k: sum(s["status"] == k for s in data["sections"]) for k in _ORDER}
    lines.append(f"共 {len(data['sections'])} 个栏目：按期 {counts['current']}，待公开 {counts['due']}，"
                 f"逾期 {counts['overdue']}。")
    return lines


def format_problems(data: dict) -> list[str]:
    lines = [f"{p['file']}:{p['line']}: {p['severity']} {p['code']}: {p['message']}" for p in data["problems"]]
    errors = sum(p["severity"] == "error" for p in data["problems"])
    lines.append(f"检查了 {data['notices']} 个公告文件：{errors} 个错误，{len(data['problems']) - errors} 个警告。")
    return lines


def cmd_check(args: argparse.Namespace) -> int:
    _, _, config = _load(args)
    data = run_check(config, args.previous)
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n".join(format_problems(data) + format_sections(data, config)))
    if any(p["severity"] == "error" for p in data["problems"]):
        return EXIT_PROBLEMS
    if args.strict and any(s["status"] == "overdue" for s in data["sections"]):
        return EXIT_PROBLEMS
    return EXIT_OK


class _LogFormatter(logging.Formatter):
    """Our problems already read ``path:line: severity code: …``; Pelican's get a level."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name.startswith("gongkai"):
            return message
        return f"{record.levelname}: {message}"


def _show_logs() -> None:
    """Warnings and errors of a build on stderr, once per process."""
    root = logging.getLogger()
    if not any(getattr(h, "gongkai", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_LogFormatter())
        handler.setLevel(logging.WARNING)
        handler.gongkai = True
        root.addHandler(handler)
    root.setLevel(logging.WARNING)


def run_build(settings_path: Path, own: dict, config: Config, output: str | None = None) -> int:
    """Build once and say what came of it; the exit status (the same as ``check`` gives)."""
    from .build import BuildFailed, build
    from .model import report

    _show_logs()
    try:
        built = build(settings_path, own, config, output)
    except BuildFailed as exc:
        print(f"网站没有生成：{exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    site = built.site
    data = report(site.township, site.problems, site.notice_count)
    held = len({p.file for p in site.errors})
    print(f"网站已生成到 {built.output}（{data['notices']} 个公告文件）。")
    if built.failed:
        print(f"但检查发现错误（见上文）：有错误的 {held} 个文件没有发布，其余照常生成。请改正后重新生成。"
              if held else "但生成时发现错误（见上文），请改正后重新生成。", file=sys.stderr)
    print("\n".join(format_sections(data, config)))
    return EXIT_PROBLEMS if built.failed else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    settings_path, own, config = _load(args)
    return run_build(settings_path, own, config, args.output)


def cmd_serve(args: argparse.Namespace) -> int:
    import functools
    import http.server
    import threading
    import time

    settings_path, settings, config = _load(args)
    output = Path(settings.get("OUTPUT_PATH") or "output")
    output = output if output.is_absolute() else settings_path.parent / output

    def rebuild() -> None:
        print(f"[{time.strftime('%H:%M:%S')}] 正在生成……", flush=True)
        try:  # the settings may have changed: read them again, in this process
            own, fresh = load(settings_path, today=args.today)
            run_build(settings_path, own, fresh)
        except SettingsError as exc:
            print(f"设置错误 {exc.key}: {exc.message}", file=sys.stderr, flush=True)
        print(f"预览地址：http://127.0.0.1:{args.port}/ （按 Ctrl+C 停止）", flush=True)

    watched = [config.content_dir, settings_path, settings_path.parent / "theme", settings_path.parent / "archetypes"]

    def snapshot() -> dict[str, float]:
        stamps = {}
        for root in watched:
            paths = [root] if root.is_file() else (root.rglob("*") if root.is_dir() else [])
            for path in paths:
                if path.is_file() and not path.name.startswith("."):
                    stamps[str(path)] = path.stat().st_mtime_ns
        return stamps

    def watch(stop: threading.Event) -> None:
        seen = snapshot()
        while not stop.wait(args.interval):
            now = snapshot()
            if now != seen:
                seen = now
                rebuild()

    rebuild()
    output.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_quiet_handler(), directory=str(output))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as exc:
        raise UsageError(f"无法使用端口 {args.port}（{exc.strerror}）。请用 --port 换一个，例如 --port 8001。") from None
    stop = threading.Event()
    threading.Thread(target=watch, args=(stop,), daemon=True).start()
    with server, contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    stop.set()
    return EXIT_OK


def _quiet_handler() -> type:
    """A static file handler that does not print a line per request."""
    import http.server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args) -> None:
            pass

    return Quiet


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish import PublishError, run

    try:
        held_back = run(args.settings, args.to, rollback_=args.rollback, ssh=args.ssh, today=args.today,
                        keep=args.keep, say=lambda line: print(line, flush=True))
    except PublishError as exc:
        print(f"gongkai publish: {exc}", file=sys.stderr)
        return exc.exit_code
    return EXIT_PROBLEMS if held_back else EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    import datetime as dt

    from .starter import InitError, init_site, split_names

    township, villages = args.township, [n for v in args.village for n in (split_names(v))]
    if (township is None or not villages) and sys.stdin.isatty():
        township = township or input("乡镇名称（例如 东大地乡）：").strip()
        villages = villages or split_names(input("各村名称（用空格或顿号隔开，例如 南湾村 北山村）："))
    if not township or not villages:
        raise UsageError("请写明乡镇和村，例如：gongkai init dongdadi --township 东大地乡 --village 南湾村 --village 北山村")
    target = Path(args.directory)
    try:
        written = init_site(target, township, villages, dt.date.today())
    except InitError as exc:
        print(f"gongkai init: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"已在 {target} 创建 {township} 的公开网站（{len(written)} 个文件）。接下来：")
    print(f"  cd {target}")
    print("  gongkai check     # 检查公告")
    print("  gongkai serve     # 预览：http://127.0.0.1:8000/")
    print("content/ 里标有“示例”的公告只是示范，正式使用前请删除。")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .newnotice import NewError, draft, write
    from .pipeline import read_site

    _, _, config = _load(args)
    township = read_site(config).township
    try:
        path = write(draft(config, township, args.category, args.board, args.period, args.title))
    except NewError as exc:
        print(f"gongkai new: {exc}", file=sys.stderr)
        return EXIT_USAGE if "没有" in str(exc) or "无法识别" in str(exc) else EXIT_PROBLEMS
    print(config.relpath(path))
    print("请用记事本等编辑器打开它，把所有“（待填写）”换成实际内容，然后运行 gongkai check。")
    return EXIT_OK


def cmd_mask(args: argparse.Namespace) -> int:
    from .privacy import mask_file

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


def cmd_fix_encoding(args: argparse.Namespace) -> int:
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


COMMANDS = {"new": cmd_new, "check": cmd_check, "build": cmd_build, "serve": cmd_serve, "init": cmd_init, "mask": cmd_mask,
            "fix-encoding": cmd_fix_encoding, "publish": cmd_publish}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # `gongkai check | head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        return EXIT_OK
    except SettingsError as exc:
        print(f"设置错误 {exc.key}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
