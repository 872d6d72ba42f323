"""Markdown to HTML for notice bodies.

One configuration for every notice: tables (the heart of a disclosure),
lists, footnotes and attribute lists. Tables are wrapped so that a wide
one scrolls instead of breaking the page, their headers get ``scope`` for
screen readers, every cell of a table with a header row carries its
column's name (``data-label``) so that on a phone screen.css can show each
row of a table wider than two columns as a labelled block with every
column in view, and 合计 rows are marked for styling.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .tables import row_kind

_PLACEHOLDER = re.compile(r"\x02wzxhzdk:(\d+)\x03")  # Markdown's stand-in for raw HTML and entities
_TAG = re.compile(r"<[^>]*>")


class _TableProcessor(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        count = 0
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "table":
                    continue
                self._decorate(child)
                count += 1
                head = child.find("thead")
                header = head.find("tr") if head is not None else None
                names = [self._words(th) for th in header] if header is not None else []
                # Each region needs its own name (landmarks must be unique): name it by its columns.
                columns = "、".join(name for name in names[:3] if name)
                label = f"表格{count}：{columns}（可左右滑动）" if columns else f"表格{count}（可左右滑动）"
                stack = " gk-table--stack" if self._label_cells(child, header, names) else ""
                wrapper = ET.Element("div", {"class": "gk-table" + stack, "role": "region", "aria-label": label,
                                             "tabindex": "0"})
                parent.remove(child)
                wrapper.append(child)
                parent.insert(index, wrapper)

    def _words(self, cell: ET.Element) -> str:
        """A header cell's words as a reader sees them: markup, entities and footnote marks resolved, spaces collapsed.

        They name the table's region and label every cell of the column on a
        phone (data-label), where CSS shows them as plain text. Raw HTML and
        entities are still Markdown placeholders here: resolved from its
        stash and stripped, so no markup reaches an attribute.
        """
        def text(el: ET.Element) -> str:
            if el.tag == "sup":  # a footnote mark (姓名¹) is not part of the column's name
                return el.tail or ""
            return (el.text or "") + "".join(text(child) for child in el) + (el.tail or "")

        stash = self.md.htmlStash.rawHtmlBlocks
        inner = (cell.text or "") + "".join(text(child) for child in cell)
        inner = _PLACEHOLDER.sub(lambda m: str(stash[int(m[1])]) if int(m[1]) < len(stash) else "", inner)
        return " ".join(html.unescape(_TAG.sub("", inner)).split())

    @staticmethod
    def _decorate(table: ET.Element) -> None:
        for th in table.iter("th"):
            th.set("scope", "col")
        for tr in table.iter("tr"):
            if row_kind(["".join(cell.itertext()) for cell in tr]):  # the rows the 合计 check sums to
                tr.set("class", "gk-total")

    @staticmethod
    def _label_cells(table: ET.Element, header: ET.Element | None, names: list[str]) -> bool:
        """Give each body cell its column's name; whether the table should stack on a phone.

        Done here, at build time, so the labels are in the page without JavaScript.
        A table of two columns (item, amount) fits a phone as it is: only
        wider ones stack.
        """
        if not any(names):
            return False
        for tr in table.iter("tr"):
            if tr is header:
                continue
            for cell, name in zip(tr, names, strict=False):
                if name and cell.tag == "td":
                    cell.set("data-label", name)
        return len(names) > 2


class _TableExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_TableProcessor(md), "gongkai_tables", 5)


# What a notice body may contain after sanitizing: the Markdown output and
# the usual formatting of text pasted from Word or a web page. Scripts,
# styles, iframes, forms, event handlers and javascript: URLs are dropped.
_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "div", "dl",
         "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
         "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
         "th", "thead", "tr", "u", "ul"}
_ATTRIBUTES = {
    "a": {"href", "title", "id"}, "abbr": {"title"}, "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "style", "data-label"}, "th": {"colspan", "rowspan", "style", "scope"},
    "ol": {"start"}, "li": {"id"}, "sup": {"id"}, "div": {"role", "aria-label", "tabindex"},
}  # class attributes are allowed per tag in _CLASSES
_CLASSES = {"div": {"gk-table", "gk-table--stack", "footnote"}, "tr": {"gk-total"}, "a": {"footnote-ref", "footnote-backref"}}


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES,
                     allowed_classes=_CLASSES, clean_content_tags={"script", "style", "iframe", "object",
                                                                   "embed", "template", "noscript"},
                     url_schemes={"http", "https", "mailto", "tel"}, filter_style_properties={"text-align"},
                     strip_comments=True)


class Renderer:
    """Renders notice bodies to safe HTML; one instance reused across a build."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "sane_lists", "attr_list", "footnotes", "def_list", "abbr",
                        _TableExtension()],
            extension_configs={"footnotes": {"BACKLINK_TITLE": "返回正文第 %d 处"}},
            output_format="html",
        )

    def render(self, text: str) -> str:
        self._md.reset()
        return sanitize(self._md.convert(text))
