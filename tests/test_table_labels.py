"""Column names on every cell (data-label), for the phone layout that shows each row as a labelled block.

The label must be the header as a reader sees it, whatever the clerk typed
in the header cell: emphasis, code, entities, footnote marks, inline HTML,
full-width spaces. It is written at build time, so the page needs no
JavaScript for it.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from gongkai.markup import Renderer
from hypothesis import given, settings
from hypothesis import strategies as st

RENDERER = Renderer()


def visible(th) -> str:
    """The header cell's text as shown, without footnote marks, spaces collapsed."""
    for sup in th.find_all("sup"):
        sup.decompose()
    return " ".join(th.get_text().split())


def render(header: list[str], rows: int = 2) -> BeautifulSoup:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(f"{r}{c}" for c in range(len(header))) + " |" for r in range(rows)]
    return BeautifulSoup(RENDERER.render("\n".join(lines) + "\n\n[^1]: 注\n"), "html.parser")


def test_each_cell_is_labelled_with_its_column_as_read():
    soup = render(["<b>户主姓名</b>", "保障人数[^1]", "金额&amp;元", "类　别 `A`"])
    labels = [td["data-label"] for td in soup.select("tbody tr:first-child td")]
    assert labels == ["户主姓名", "保障人数", "金额&元", "类 别 A"]
    assert "gk-table--stack" in soup.select_one("div.gk-table")["class"]
    assert soup.select_one("div.gk-table")["aria-label"] == "表格1：户主姓名、保障人数、金额&元（可左右滑动）"


def test_markup_in_a_header_never_reaches_the_attribute():
    soup = render(['<span title="x">名</span>', "a", "b"])
    assert [td["data-label"] for td in soup.select("tbody tr:first-child td")] == ["名", "a", "b"]


def test_two_columns_stay_a_table_and_headerless_tables_are_left_alone():
    assert "gk-table--stack" not in render(["项目", "金额（元）"]).select_one("div.gk-table")["class"]
    soup = BeautifulSoup(RENDERER.render("| | |\n|---|---|\n| a | b |\n"), "html.parser")
    assert soup.select("td[data-label]") == [] and "gk-table--stack" not in soup.select_one("div.gk-table")["class"]


HEADER_TEXT = st.text(alphabet=list("户主姓名金额类别人数ABCxyz0123456789 　*_`&;#（）.,\"'-"), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(HEADER_TEXT, min_size=3, max_size=6))
def test_every_label_is_the_header_the_reader_sees(header):
    """Any header text: each body cell's label is its column header's visible text."""
    header = [h.replace("|", "") for h in header]
    soup = render(header)
    table = soup.select_one("table")
    if table is None:  # Markdown did not see a table (e.g. a header of only spaces): nothing to label
        return
    names = [visible(th) for th in table.select("thead th")]
    for tr in table.select("tbody tr"):
        for td, name in zip(tr.select("td"), names, strict=False):
            assert td.get("data-label", "") == name, (header, names, str(tr))
