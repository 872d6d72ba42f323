"""Tamper evidence: the manifest of published notices, and what changed since.

``/manifest.json`` lists every published notice with the sha256 of its
normalized source. ``gongkai check --previous`` compares today's notices
with a manifest published earlier: a text changed without a new correction
is ``record.changed``; a notice that vanished instead of being withdrawn is
``record.removed``.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path

from .notices import Notice
from .problems import Problem, error

VERSION = 1


def manifest(notices: Iterable[Notice], today) -> dict:
    return {
        "version": VERSION,
        "today": today.isoformat(),
        "notices": [
            {"path": n.path, "url": n.url, "sha256": n.digest, "date": n.date.isoformat(),
             "status": n.status, "corrections": len(n.corrections)}
            for n in sorted(notices, key=lambda n: n.path)
        ],
    }


class ManifestError(Exception):
    """A previous manifest that cannot be read; the message says why."""


def load(location: str) -> dict:
    """A manifest from a file path or an http(s) URL."""
    try:
        if location.startswith(("http://", "https://")):
            with urllib.request.urlopen(location, timeout=30) as response:
                data = response.read()
        else:
            data = Path(location).read_bytes()
    except OSError as exc:
        raise ManifestError(f"无法读取以前发布的清单 {location}：{exc}") from None
    return parse(data, location)


def parse(data: bytes, location: str) -> dict:
    """A manifest from its bytes; ``location`` names it in messages."""
    try:
        manifest_ = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        raise ManifestError(f"无法读取以前发布的清单 {location}：{exc}") from None
    if not isinstance(manifest_, dict) or not isinstance(manifest_.get("notices"), list):
        raise ManifestError(f"{location} 不是 gongkai 的 manifest.json。")
    return manifest_


def compare(previous: dict, notices: Sequence[Notice], paths: Iterable[str], today) -> list[Problem]:
    """Problems of today's notices against a previous manifest; ``paths`` are every file read."""
    by_path = {n.path: n for n in notices}
    by_url = {n.url: n for n in notices}
    present = set(paths)
    problems = []
    for entry in previous["notices"]:
        path, url = str(entry.get("path", "")), str(entry.get("url", ""))
        notice = by_path.get(path) or by_url.get(url)
        if notice is None:
            if path in present:
                continue  # still there, but has an error of its own, reported already
            problems.append(error(path, 1, "record.removed",
                                  f"{entry.get('date', '')} 公开的公告（/{url}）不见了。已公开的公告不能删除："
                                  "请恢复这个文件，如需撤下，在文件头写 status: withdrawn 并在正文说明原因。"))
            continue
        if notice.status == "draft" or notice.date > today:
            problems.append(error(notice.path, notice.line("status"), "record.removed",
                                  f"这份公告已于 {entry.get('date', '')} 公开，不能改回草稿或改到以后的日期。"
                                  "如需撤下，请写 status: withdrawn 并在正文说明原因。"))
            continue
        if notice.digest == entry.get("sha256") or notice.status == "withdrawn":
            continue
        if len(notice.corrections) > int(entry.get("corrections", 0)):
            continue
        problems.append(error(notice.path, notice.line("corrections") if notice.corrections else 1,
                              "record.changed",
                              f"这份公告在 {entry.get('date', '')} 公开后内容被改动，但没有新增更正记录。"
                              f"请在文件头的 corrections 中加一条，例如 corrections: [{{date: {today.isoformat()}, "
                              "note: 更正了什么}]；如果不该改动，请恢复原文。"))
    return problems
