"""``gongkai check``: read and check every file, the pipeline the build runs, without rendering."""

from __future__ import annotations

import argparse
import json

from ..config import Config
from .common import EXIT_OK, EXIT_PROBLEMS, UsageError, add_site_options, format_problems, format_sections, load_site
from .common import progress as progress_display


def add(commands) -> None:
    check = commands.add_parser("check", help="检查所有公告并报告各栏目的公开状态",
                                description="检查所有公告（不生成网站），报告全部问题和各栏目的公开状态。")
    check.add_argument("path", nargs="?", help="公告所在目录（默认设置中的 PATH，即 content）")
    add_site_options(check)
    check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    check.add_argument("--strict", action="store_true", help="有逾期栏目时也以 1 退出")
    check.add_argument("--previous", metavar="PATH_OR_URL",
                       help="与以前发布的 manifest.json 比较，找出未经更正就被改动或被删除的公告")
    check.set_defaults(run=run)


def run_check(config: Config, previous: str | None = None) -> dict:
    """The check's report (the JSON contract of ``--format json``)."""
    from ..model import report
    from ..pipeline import read_site
    from ..records import ManifestError
    from ..records import load as load_manifest

    try:
        old = load_manifest(previous) if previous else None
    except ManifestError as exc:
        raise UsageError(str(exc)) from None
    with progress_display("正在检查公告") as progress:
        site = read_site(config, previous=old, progress=progress)
    return report(site.township, site.problems, site.notice_count)


def run(args: argparse.Namespace) -> int:
    _, _, config = load_site(args)
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
