"""``gongkai build``: check and build the site in this process (``serve`` builds the same way)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Config
from .common import EXIT_OK, EXIT_PROBLEMS, add_site_options, format_sections, load_site, progress, show_logs


def add(commands) -> None:
    build = commands.add_parser("build", help="检查并生成网站（到 output/）")
    add_site_options(build)
    build.add_argument("-o", "--output", help="输出目录（默认设置中的 OUTPUT_PATH，即 output）")
    build.set_defaults(run=run)


def build_once(settings_path: Path, own: dict, config: Config, output: str | None = None, memory: dict | None = None):
    """Build once and say what came of it; the :class:`.build.Built`. A failed build raises :class:`.build.BuildFailed`."""
    from ..build import build
    from ..model import report

    show_logs()
    with progress("正在读取和检查文件", "正在生成网页") as update:
        built = build(settings_path, own, config, output, progress=update, memory=memory)
    site = built.site
    data = report(site.township, site.problems, site.notice_count)
    held = len({p.file for p in site.errors})
    print(f"网站已生成到 {built.output}（{data['notices']} 个公告文件）；"
          f"本次生成 {built.made} 个文件，其中 {built.changed} 个有改动，其余与上次相同、没有重写。")
    if built.failed:
        print(f"但检查发现错误（见上文）：有错误的 {held} 个文件没有发布，其余照常生成。请改正后重新生成。"
              if held else "但生成时发现错误（见上文），请改正后重新生成。", file=sys.stderr)
    if config.is_county:  # a county's summary: its townships, from the county.json just written
        import json

        from ..county import summary

        print("\n".join(summary(json.loads((built.output / "county.json").read_text(encoding="utf-8")))), flush=True)
        return built
    print("\n".join(format_sections(data, config)), flush=True)
    return built


def run(args: argparse.Namespace) -> int:
    settings_path, own, config = load_site(args)
    built = build_once(settings_path, own, config, args.output)
    return EXIT_PROBLEMS if built.failed else EXIT_OK
