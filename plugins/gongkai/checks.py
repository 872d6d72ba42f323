"""The checks of notices: each on its own (:func:`check_source`) and across files (:func:`across_files`).

:mod:`.pipeline` runs them for every command, so ``gongkai check`` and the
build report the same problems with the same messages. Reading and field
checks live with what they read (:mod:`.notices`); the trust checks (personal
numbers, figures) and the rules that span files or need the calendar are here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from . import finance, privacy, signoff, tables
from .config import Config
from .notices import Notice, Source, validate
from .problems import Problem, error, warning
from .workdays import unofficial_years, workdays_between

PLACEHOLDER = "待填写"  # what archetypes mark blanks with
# A blank left to fill: （待填写） anywhere, or a bracketed （请填写…） such as init writes into the settings.
PLACEHOLDER_MARK = re.compile(r"[（(【\[]?\s*待填写\s*[）)】\]]?|[（(【\[]\s*请填写[^）)】\]]*[）)】\]]")
# Hosts that are examples, never a site's real address.
_EXAMPLE_HOST = re.compile(r"(^|\.)(example|your-?site|yourdomain)(\.|$)|\.(invalid|example|test)$")
# A nil return must say nothing happened: no table, no amounts.
_TABLE_ROW = re.compile(r"^\s*\|.*\|")
_AMOUNT = re.compile(r"\d[\d,，]*(\.\d+)?\s*(元|万元)|\d{1,3}(,\d{3})+(\.\d+)?|(?<![\d.])\d+\.\d{2}(?![\d.])")


def check_source(source: Source, config: Config, passed: set[str] | None = None) -> tuple[Notice | None, list[Problem]]:
    """Every check of one file; the notice is None when it has an error (it is never published).

    ``passed`` collects the personal numbers the checks let through on purpose
    (a mobile outside a privacy category), for the last gate.
    """
    notice, found = validate(source, config)
    if notice is not None:
        found.extend(trust(notice, config, passed))
        if any(p.is_error for p in found):
            notice = None
    return notice, found


def across_files(results: Iterable[tuple[Notice | None, list[Problem]]],
                 config: Config) -> tuple[list[Notice], list[Problem]]:
    """The rules that span files, over the results of :func:`check_source`."""
    notices: list[Notice] = []
    problems: list[Problem] = []
    for notice, found in results:
        problems.extend(found)
        if notice is not None:
            notices.append(notice)
    rejected = set()
    for problem in (*duplicates(notices), *continuity(notices)):
        problems.append(problem)
        rejected.add(problem.file)
    notices = [n for n in notices if n.path not in rejected]
    problems.extend(late(notices, config))
    return notices, sorted(problems)



def privacy_problems(path: str, texts: Iterable[tuple[int, str]], strict: bool, *, where: str = "",
                     lines: bool = True, passed: set[str] | None = None) -> list[Problem]:
    """Personal numbers in ``texts`` (pairs of first line and text), as problems at their lines.

    ``strict`` is a privacy category's rule: mobiles, and ID-shaped numbers
    whose check character is wrong, count too. What the strictest rule finds
    but ``strict=False`` lets through goes into ``passed``.
    """
    found = []
    for line, text in texts:
        for finding in privacy.find(text, strict=True):
            if not strict and (finding.code == privacy.PHONE or not finding.checked):
                if passed is not None:
                    passed.add(finding.digits)
                continue
            at = line + text.count("\n", 0, finding.start) if lines else line
            if where:
                message = (f"{where}中出现了个人号码（{finding.masked}），它会成为网址，出现在网站的每个链接里。"
                           "请给文件改名，或在文件头写 slug: 不含号码的名字。")
            else:
                message = privacy.message(finding, path)
            found.append(error(path, at, finding.code, message))
    return found


def trust(notice: Notice, config: Config, passed: set[str] | None = None) -> Iterable[Problem]:
    """The checks that keep people safe and figures true, for one notice."""
    section = config.section(notice.board, notice.category)
    path = notice.path
    fields = [(notice.line(key), getattr(notice, key) or "") for key in ("title", "summary", "approved_by", "prepared_by")]
    fields += [(notice.line("corrections"), c.note) for c in notice.corrections]
    fields += [(notice.line("reviewed_by"), f"{s.body} {s.name}") for s in notice.reviewed_by]  # the sign-off block
    if notice.withdrawal is not None:  # shown prominently on the notice page
        fields.append((notice.line("withdrawn"), notice.withdrawal.reason))
    yield from privacy_problems(path, [*fields, (notice.body_line, notice.body)], section.privacy, passed=passed)
    # The address: a number in the file name or the slug would be in the URL, the sitemap and the manifest.
    yield from privacy_problems(path, [(notice.line("slug"), f"{path} {notice.url}")], section.privacy, where="文件名或网址",
                                passed=passed)
    if section.privacy and "|" in notice.body:
        for i, cells in tables.headers(notice.body.split("\n")):
            for cell in cells:
                if any(word in cell for word in privacy.PRIVATE_COLUMNS):
                    yield error(path, notice.body_line + i, "privacy.column", privacy.column_message(cell, section.name))
    if "\t" in notice.body:
        yield from pasted_tables(notice, section.privacy, section.name)
    yield from placeholders(notice, config)
    yield from signoff.problems(notice, section)
    yield from dates(notice, config, section.is_periodic)
    if notice.nil:
        yield from nil_content(notice, section.nil_label)
    wrong = finance.balance_error(notice)
    if wrong:
        yield error(path, notice.line("balance"), "finance.balance", wrong)
    for total in finance.table_errors(notice.body):
        yield error(path, notice.body_line + total.line, "table.total", total.message)


def pasted_tables(notice: Notice, private: bool, category_name: str) -> Iterable[Problem]:
    """A table copied from Excel or WPS into a text editor (cells between tabs) shows as one jumbled paragraph.

    A warning: the figures are there, only unreadable. Its 合计 is checked
    with the other tables' (:func:`.finance.table_errors`), and its header
    like theirs in a privacy category.
    """
    for rows in tables.pasted(notice.body.split("\n")):
        first = notice.body_line + rows[0][0]
        yield warning(notice.path, first, "table.pasted",
                      f"第 {first}–{notice.body_line + rows[-1][0]} 行像是从 Excel 或 WPS 复制过来的表格（各列之间是制表符），"
                      f"网页上会挤成一段看不清的文字。请用 gongkai import 表格文件 --board {notice.board} "
                      f"--category {notice.category} 从原来的 Excel 表格直接生成公告（把这几行另存为 .txt 文件再导入也可以），"
                      "或把这几行改写成用 | 分隔的表格。")
        if private:
            for cell in rows[0][1]:
                if any(word in cell for word in privacy.PRIVATE_COLUMNS):
                    yield error(notice.path, first, "privacy.column", privacy.column_message(cell, category_name))


def placeholders(notice: Notice, config: Config) -> Iterable[Problem]:
    """Blanks left from the template: （待填写） or （请填写…） marks what the clerk still has to write.

    A warning while the clerk works (check, serve); an error for ``gongkai
    publish``, so a blank never goes live. A draft is never published: a warning.
    """
    report = error if config.publishing and notice.status != "draft" else warning
    then = "（发布时这是错误：这份公告不会发布）" if report is error else ""
    for key, line in notice.lines.items():
        value = getattr(notice, key, None)
        if isinstance(value, str) and PLACEHOLDER_MARK.search(value):
            yield report(notice.path, line, "placeholder", f"{key} 还没有填写，现在是“{value}”。请换成实际内容。{then}")
    notes = [(notice.line("corrections"), "更正说明", c.note) for c in notice.corrections]
    if notice.withdrawal is not None:
        notes.append((notice.line("withdrawn"), "撤回原因", notice.withdrawal.reason))
    for line, what, text in notes:  # shown on the notice page, as prominently as the title
        if PLACEHOLDER_MARK.search(text):
            yield report(notice.path, line, "placeholder", f"{what}还没有填写，现在是“{text}”。请换成实际内容。{then}")
    if "填写" not in notice.body:
        return
    for i, text in enumerate(notice.body.split("\n")):
        if mark := PLACEHOLDER_MARK.search(text):
            yield report(notice.path, notice.body_line + i, "placeholder",
                         f"正文里还有“{mark.group(0)}”的地方，请换成实际内容后再公开。{then}")
            break


def dates(notice: Notice, config: Config, periodic: bool) -> Iterable[Problem]:
    """Nothing vanishes quietly: a notice dated after today, or filed before the period it owes ended, says so."""
    if notice.status == "draft":
        return
    today = config.today
    if notice.date > today:
        ahead = (notice.date - today).days
        typo = f"比今天晚 {ahead} 天，是否把年份或月份写错了？" if ahead > 31 else ""
        yield warning(notice.path, notice.line("date"), "future",
                      f"公开日期 {notice.date} 在今天（{today}）之后：将于 {notice.date} 在网站上公开，在此之前网站上"
                      f"看不到它，也不计入按期公开。{typo}如果今天就要公开，请把 date 改为 {today}。")
    period = notice.period
    if periodic and period is not None and notice.date <= period.end:
        yield warning(notice.path, notice.line("period"), "period.unended",
                      f"公开期间 {period.label}要到 {period.end} 才结束，公开日期 {notice.date} 时这一期还没有过完，"
                      f"数字可能不完整。如果期间写错了，请改为上一期（period: {period.previous()}）；"
                      "如果确实要提前公开，可以不理会这条提示。")


def nil_content(notice: Notice, label: str) -> Iterable[Problem]:
    """A nil return (nil: true) says nothing happened: a table or an amount in it contradicts that."""
    fix = (f"这是一份“{label}”的公告（nil: true），不能再列{{what}}。如果本期确有此类事项，请删去 nil: true，"
           f"照常填写表格；如果确实没有，请删去{{what}}。")
    if notice.balance is not None:
        yield error(notice.path, notice.line("balance"), "nil.content", fix.format(what="收支余额（balance）"))
    for i, text in enumerate(notice.body.split("\n")):
        if _TABLE_ROW.match(text) or text.count("\t") >= 2:
            yield error(notice.path, notice.body_line + i, "nil.content", fix.format(what="表格"))
            return
        if found := _AMOUNT.search(text):
            yield error(notice.path, notice.body_line + i, "nil.content", fix.format(what=f"金额（{found.group(0)}）"))
            return


def settings_placeholders(config: Config) -> list[Problem]:
    """Settings every page shows that are still blanks or examples: an example or empty SITEURL, a （请填写…） contact.

    Warnings for check and serve; for ``gongkai publish`` errors that stop it
    (every page, printed board and QR code would carry them).
    """
    report = error if config.publishing else warning
    found = []
    url = config.siteurl
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.lower()).split("/")[0].split(":")[0]
    if not url:
        found.append(report(*setting_line(config, "SITEURL"), "placeholder",
                            "SITEURL（网站的正式地址）还没有填写：订阅、网站地图和打印公告上的二维码都要用它。"
                            "请在设置中写 SITEURL = \"https://本乡公开网站的地址\"。"))
    elif _EXAMPLE_HOST.search(host):
        found.append(report(*setting_line(config, "SITEURL"), "placeholder",
                            f"SITEURL 还是示例地址（{url}），网站的每个链接和打印公告上的二维码都会指向它。"
                            "请改成本乡公开网站的正式地址。"))
    texts = [("GONGKAI_CONTACTS", key, value) for key, value in config.contacts.items()]
    texts += [("GONGKAI_BOARDS", f"{b.name} {key}", value) for b in config.boards for key, value in b.contacts.items()]
    texts.append(("SITENAME", "网站名称", config.sitename))
    for setting, key, value in texts:
        if PLACEHOLDER_MARK.search(value):
            found.append(report(*setting_line(config, setting, value), "placeholder",
                                f"{setting} 中的“{key}”还没有填写，现在是“{value}”，它会出现在每一页的页脚和打印的公告上。"
                                "请换成实际内容。"))
    return found


def setting_line(config: Config, name: str, value: str = "") -> tuple[str, int]:
    """Where a setting is written: the settings file (or the pelicanconf.py it imports) and the line
    (of ``value`` within the setting, when given and found after it)."""
    for file in dict.fromkeys((config.settings_file, "pelicanconf.py")):
        try:
            text = (config.base_dir / file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        pattern = re.compile(rf"^{re.escape(name)}\s*[:=]", re.M)
        if match := pattern.search(text):
            at = text.find(value, match.start()) if value else -1
            return config.relpath(Path(config.base_dir / file)), text.count("\n", 0, at if at >= 0 else match.start()) + 1
    return config.relpath(config.base_dir / config.settings_file), 1


def continuity(notices: list[Notice]) -> Iterable[Problem]:
    """Each section's balances chain: a period opens with the previous closing."""
    sections: dict[tuple[str, str], list[Notice]] = {}
    for notice in notices:
        if notice.balance is not None:
            sections.setdefault((notice.board, notice.category), []).append(notice)
    for group in sections.values():
        for notice, message in finance.continuity_errors(group):
            yield error(notice.path, notice.line("balance"), "finance.continuity", message)


def duplicates(notices: list[Notice]) -> Iterable[Problem]:
    """Two notices on one URL, or one section and period published twice."""
    by_url: dict[str, Notice] = {}
    by_period: dict[tuple[str, str, str], list[Notice]] = {}
    for notice in sorted(notices, key=lambda n: (n.date, n.path)):
        first = by_url.setdefault(notice.url, notice)
        if first is not notice:
            yield error(notice.path, 1, "duplicate", f"与 {first.path} 的网址相同（/{notice.url}）。"
                        "请给其中一个文件改名，或在文件头写 slug: 另一个名字。")
            continue
        if notice.period is not None and notice.status == "published":
            by_period.setdefault((notice.board, notice.category, str(notice.period)), []).append(notice)
    for group in by_period.values():
        names = {key: n for n in group for key in (n.path, PurePosixPath(n.path).name, n.slug)}
        original = group[0]
        for notice in group[1:]:
            if notice.corrects in names and names[notice.corrects] is not notice:
                continue
            yield error(notice.path, notice.line("period"), "duplicate",
                        f"{notice.period.label}已在 {original.path} 公开过，同一栏目同一期只能公开一次。"
                        f"如果这是更正，请在文件头写 corrects: {PurePosixPath(original.path).name}；"
                        "如果旧公告作废，请把旧公告改为 status: withdrawn。")


def late(notices: list[Notice], config: Config) -> Iterable[Problem]:
    """The 20-working-day rule: publication after ``formed`` (条例 Art. 26)."""
    entered = config.holidays | config.workdays
    warned: set[int] = set()
    limit = config.late_workdays
    for notice in notices:
        if notice.formed is None or notice.status == "draft":
            continue
        # Working days never outnumber calendar days: skip the count when it cannot be late.
        if (notice.date - notice.formed).days <= limit:
            continue
        for year in unofficial_years(notice.formed, notice.date, entered):
            if year not in warned:
                warned.add(year)
                yield warning(notice.path, notice.line("formed"), "calendar",
                              f"没有 {year} 年国务院公布的节假日安排，{year} 年的工作日暂按周一至周五计算。"
                              f"安排公布后，请在 pelicanconf.py 的 GONGKAI_HOLIDAYS（放假日）和 "
                              f"GONGKAI_WORKDAYS（调休上班日）中录入，或升级 chinesecalendar。")
        days = workdays_between(notice.formed, notice.date, config.holidays, config.workdays)
        if days > limit:
            yield warning(notice.path, notice.line("date"), "late",
                          f"信息形成于 {notice.formed}，{notice.date} 才公开，相隔 {days} 个工作日，"
                          f"超过了 {limit} 个工作日的公开时限。请尽快公开，并在正文说明延迟原因。")
