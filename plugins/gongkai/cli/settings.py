"""``gongkai settings``: every ``GONGKAI_*`` setting, its value, its default and where the value came from.

The same schema (:data:`.config.SETTINGS`) gives the settings table of
docs/admin.md (:func:`markdown_table`; tests/test_docs.py compares them).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from ..config import SETTINGS, Config, Setting, load_settings_file
from .common import EXIT_OK


def add(commands) -> None:
    settings = commands.add_parser("settings", help="列出全部设置：当前值、默认值和来源",
                                   description="列出全部 GONGKAI_* 设置：当前值、默认值，以及值来自设置文件、"
                                               "环境变量（GONGKAI_TODAY）还是默认值；最后检查设置是否有误。")
    settings.add_argument("-s", "--settings", default="pelicanconf.py", help="设置文件（默认 pelicanconf.py）")
    settings.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                          help="输出格式（默认 text；markdown 是 docs/admin.md 中的设置表）")
    settings.set_defaults(run=run)


def markdown_table() -> str:
    """The settings table of docs/admin.md."""
    rows = ["| setting | type | default | meaning | example |", "|---|---|---|---|---|"]
    rows += [f"| `{s.name}` | {s.type} | {s.default_text} | {s.help} | `{s.example}` |" for s in SETTINGS]
    return "\n".join(rows)


def sources(own: dict[str, Any], file_name: str) -> list[dict[str, Any]]:
    """Each setting's value and where it came from: the settings file, the environment or the default."""
    rows = []
    for setting in SETTINGS:
        environment = os.environ.get(setting.name) if setting.name == "GONGKAI_TODAY" else None
        if environment:
            value, source = environment, f"环境变量 {setting.name}"
        elif own.get(setting.name) is not None:
            value, source = own[setting.name], f"设置文件 {file_name}"
        else:
            value, source = setting.default, "默认值"
        rows.append({"name": setting.name, "type": setting.type, "value": value, "default": setting.default,
                     "source": source, "help": setting.help})
    return rows


def _text(setting: Setting, row: dict[str, Any]) -> list[str]:
    return [f"{row['name']} = {row['value']!r}",
            f"    来源：{row['source']}；默认：{setting.default!r}；类型：{setting.type}",
            f"    {setting.help}"]


def run(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        print(markdown_table())
        return EXIT_OK
    path = Path(args.settings).resolve()
    own = load_settings_file(path)
    rows = sources(own, path.name)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    else:
        for setting, row in zip(SETTINGS, rows, strict=True):
            print("\n".join(_text(setting, row)))
    Config.from_settings(own, path.parent)  # a wrong value: SettingsError, reported after the listing
    if args.format == "text":
        print("设置没有发现错误。")
    return EXIT_OK
