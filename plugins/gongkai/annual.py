"""The annual report (政府信息公开工作年度报告) in the national format of 国办公开办函〔2021〕30号.

Pure Python. Part 二 (主动公开) is counted from the notices of the categories
whose ``annual_item`` setting names a row of table 二; parts 三 and 四 come
from the office's request log ``content/requests/<year>.yaml`` (each
request, or only the totals); parts 一, 五 and 六 from the office's own
``content/requests/<year>.md``, whose ``date`` is the day the report is
published. The log's format is in docs/admin.md.

Checks: the table's identity 一 + 二 = 三(七) + 四 per applicant column
(``requests.balance``), the 20-working-day reply limit (``requests.late``,
条例 Art. 33), the report's deadline (``annual.due`` / ``annual.late``) and a
part copied from last year's report (``annual.copied``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .markup import Renderer
from .notices import Notice, parse_source
from .periods import parse_date
from .problems import Problem, error, warning
from .workdays import workdays_between

FOLDER = "requests"  # under content/: the request logs and report texts, read here, never published as notices
FORMAT_FROM = 2021  # the first year reported in the 2021 format; earlier years used the 2019 trial format
REPLY_WORKDAYS = 20  # 条例 Art. 33: a reply within 20 working days of receipt
EXTENDED_WORKDAYS = 40  # … extended once, by at most 20 more, with the head of the office's consent

# Table 二: the setting's value → (the item of 条例 Art. 20, the row, what is counted).
ANNUAL_ITEMS: dict[str, tuple[str, str]] = {
    "规章": ("第二十条第（一）项", "documents"),
    "行政规范性文件": ("第二十条第（一）项", "documents"),
    "行政许可": ("第二十条第（五）项", "decisions"),
    "行政处罚": ("第二十条第（六）项", "decisions"),
    "行政强制": ("第二十条第（六）项", "decisions"),
    "行政事业性收费": ("第二十条第（八）项", "fees"),
}

# Table 三's columns: the applicant types as the log names them.
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
COLUMN_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")

# Table 三's result rows: (key the log writes, group, the row's words in the format).
RESULTS: tuple[tuple[str, str, str], ...] = (
    ("予以公开", "（一）予以公开", ""),
    ("部分公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("国家秘密", "（三）不予公开", "1.属于国家秘密"),
    ("法律行政法规禁止", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("三安全一稳定", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("第三方合法权益", "（三）不予公开", "4.保护第三方合法权益"),
    ("内部事务", "（三）不予公开", "5.属于三类内部事务信息"),
    ("过程性信息", "（三）不予公开", "6.属于四类过程性信息"),
    ("行政执法案卷", "（三）不予公开", "7.属于行政执法案卷"),
    ("行政查询事项", "（三）不予公开", "8.属于行政查询事项"),
    ("不掌握", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("需另行制作", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("补正后仍不明确", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("信访举报投诉", "（五）不予处理", "1.信访举报投诉类申请"),
    ("重复申请", "（五）不予处理", "2.重复申请"),
    ("公开出版物", "（五）不予处理", "3.要求提供公开出版物"),
    ("大量反复申请", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("确认或重新出具", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("逾期不补正", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("逾期未缴费", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("其他处理", "（六）其他处理", "3.其他"),
)
RESULT_KEYS = tuple(r[0] for r in RESULTS)
# Totals-only logs name the rows 一, 二 and 四 by these keys.
NEW, CARRIED, CARRY_ON = "本年新收", "上年结转", "结转下年度"
# Table 四: the three kinds of case and the four outcomes.
APPEALS = ("行政复议", "未经复议直接起诉", "复议后起诉")
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结")
PARTS = {"一": "总体情况", "五": "存在的主要问题及改进情况", "六": "其他需要报告的事项"}
_PART_HEADING = re.compile(r"^#{1,3}\s*([一五六])\s*[、.．]")


@dataclass(frozen=True)
class Request:
    """One application for government information, as the log records it."""

    line: int
    received: dt.date
    applicant: str
    result: str | None  # None: not yet answered
    answered: dt.date | None
    extended: bool = False


@dataclass
class RequestLog:
    """What ``content/requests/<year>.yaml`` says; ``found`` is False when there is no such file."""

    path: str
    found: bool = False
    requests: list[Request] = field(default_factory=list)
    totals: dict[str, dict[str, int]] | None = None  # a totals-only log: row key → column → count
    carried: dict[str, int] | None = None  # 上年结转 as written (else counted from the requests)
    appeals: dict[str, dict[str, int]] = field(default_factory=dict)
    fees: float = 0.0  # 行政事业性收费, 万元
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class ReportText:
    """The office's own words: ``content/requests/<year>.md``, parts 一, 五 and 六, and its publication date."""

    path: str
    found: bool = False
    date: dt.date | None = None
    title: str = ""
    parts: dict[str, str] = field(default_factory=dict)  # 一/五/六 → Markdown
    html: dict[str, str] = field(default_factory=dict)  # 一/五/六 → sanitised HTML (annual_report)
    lines: dict[str, int] = field(default_factory=dict)  # the line of each part's heading
    starts: dict[str, int] = field(default_factory=dict)  # the line of each part's first words
    problems: list[Problem] = field(default_factory=list)

    def published_by(self, today: dt.date) -> bool:
        return self.found and self.date is not None and self.date <= today


@dataclass(frozen=True)
class Table2Row:
    item: str  # 第二十条第（一）项
    label: str  # 规章
    kind: str  # documents | decisions | fees
    issued: int = 0
    repealed: int = 0
    in_force: int = 0
    decisions: int = 0
    fees: float = 0.0


@dataclass(frozen=True)
class Table3Row:
    group: str
    label: str
    counts: tuple[int, ...]  # one per column of COLUMN_LABELS, 总计 last


@dataclass
class AnnualReport:
    year: int
    format_2021: bool
    table2: list[Table2Row]
    table3: list[Table3Row]
    table4: list[tuple[str, tuple[int, ...]]]  # (kind, 4 outcomes + 总计)
    text: ReportText
    log: RequestLog
    due: dt.date
    balanced: bool = True

    @property
    def url(self) -> str:
        return report_url(self.year)

    @property
    def table2_blocks(self) -> list[tuple[str, str, list[Table2Row]]]:
        """Table 二 as the format draws it: one block per item of Art. 20, (item, kind, rows)."""
        blocks: list[tuple[str, str, list[Table2Row]]] = []
        for row in self.table2:
            if not blocks or blocks[-1][0] != row.item:
                blocks.append((row.item, row.kind, []))
            blocks[-1][2].append(row)
        return blocks


def report_url(year: int) -> str:
    return f"reports/annual-{year}.html"


def due_date(year: int, config: Config) -> dt.date:
    """The day the report on ``year`` is due: GONGKAI_ANNUAL_DUE of the next year."""
    month, day = config.annual_due
    return dt.date(year + 1, month, day)


# -- reading the office's files ----------------------------------------------------------

def _folder(config: Config) -> Path:
    return config.content_dir / FOLDER


def _source(config: Config, name: str, wrap: bool):
    """A file of the requests folder parsed as gongkai reads front matter (encoding, line of each key);
    a YAML log is read as if it were one front matter block (its lines then shift by one)."""
    path = _folder(config) / name
    rel = config.relpath(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return rel, None
    except OSError as exc:
        return rel, error(rel, 1, "internal", f"无法读取这个文件：{exc.strerror or exc}。")
    if wrap:
        data = b"---\n" + data.removeprefix(b"\xef\xbb\xbf") + b"\n---\n"
    return rel, parse_source(data, rel)


def _count(value: Any) -> int:
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,6}", text):
        raise ValueError(f"应为件数（0 或正整数），现在是“{str(value)[:20]}”")
    return int(text)


def _columns(value: Any) -> dict[str, int]:
    """``{自然人: 2, 商业企业: 1}``: a count per applicant type."""
    if not isinstance(value, dict):
        raise ValueError(f"应写成各类申请人的件数，例如 {{自然人: 2, 商业企业: 1}}；申请人类型为 {'、'.join(APPLICANTS)}")
    counts = dict.fromkeys(APPLICANTS, 0)
    for key, count in value.items():
        name = str(key).strip()
        if name not in counts:
            raise ValueError(f"不认识申请人类型“{name}”，应为 {'、'.join(APPLICANTS)} 之一")
        counts[name] = _count(count)
    return counts


def read_log(config: Config, year: int) -> RequestLog:
    """``content/requests/<year>.yaml``: each request, or the totals only; problems name file and line."""
    rel, source = _source(config, f"{year}.yaml", wrap=True)
    log = RequestLog(rel)
    if source is None:
        return log
    if isinstance(source, Problem):
        log.problems.append(source)
        return log
    log.found = True
    if source.problems:
        log.problems.extend(dataclasses.replace(p, line=max(1, p.line - 1)) for p in source.problems)
        return log

    def line(*path: str | int) -> int:
        return max(1, source.value_line(tuple(path)) - 1)

    def bad(at: tuple, message: str) -> None:
        log.problems.append(error(rel, line(*at), "field.invalid", message + "。请按 docs/admin.md 的“依申请公开台账”格式填写。"))

    meta = source.meta
    log.lines = {str(key): line(key) for key in meta}
    for key in meta:
        if key not in ("requests", "totals", "carried_over", "appeals", "fees"):
            bad((key,), f"不认识“{key}”：台账只能写 requests（逐件登记）、totals（只记合计）、carried_over（上年结转）、"
                        "appeals（行政复议和诉讼）和 fees（行政事业性收费，万元）")
    if "requests" in meta and "totals" in meta:
        bad(("totals",), "requests（逐件登记）和 totals（只记合计）只能写一种")
    for i, item in enumerate(meta.get("requests") or []):
        request = _request(item, (i,), line, bad, config)
        if request is not None:
            log.requests.append(request)
    if meta.get("totals") is not None:
        log.totals = _totals(meta["totals"], bad)
    if meta.get("carried_over") is not None:
        try:
            log.carried = _columns(meta["carried_over"])
        except ValueError as exc:
            bad(("carried_over",), f"上年结转（carried_over）：{exc}")
    for kind, outcomes in (meta.get("appeals") or {}).items():
        if kind not in APPEALS or not isinstance(outcomes, dict):
            bad(("appeals", kind), f"行政复议和诉讼（appeals）只能写 {'、'.join(APPEALS)}，每项写成 {{结果维持: 0, 结果纠正: 0, "
                                   "其他结果: 0, 尚未审结: 0}")
            continue
        try:
            log.appeals[kind] = {o: _count(outcomes.get(o, 0)) for o in OUTCOMES}
            unknown = set(outcomes) - set(OUTCOMES)
            if unknown:
                raise ValueError(f"不认识“{sorted(unknown)[0]}”，只能写 {'、'.join(OUTCOMES)}")
        except ValueError as exc:
            bad(("appeals", kind), f"{kind}：{exc}")
    if meta.get("fees") not in (None, ""):
        try:
            log.fees = float(unicodedata.normalize("NFKC", str(meta["fees"])).replace(",", ""))
        except ValueError:
            bad(("fees",), f"行政事业性收费（fees）应为金额（万元），现在是“{str(meta['fees'])[:20]}”")
    return log


def _request(item: Any, at: tuple, line, bad, config: Config) -> Request | None:
    example = "例如 {received: 2026-03-02, applicant: 自然人, result: 予以公开, answered: 2026-03-20}"
    if not isinstance(item, dict):
        bad(("requests", *at), f"每件申请写成一行，{example}")
        return None
    try:
        received = parse_date(item.get("received"))
    except (ValueError, TypeError):
        bad(("requests", *at, "received"), f"缺少或看不懂收到申请的日期 received，{example}")
        return None
    applicant = str(item.get("applicant") or "").strip()
    if applicant not in APPLICANTS:
        bad(("requests", *at, "applicant"), f"申请人类型 applicant 应为 {'、'.join(APPLICANTS)} 之一，现在是“{applicant[:20]}”")
        return None
    result = item.get("result")
    result = str(result).strip() if result not in (None, "") else None
    if result is not None and result not in RESULT_KEYS:
        bad(("requests", *at, "result"), f"办理结果 result 应为 {'、'.join(RESULT_KEYS)} 之一，现在是“{result[:20]}”；"
                                          "还没办完的不写 result")
        return None
    answered = None
    if item.get("answered") not in (None, ""):
        try:
            answered = parse_date(item["answered"])
        except (ValueError, TypeError):
            bad(("requests", *at, "answered"), f"看不懂答复日期 answered，{example}")
            return None
        if answered < received:
            bad(("requests", *at, "answered"), f"答复日期 {answered} 早于收到日期 {received}")
            return None
    if (result is None) != (answered is None):
        bad(("requests", *at), "办结的申请要同时写 result（办理结果）和 answered（答复日期）；还没办完的两个都不写")
        return None
    return Request(line(*("requests", *at)), received, applicant, result, answered, bool(item.get("extended")))


def _totals(value: Any, bad) -> dict[str, dict[str, int]] | None:
    keys = (NEW, CARRIED, *RESULT_KEYS, CARRY_ON)
    if not isinstance(value, dict):
        bad(("totals",), "totals 应按行写各类申请人的件数，例如 {本年新收: {自然人: 3}, 予以公开: {自然人: 2}, "
                         "结转下年度: {自然人: 1}}")
        return None
    result = {}
    for key, columns in value.items():
        if key not in keys:
            bad(("totals", key), f"totals 不认识“{key}”，行名应为 {'、'.join(keys)} 之一")
            continue
        try:
            result[key] = _columns(columns)
        except ValueError as exc:
            bad(("totals", key), f"{key}：{exc}")
    return result


def read_text(config: Config, year: int) -> ReportText:
    """``content/requests/<year>.md``: the report's date and the office's parts 一, 五 and 六."""
    rel, source = _source(config, f"{year}.md", wrap=False)
    text = ReportText(rel)
    if source is None:
        return text
    if isinstance(source, Problem):
        text.problems.append(source)
        return text
    text.found = True
    if source.problems:
        text.problems.extend(source.problems)
        return text
    text.title = str(source.meta.get("title") or "").strip()
    try:
        text.date = parse_date(source.meta.get("date"))
    except (ValueError, TypeError):
        text.problems.append(error(rel, source.line("date"), "field.missing",
                                   "年度报告要写公开日期（发布那天），例如 date: 2027-03-20；还没发布时先不要写。")
                             if source.meta.get("date") in (None, "") else
                             error(rel, source.line("date"), "field.invalid", "看不懂公开日期 date，请写成 2027-03-20。"))
    current, lines = None, []
    for i, row in enumerate([*source.body.split("\n"), "## 一、"]):  # a last heading closes the last part
        match = _PART_HEADING.match(row)
        if match:
            if current:
                text.parts[current] = "\n".join(lines).strip()
                blank = next((k for k, line_ in enumerate(lines) if line_.strip()), 0)
                text.starts[current] = text.lines[current] + 1 + blank
            current, lines = match[1], []
            text.lines.setdefault(current, source.body_line + i)
        elif current:
            lines.append(row)
    missing = [f"{k}、{v}" for k, v in PARTS.items() if not text.parts.get(k)]
    if missing:
        text.problems.append(warning(rel, source.body_line, "annual.text",
                                     f"年度报告缺少“{'”“'.join(missing)}”部分的文字。请在正文中用标题写明，例如"
                                     "“## 一、总体情况”，其下写本年工作情况（二、三、四部分的表格由台账和公告自动生成）。"))
    return text


# -- the report ---------------------------------------------------------------------------

def table2(notices: Sequence[Notice], config: Config, year: int, fees: float) -> list[Table2Row]:
    """Part 二: what the notices of each ``annual_item`` category say about ``year``.

    Documents: issued (dated in the year), repealed (withdrawn in the year)
    and in force at its end; decisions: notices dated in the year; fees: the log's amount.
    """
    end = dt.date(year, 12, 31)
    items: dict[str, list[Notice]] = {k: [] for k in ANNUAL_ITEMS}
    for notice in notices:
        item = config.categories[notice.category].annual_item if notice.category in config.categories else None
        if item is not None and notice.status != "draft":
            items[item].append(notice)
    rows = []
    for label, (article, kind) in ANNUAL_ITEMS.items():
        mine = items[label]
        issued = sum(1 for n in mine if n.date.year == year)
        repealed = sum(1 for n in mine if n.withdrawal is not None and n.withdrawal.date.year == year)
        in_force = sum(1 for n in mine if n.date <= end and (n.withdrawal is None or n.withdrawal.date > end))
        rows.append(Table2Row(article, label, kind, issued, repealed, in_force, issued, fees if kind == "fees" else 0.0))
    return rows


def columns_of(counts: dict[str, int]) -> tuple[int, ...]:
    values = tuple(counts.get(a, 0) for a in APPLICANTS)
    return (*values, sum(values))


def request_rows(log: RequestLog, year: int, carried_last_year: dict[str, int] | None) -> dict[str, dict[str, int]]:
    """Row key → column → count for table 三, from the requests or the totals.

    上年结转 is what the log writes, else the requests received before the
    year, else last year's 结转下年度.
    """
    if log.totals is not None:
        rows = {k: dict(v) for k, v in log.totals.items()}
        if CARRIED not in rows and carried_last_year is not None:
            rows[CARRIED] = dict(carried_last_year)
        return rows
    rows: dict[str, dict[str, int]] = {}

    def add(row: str, applicant: str) -> None:
        rows.setdefault(row, dict.fromkeys(APPLICANTS, 0))[applicant] += 1

    counted_carried = False
    for r in log.requests:
        if r.received.year > year or (r.answered is not None and r.answered.year < year):
            continue  # belongs to another year's report
        if r.received.year < year:
            add(CARRIED, r.applicant)
            counted_carried = True
        else:
            add(NEW, r.applicant)
        if r.answered is not None and r.answered.year == year:
            add(r.result or "其他处理", r.applicant)
        else:
            add(CARRY_ON, r.applicant)
    if log.carried is not None:
        rows[CARRIED] = dict(log.carried)
    elif not counted_carried and carried_last_year is not None:
        rows[CARRIED] = dict(carried_last_year)
    return rows


def table3(rows: dict[str, dict[str, int]]) -> tuple[list[Table3Row], bool, list[str]]:
    """Table 三 with every row, whether 一 + 二 = 三(七) + 四 in every column, and the columns where it fails."""
    zero = dict.fromkeys(APPLICANTS, 0)

    def row(key: str) -> tuple[int, ...]:
        return columns_of(rows.get(key, zero))

    total = tuple(sum(row(k)[i] for k in RESULT_KEYS) for i in range(len(COLUMN_LABELS)))
    table = [Table3Row("一、本年新收政府信息公开申请数量", "", row(NEW)),
             Table3Row("二、上年结转政府信息公开申请数量", "", row(CARRIED))]
    table += [Table3Row(group, label, row(key)) for key, group, label in RESULTS]
    table += [Table3Row("（七）总计", "", total), Table3Row("四、结转下年度继续办理", "", row(CARRY_ON))]
    failing = [COLUMN_LABELS[i] for i in range(len(COLUMN_LABELS))
               if row(NEW)[i] + row(CARRIED)[i] != total[i] + row(CARRY_ON)[i]]
    return table, not failing, failing


def table4(log: RequestLog) -> list[tuple[str, tuple[int, ...]]]:
    result = []
    for kind in APPEALS:
        counts = tuple(log.appeals.get(kind, {}).get(o, 0) for o in OUTCOMES)
        result.append((kind, (*counts, sum(counts))))
    return result


def carried_on(config: Config, year: int) -> dict[str, int] | None:
    """Last year's 结转下年度 (for this year's 上年结转), when last year's log says it."""
    log = read_log(config, year)
    if not log.found or log.problems:
        return None
    return request_rows(log, year, None).get(CARRY_ON, dict.fromkeys(APPLICANTS, 0))


def annual_report(config: Config, notices: Sequence[Notice], year: int, renderer: Renderer | None = None) -> AnnualReport:
    """The whole report on ``year`` (what its page shows); parts 一, 五, 六 rendered as notice bodies are."""
    log = read_log(config, year)
    rows = request_rows(log, year, carried_on(config, year - 1))
    t3, balanced, _ = table3(rows)
    text = read_text(config, year)
    if any(p.is_error for p in _privacy(text)):
        text.parts = {}  # a personal number in the office's text: check reports it, the page leaves the words out
    renderer = renderer or Renderer()
    text.html = {k: renderer.render(v) for k, v in text.parts.items()}
    return AnnualReport(year, year >= FORMAT_FROM, table2(notices, config, year, log.fees), t3, table4(log),
                        text, log, due_date(year, config), balanced)


def write_pages(write, notices: Sequence[Notice], config: Config) -> None:
    """Every year's report page, through the board generator's ``write`` (site.py)."""
    years = report_years(config, notices)
    renderer = Renderer()
    for year in years:
        write(report_url(year), "annual", annual=annual_report(config, notices, year, renderer), annual_years=years,
              page_kind="annual")


def _privacy(text: ReportText) -> list[Problem]:
    """Personal numbers in the office's words, which the report publishes."""
    from .checks import privacy_problems

    return privacy_problems(text.path, [(text.starts.get(k, 1), v) for k, v in text.parts.items()], False)


def report_years(config: Config, notices: Iterable[Notice]) -> list[int]:
    """Every year the site has notices or a request log for, oldest first (the current year too)."""
    years = {n.date.year for n in notices if n.date <= config.today}
    folder = _folder(config)
    if folder.is_dir():
        years |= {int(p.stem) for p in folder.iterdir() if re.fullmatch(r"\d{4}", p.stem) and int(p.stem) <= config.today.year}
    return sorted(years)


# -- checks -------------------------------------------------------------------------------

def problems(config: Config, notices: Sequence[Notice]) -> list[Problem]:
    """Every problem of the request logs and reports: their own, the identity, the reply limit,
    the deadline and parts copied from last year.

    Only a site that keeps its annual report has the folder ``content/requests/``; without it
    the report pages are still built (all zeros), and nothing is checked or owed.
    """
    found: list[Problem] = []
    texts: dict[int, ReportText] = {}
    if not _folder(config).is_dir():
        return found  # the site keeps no annual report here (a village's site, or one published elsewhere)
    found += _other_files(config)
    for year in report_years(config, notices):
        log = read_log(config, year)
        text = read_text(config, year)
        texts[year] = text
        found += log.problems + text.problems + _privacy(text)
        if not log.problems:
            found += _balance(log, year, config) + list(_replies(log, year, config))
        ended = year < config.today.year
        if ended and not log.found and year >= config.start.year:
            found.append(warning(log.path, 1, "requests.missing",
                                 f"没有 {year} 年的依申请公开台账（{log.path}），年度报告的表三、表四将全部填 0。"
                                 "如果当年没有收到申请，请建立这个文件并写一行 requests: []。"))
        if ended and year >= config.start.year:
            found += _deadline(text, year, config)
    for year, text in texts.items():
        last = texts.get(year - 1) or read_text(config, year - 1)
        for key, words in text.parts.items():
            if words and _plain(words) == _plain(last.parts.get(key, "")):
                found.append(warning(text.path, text.lines.get(key, 1), "annual.copied",
                                     f"“{key}、{PARTS[key]}”与 {year - 1} 年报告的文字完全相同。年度报告雷同会被扣分，"
                                     "请写本年度的实际情况。"))
    return found


def _other_files(config: Config) -> list[Problem]:
    """Files in the requests folder that are read by nobody: said so, with the name they need."""
    found = []
    for path in sorted(_folder(config).iterdir()):
        if path.name.startswith((".", "_")) or re.fullmatch(r"\d{4}\.(yaml|md)", path.name):
            continue
        year = re.match(r"\d{4}", path.name)
        hint = (f"依申请公开台账请命名为 {year[0]}.yaml，年度报告的文字请命名为 {year[0]}.md。" if year else
                "这里只放依申请公开台账（例如 2025.yaml）和年度报告的文字（例如 2025.md）。")
        found.append(warning(config.relpath(path), 1, "file.skipped", f"这个文件不会被读取，也不会公开。{hint}"))
    return found


def _balance(log: RequestLog, year: int, config: Config) -> list[Problem]:
    rows = request_rows(log, year, carried_on(config, year - 1))
    _, balanced, failing = table3(rows)
    if balanced:
        return []
    where = log.lines.get("totals") or 1
    details = []
    for name in failing:
        i = COLUMN_LABELS.index(name)
        r = {k: columns_of(rows.get(k, {}))[i] for k in (NEW, CARRIED, CARRY_ON)}
        done = sum(columns_of(rows.get(k, {}))[i] for k in RESULT_KEYS)
        details.append(f"{name}：本年新收 {r[NEW]} + 上年结转 {r[CARRIED]} = {r[NEW] + r[CARRIED]}，"
                       f"而办理结果总计 {done} + 结转下年度 {r[CARRY_ON]} = {done + r[CARRY_ON]}")
    return [error(log.path if log.found else f"{config.relpath(_folder(config))}/{year}.yaml", where, "requests.balance",
                  f"{year} 年依申请公开的数字对不上（应为 一 + 二 = 三(七) + 四）：{'；'.join(details)}。"
                  "请核对台账里各行的件数。")]


def _replies(log: RequestLog, year: int, config: Config) -> Iterable[Problem]:
    """条例 Art. 33: a reply within 20 working days (40 with an approved extension)."""
    for r in log.requests:
        # One still open is checked up to the log's year end: next year's log carries it on, answered or not.
        end = r.answered or min(config.today, dt.date(year, 12, 31))
        limit = EXTENDED_WORKDAYS if r.extended else REPLY_WORKDAYS
        if (end - r.received).days <= limit:
            continue
        days = workdays_between(r.received, end, config.holidays, config.workdays)
        if days > limit:
            what = f"{r.answered} 才答复" if r.answered else f"到 {end} 还没有答复"
            yield warning(log.path, r.line, "requests.late",
                          f"{r.received} 收到的申请，{what}，用了 {days} 个工作日，超过了 {limit} 个工作日的答复期限"
                          "（《政府信息公开条例》第三十三条" + ("，已延期" if r.extended else "；经负责人同意延期的请写 extended: true")
                          + "）。")


def _deadline(text: ReportText, year: int, config: Config) -> list[Problem]:
    due = due_date(year, config)
    today = config.today
    if text.published_by(today):
        if text.date > due:
            return [warning(text.path, 1, "annual.late", f"{year} 年年度报告于 {text.date} 发布，晚于 {due} 的期限（逾期发布会被扣分）。")]
        return []
    if today > due:
        return [error(text.path, 1, "annual.late",
                      f"{year} 年政府信息公开工作年度报告应在 {due} 前发布，已逾期 {(today - due).days} 天。"
                      f"请写好 {text.path}（一、五、六部分的文字），写上发布日期 date，重新生成网站。")]
    return [warning(text.path, 1, "annual.due",
                    f"{year} 年政府信息公开工作年度报告应在 {due} 前发布。请写好 {text.path}（一、五、六部分的文字），"
                    "写上发布日期 date。")]


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
