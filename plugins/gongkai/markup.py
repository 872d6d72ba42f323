"""Markdown to HTML for notice bodies.

One configuration for every notice: tables (the heart of a disclosure),
lists, footnotes and attribute lists. Tables are wrapped so that a wide
one scrolls on a 360px phone instead of breaking the page, their headers
get ``scope`` for screen readers, and 合计 rows are marked for styling.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

TOTAL_WORDS = ("合计", "总计", "小计")


class _TableProcessor(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "table":
                    continue
                self._decorate(child)
                wrapper = ET.Element("div", {"class": "gk-table", "role": "region",
                                             "aria-label": "表格（可左右滑动）", "tabindex": "0"})
                parent.remove(child)
                wrapper.append(child)
                parent.insert(index, wrapper)

    @staticmethod
    def _decorate(table: ET.Element) -> None:
        for th in table.iter("th"):
            th.set("scope", "col")
        for tr in table.iter("tr"):
            cells = list(tr)
            if cells and any(w in "".join(cells[0].itertext()) for w in TOTAL_WORDS):
                tr.set("class", "gk-total")


class _TableExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_TableProcessor(md), "gongkai_tables", 5)


class Renderer:
    """Renders notice bodies; one instance reused across a build."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "sane_lists", "attr_list", "footnotes", "def_list", "abbr",
                        _TableExtension()],
            output_format="html",
        )

    def render(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)
