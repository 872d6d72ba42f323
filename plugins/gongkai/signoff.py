"""Sign-off before posting (审核): the bodies a category's ``review`` setting names must have signed.

The democratic finance group (民主理财小组) verifies finance and the village
supervision committee (村务监督委员会) reviews village affairs before a
notice is posted. A notice records each sign-off as data, ``reviewed_by:
[{body, name, date}]``; a body that has not signed (``signoff.missing``) or
signed after the notice was posted (``signoff.late``) is an error, since the
rule is sign-off *before* posting. A draft is only warned: it is not posted yet.
"""

from __future__ import annotations

from collections.abc import Iterable

from .config import Category
from .notices import Notice
from .problems import Problem, error, warning


def problems(notice: Notice, category: Category) -> Iterable[Problem]:
    """The sign-offs ``category`` requires, against what ``notice`` records."""
    report = warning if notice.status == "draft" else error
    signed = {s.body: s for s in notice.reviewed_by}
    line = notice.line("reviewed_by")
    for body in category.review:
        sign = signed.get(body)
        if sign is None:
            others = "、".join(signed) or "无"
            yield report(notice.path, line, "signoff.missing",
                         f"“{category.name}”公开前要经{body}审核签字，文件头没有记录（已记录的审核机构：{others}）。"
                         f"请在审核后加上 reviewed_by: [{{body: {body}, name: 签字人姓名, date: 审核日期}}]。")
        elif sign.date > notice.date:
            yield report(notice.path, line, "signoff.late",
                         f"{body}的审核日期 {sign.date} 晚于公开日期 {notice.date}：应当先审核、后公开。"
                         "请核对审核日期；如果确实是先公开后审核，请撤回后重新公开。")


def block(notice: Notice, category: Category) -> list[tuple[str, str, str]]:
    """(body, name, date) rows for the sign-off block on the page and the printed board: the required
    bodies first, in the setting's order, then any other body that signed."""
    signed = {s.body: s for s in notice.reviewed_by}
    order = [*category.review, *(b for b in signed if b not in category.review)]
    return [(b, signed[b].name, f"{signed[b].date.year}年{signed[b].date.month}月{signed[b].date.day}日")
            for b in order if b in signed]
