"""What the commands share: the options every site command takes, reading the
settings, the report lines, logging of a build and progress on a terminal.

Nothing here picks an exit code from an exception: :func:`gongkai.cli.main`
does, from the exception's ``exit_code``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from ..config import Config, SettingsError, load
from ..periods import parse_date

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that cannot be carried out; the message says how to fix it."""

    exit_code = EXIT_USAGE


def describe(exc: BaseException) -> str:
    """An error as the clerk reads it, on the console or on the preview's problems page."""
    if isinstance(exc, SettingsError):
        return f"设置错误 {exc.key}: {exc.message}"
    return str(exc)


def _today(value: str) -> str:
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_site_options(sub: argparse.ArgumentParser, settings: str = "pelicanconf.py") -> None:
    """``-s SETTINGS`` and ``--today``, which every command that reads a site takes."""
    sub.add_argument("-s", "--settings", default=settings, help=f"设置文件（默认 {settings}）")
    sub.add_argument("--today", type=_today, help="按这一天计算公开状态，例如 2026-11-22（默认今天）")


def load_site(args: argparse.Namespace) -> tuple[Path, dict, Config]:
    """The settings file's path, its own values and the Config, with ``PATH`` from the command line."""
    settings_path = Path(args.settings).resolve()
    settings, config = load(settings_path, today=args.today)
    path = getattr(args, "path", None)
    if path:
        content = Path(path).resolve()
        if not content.is_dir():
            raise UsageError(f"找不到公告目录 {path}。请写公告所在的文件夹，例如 content。")
        config = dataclasses.replace(config, content_dir=content)
    elif not config.content_dir.is_dir() and not config.is_county:  # a county site may have no pages of its own
        raise UsageError(f"找不到公告目录 {config.content_dir}。请检查设置中的 PATH。")
    return settings_path, settings, config


def format_sections(data: dict, config: Config) -> list[str]:
    """The update-cycle summary for clerks: overdue first, then due."""
    from ..cycles import ORDER, SHORT_LABELS  # here: every command imports this module, only check reports

    names = {b.slug: b.name for b in config.boards}
    rows = sorted((s for s in data["sections"] if s["status"] != "current"),
                  key=lambda s: (ORDER.index(s["status"]), -s["days_overdue"], s["board"], s["category"]))
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
        lines.append(f"  {SHORT_LABELS[s['status']]:　<3} {where} {what}")
    counts = {k: sum(s["status"] == k for s in data["sections"]) for k in ORDER}
    lines.append(f"共 {len(data['sections'])} 个栏目：按期 {counts['current']}，待公开 {counts['due']}，"
                 f"逾期 {counts['overdue']}。")
    return lines


def format_problems(data: dict) -> list[str]:
    lines = [f"{p['file']}:{p['line']}: {p['severity']} {p['code']}: {p['message']}" for p in data["problems"]]
    errors = sum(p["severity"] == "error" for p in data["problems"])
    lines.append(f"检查了 {data['notices']} 个公告文件：{errors} 个错误，{len(data['problems']) - errors} 个警告。")
    return lines


class _LogFormatter(logging.Formatter):
    """Our problems already read ``path:line: severity code: …``; Pelican's get a level."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name.startswith("gongkai"):
            return message
        return f"{record.levelname}: {message}"


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (a progress display may stand in for it)."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def show_logs() -> None:
    """Warnings and errors of a build on stderr, once per process."""
    root = logging.getLogger()
    if not any(getattr(h, "gongkai", False) for h in root.handlers):
        handler = _Stderr()
        handler.setFormatter(_LogFormatter())
        handler.setLevel(logging.WARNING)
        handler.gongkai = True
        root.addHandler(handler)
    root.setLevel(logging.WARNING)


def on_terminal() -> bool:
    return sys.stdout.isatty() and sys.stderr.isatty()


Progress = Callable[[int, int], None]


@contextlib.contextmanager
def progress(reading: str, after: str | None = None) -> Iterator[Progress | None]:
    """A progress display on stderr while the block runs, when both stdout and stderr are a terminal.

    Yields the callback :func:`.pipeline.read_site` takes (``None`` off a
    terminal: nothing is drawn). ``reading`` names the files being read;
    ``after`` what follows once they all are (the build writing the site).
    """
    if not on_terminal():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(reading, total=None)

        def update(done: int, total: int) -> None:
            if done >= total and after:
                bar.update(task, description=after, completed=0, total=None)
            else:
                bar.update(task, completed=done, total=total)

        yield update
