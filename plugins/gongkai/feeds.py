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
    if not feed.items:
        # feedgenerator dates an empty feed "now": the site's newest notice keeps it the same bytes
        # from build to build (a feed changes only when a notice does).
        newest = township.notices[0].date if township.notices else township.today
        feed.latest_post_date = lambda: _stamp(newest, config.timezone)
    return feed.writeString("utf-8")


def all_feeds(township: Township, html: dict[str, str]) -> dict[str, str]:
    """Every feed of the site: output path → Atom text."""
    return {path: atom(township, title, path, notices, html) for path, (title, notices) in plans(township).items()}


def plans(township: Township) -> dict[str, tuple[str, list[Notice]]]:
    """Every feed of the site: output path → (title, the notices it carries, newest first).

    A feed is made from these and their bodies only: the build renders one
    again only when they changed.
    """
    name = township.config.sitename
    feeds = {"feeds/all.atom.xml": (name, township.notices[:FEED_SIZE])}
    for board in township.boards:
        notices = [n for s in board.sections for n in s.notices]
        notices.sort(key=lambda n: (n.date, n.path), reverse=True)
        feeds[board.feed_url] = (f"{board.board.name}{board.board.kind_label}", notices[:FEED_SIZE])
        for section in board.sections:
            feeds[section.feed_url] = (f"{board.board.name}·{section.category.name}", section.notices[:FEED_SIZE])
    for category in township.config.categories.values():
        path = f"feeds/category/{category.slug}.atom.xml"
        notices = [n for n in township.notices if n.category == category.slug]
        feeds[path] = (f"{name}·{category.name}", notices[:FEED_SIZE])
    return feeds
