"""Building the site with Pelican in this process: what ``build``, ``serve`` and ``publish`` share.

The settings file is run once (:func:`.config.load`); Pelican gets the same
values, with the paths the :class:`Config` resolved, and the Config itself,
so that ``check`` and the build read the same ``PATH``, ``PAGE_PATHS``,
``STATIC_PATHS`` and ``IGNORE_FILES`` and agree on "today". Nothing here
prints: problems go through logging, failures are :class:`BuildFailed` with
one message for the clerk.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config, SettingsError, check_output
from .oserrors import WRITING, os_problem
from .pipeline import Site
from .theme import THEME_DIR


class BuildFailed(Exception):
    """The site could not be built; the message says why and what to do.

    ``oserror`` is the failure of the disk or file system behind it, if that was the cause.
    """

    exit_code = 1

    def __init__(self, message: str, oserror: OSError | None = None):
        super().__init__(message)
        self.oserror = oserror


@dataclass
class Built:
    output: Path
    site: Site
    others: list[str] = field(default_factory=list)  # errors besides the pipeline's: the last gate, search…
    made: int = 0     # files this build rendered or wrote (the others were made from the same inputs before)
    changed: int = 0  # of which the bytes changed (what publish will send)

    @property
    def failed(self) -> bool:
        """Whether anything is wrong: the same answer ``gongkai check`` gives, and more."""
        return bool(self.site.errors or self.others)


PIPELINE = "gongkai_pipeline"  # marks the log record that lists the pipeline's own problems


class _Collect(logging.Handler):
    """Errors logged during a build, apart from the pipeline's problems (the build has those as values)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []
        self.pipeline = False

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, PIPELINE, False):
            self.pipeline = True
        else:
            self.messages.append(record.getMessage())


def pelican_settings(settings_path: Path, own: dict[str, Any], config: Config, output: str | Path | None = None,
                     previous: dict | None = None, progress: Callable[[int, int], None] | None = None,
                     memory: dict[str, Any] | None = None) -> dict[str, Any]:
    """Pelican's settings for a gongkai site: the file's own values, our paths and our Config.

    ``memory`` are values a long-running caller keeps from build to build
    (``serve``: the parsed notices, so that an edit re-reads one file)."""
    from pelican.settings import read_settings

    from .plugin import OWNED_SETTINGS
    from .site import PREVIOUS_KEY, PROGRESS_KEY

    base = settings_path.parent

    def absolute(value: str) -> str:
        path = Path(value)
        return str(path if path.is_absolute() else (base / path).resolve())

    values = dict(own)
    values.update(OWNED_SETTINGS)
    values.update(GONGKAI=config, PATH=str(config.content_dir), PAGE_PATHS=list(config.page_dirs),
                  STATIC_PATHS=list(config.static_dirs))
    values["OUTPUT_PATH"] = str(check_output(Path(absolute(str(output))), config) if output else config.output_dir)
    values["CACHE_PATH"] = absolute(str(own.get("CACHE_PATH") or "cache"))
    if config.is_county and not config.content_dir.is_dir():  # a county needs no pages of its own; Pelican needs a folder
        empty = Path(values["CACHE_PATH"]) / "gongkai-county" / "no-content"
        empty.mkdir(parents=True, exist_ok=True)
        values["PATH"] = str(empty)
    theme = own.get("THEME")
    values["THEME"] = absolute(theme) if theme and (base / theme).exists() else (theme or str(THEME_DIR))
    values["PLUGIN_PATHS"] = [absolute(p) for p in own.get("PLUGIN_PATHS") or []]
    if "gongkai" not in (own.get("PLUGINS") or []):
        values["PLUGINS"] = [*(own.get("PLUGINS") or []), "gongkai"]
    values.setdefault("RELATIVE_URLS", True)  # the output opens from disk as well as from a server
    if previous is not None:
        values[PREVIOUS_KEY] = previous
    if progress is not None:
        values[PROGRESS_KEY] = progress
    values.update(memory or {})
    return read_settings(None, override=values)


def build(settings_path: Path, own: dict[str, Any], config: Config, output: str | Path | None = None,
          previous: dict | None = None, progress: Callable[[int, int], None] | None = None,
          memory: dict[str, Any] | None = None) -> Built:
    """Run Pelican once with the plugin; every error it logs is collected, none is fatal halfway."""
    from pelican import Pelican
    from pelican import log as pelican_log

    from .plugin import SettingsExit
    from .site import SITE_KEY, WRITER_KEY

    pelican_log.console.quiet = True  # Pelican's "Done: Processed 0 articles" means nothing here
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    try:
        settings = pelican_settings(settings_path, own, config, output, previous, progress, memory)
        pelican = Pelican(settings)
        pelican.run()
    except SettingsExit as exc:
        raise SettingsError(exc.key, exc.message) from None
    except SettingsError:
        raise
    except OSError as exc:
        doing = "写入" if exc.errno in WRITING else "读取"
        raise BuildFailed(os_problem(exc, doing, again="重新生成")[0], exc) from None
    except Exception as exc:  # a template, a plugin or Pelican itself: one message, never a traceback
        raise BuildFailed(describe_failure(exc)) from None
    finally:
        root.removeHandler(collect)
    writer = settings.get(WRITER_KEY)
    made, changed = (len(writer.written), len(writer.changed)) if writer is not None else (0, 0)
    return Built(Path(settings["OUTPUT_PATH"]), settings[SITE_KEY], collect.messages, made, changed)


def describe_failure(exc: BaseException) -> str:
    """What went wrong while building, naming the template and line when a template is at fault."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        return f"网站模板 {where} 有语法错误：{exc.message}。请改正这个模板（或恢复主题原来的文件）后重新生成。"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml", ".j2"))]
    if frames or isinstance(exc, jinja2.TemplateError):
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else getattr(exc, "name", "") or "?"
        return (f"网站模板 {where} 出错：{type(exc).__name__}: {exc}。"
                "请改正这个模板（或恢复主题原来的文件）后重新生成。")
    return (f"生成网站时发生意外错误（{type(exc).__name__}: {exc}）。请运行 gongkai check 查看公告是否有问题；"
            "如果看不出原因，请把这条信息发给技术支持。")
