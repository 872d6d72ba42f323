"""Atom feeds: the whole site, each board, each category, each section."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from feedgenerator import Atom1Feed

from .attachments import rebase
from .model import Township
from .notices import Notice

FEED_SIZE = 50


def _stamp(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZoneInfo(tz))


def atom(township: Township, title: str, path: str, notices: Iterable[Notice],
         html: dict[str, str]) -> str:
    """One Atom document; ``html`` maps a notice's path to its rendered body."""
    config = township.config
    base = config.siteurl + "/"
    feed = Atom1Feed(title=title, link=base, feed_url=base + path, description=title,
                     language="zh-CN", feed_guid=base + path)
    for notice in list(notices)[:FEED_SIZE]:
        section = township.section_of(notice)
        label = f"{section.board.name}·{section.category.name}"
        title = notice.title if notice.status != "withdrawn" else f"【已撤回】{notice.title}"
        updated = notice.last_corrected or notice.date
        body = html.get(notice.path, "")
        if config.siteurl:  # a feed reader resolves nothing against the page: links and images by their full address
            body = rebase(body, notice.url, base)
        feed.add_item(
            title=title,
            link=base + notice.url,
            unique_id=base + notice.url,
            description=body,
            content=body,
            pubdate=_stamp(notice.date, config.timezone),
            updateddate=_stamp(updated, config.timezone),
            categories=[label],
            author_name=section.board.name,
        )
    return feed.writeString("utf-8")


def all_feeds(township: Township, html: dict[str, str]) -> dict[str, str]:
    """Every feed of the site: output path → Atom text."""
    name = township.config.sitename
    feeds = {"feeds/all.atom.xml": atom(township, name, "feeds/all.atom.xml", township.notices, html)}
    for board in township.boards:
        notices = [n for s in board.sections for n in s.notices]
        notices.sort(key=lambda n: (n.date, n.path), reverse=True)
        feeds[board.feed_url] = atom(township, f"{board.board.name}{board.board.kind_label}", board.feed_url,
                                     notices, html)
        for section in board.sections:
            feeds[section.feed_url] = atom(township, f"{board.board.name}·{section.category.name}",
                                           section.feed_url, section.notices, html)
    for category in township.config.categories.values():
        path = f"feeds/category/{category.slug}.atom.xml"
        notices = [n for n in township.notices if n.category == category.slug]
        feeds[path] = atom(township, f"{name}·{category.name}", path, notices, html)
    return feeds
