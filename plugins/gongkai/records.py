"""Tamper evidence: the manifest of published notices, and what changed since.

``/manifest.json`` lists every published notice with the sha256 of its
normalized source. ``gongkai check --previous`` compares today's notices
with a manifest published earlier: a text changed without a new correction
is ``record.changed``; a notice that vanished instead of being withdrawn is
``record.removed``.

Each entry also keeps ``content_sha256``, the digest without the ``status``
and ``withdrawn`` entries of the front matter (withdrawing a notice may
change only those), and ``corrected``, the dates of its corrections; the
manifest's ``today`` is the day its versions are known to have been public.
Manifests written before these fields existed are still read: what they
lack is not checked.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .notices import Notice
from .problems import Problem, error

VERSION = 1


def manifest(notices: Iterable[Notice], today, earlier: Mapping[str, list[dict]] | None = None) -> dict:
    """The manifest; ``earlier`` (verify.earlier) adds the digests of corrected notices' older versions
    and ``title`` names each notice, for the /verify/ page that reads this file in the browser."""
    earlier = earlier or {}
    return {
        "version": VERSION,
        "today": today.isoformat(),
        "notices": [
            {"path": n.path, "url": n.url, "sha256": n.digest, "content_sha256": n.content_digest,
             "date": n.date.isoformat(), "status": n.status, "corrections": len(n.corrections),
             "corrected": [c.date.isoformat() for c in n.corrections], "title": n.title,
             **({"withdrawn": n.withdrawal.date.isoformat()} if n.withdrawal else {}),
             **({"earlier": earlier[n.path]} if n.path in earlier else {})}
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
    """Problems of today's notices against a previous manifest; ``paths`` are every file read.

    An entry is matched by its file first: a file that is gone is
    ``record.removed`` even when another file now has its address.
    """
    by_path = {n.path: n for n in notices}
    by_url = {n.url: n for n in notices}
    present = set(paths)
    published = _day(previous.get("today"))
    problems = []
    for entry in previous["notices"]:
        if not isinstance(entry, dict):
            continue
        path, url = str(entry.get("path") or ""), str(entry.get("url") or "")
        date = entry.get("date", "")
        notice = by_path.get(path) if path else by_url.get(url)
        if notice is None:
            if path in present:
                continue  # still there, but has an error of its own, reported already
            taker = by_url.get(url)
            if taker is not None:
                message = (f"{date} 公开的公告 {path} 不见了，它的网址（/{url}）现在被 {taker.path} 占用。"
                           f"已公开的公告不能删除，也不能改文件名：请恢复 {path}，如需撤下，在它的文件头写 status: withdrawn "
                           f"和撤回说明 withdrawn；再给 {taker.path} 换一个 slug（网址名）。")
            else:
                message = (f"{date} 公开的公告（/{url}）不见了。已公开的公告不能删除："
                           "请恢复这个文件，如需撤下，在文件头写 status: withdrawn 并写明撤回日期和原因（withdrawn）。")
            problems.append(error(path or url, 1, "record.removed", message))
            continue
        if notice.status == "draft" or notice.date > today:
            problems.append(error(notice.path, notice.line("status"), "record.removed",
                                  f"这份公告已于 {date} 公开，不能改回草稿或改到以后的日期。"
                                  "如需撤下，请写 status: withdrawn 并写明撤回日期和原因（withdrawn）。"))
            continue
        problems.extend(_changed(entry, notice, published, today))
    return problems


def _changed(entry: dict, notice: Notice, published: dt.date | None, today: dt.date) -> list[Problem]:
    """A published notice against its entry: changed only with a new correction, or only withdrawn."""
    date = entry.get("date", "")
    new = _new_corrections(entry, notice, published)
    if new is None:  # more corrections than before, but which are new is not known
        new = [c.date for c in notice.corrections][_count(entry.get("corrections")):]
    if published is not None:
        early = sorted(d for d in new if d < published)
        if early:
            return [error(notice.path, notice.line("corrections"), "record.changed",
                          f"新增的更正日期 {early[0]} 早于上次发布（{published}）：那时公开的版本里还没有这条更正，"
                          f"更正不能倒填日期。请把这条更正的日期改为实际更正的日期（{published} 或之后）。")]
    if notice.digest == entry.get("sha256") or new:
        return []
    if notice.status == "withdrawn":
        before = entry.get("content_sha256")
        if before == notice.content_digest:
            return []  # only the status and the withdrawal changed
        if not before and entry.get("status") != "withdrawn":
            return []  # an older manifest: withdrawing cannot be told from other changes
    what = "撤回时除了 status 和 withdrawn 以外还改动了内容" if notice.status == "withdrawn" else "内容被改动"
    return [error(notice.path, notice.line("corrections") if notice.corrections else 1, "record.changed",
                  f"这份公告在 {date} 公开后{what}，但没有新增更正记录。"
                  f"请在文件头的 corrections 中加一条，例如 corrections: [{{date: {today.isoformat()}, "
                  "note: 更正了什么}]；如果不该改动，请恢复原文。")]


def _new_corrections(entry: dict, notice: Notice, published: dt.date | None) -> list[dt.date] | None:
    """The dates of the corrections added since the entry was published; None when the entry does not say."""
    before = entry.get("corrected")
    if not isinstance(before, list):
        if published is None:
            return None
        # an older manifest: every correction it counted was dated on or before its day
        count = _count(entry.get("corrections"))
        dates = sorted(c.date for c in notice.corrections)
        if len(dates) <= count:
            return []
        old = [d for d in dates if d <= published][:count]
        rest = list(dates)
        for d in old:
            rest.remove(d)
        return rest
    remaining = [str(d) for d in before]
    new = []
    for c in notice.corrections:
        key = c.date.isoformat()
        if key in remaining:
            remaining.remove(key)
        else:
            new.append(c.date)
    return new


def _count(value) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
