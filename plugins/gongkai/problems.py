"""Problems found in notices and settings, reported the same way everywhere.

A problem names the file and the 1-based line in the source file, a
severity, a stable code and a message in Chinese saying what is wrong and
how to fix it. ``gongkai check`` prints them; the build logs them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"

# Stable problem codes. Other programs match on these: never rename one.
CODES: dict[str, str] = {
    "encoding": "文件不是 UTF-8 编码",
    "file.too-large": "文件太大，不像是一份公告",
    "front-matter": "文件头（--- 之间的 YAML）缺失或写法有误",
    "field.missing": "缺少必填字段",
    "field.invalid": "字段的值无法识别",
    "field.unknown": "不认识的字段名（可能拼错）",
    "board.unknown": "公开栏不存在",
    "category.unknown": "公开类别不存在或不属于该公开栏",
    "duplicate": "同一栏目同一期重复公开，或两个公告占用同一网址",
    "placeholder": "模板里的“（待填写）”、设置里的“（请填写…）”或示例网址还没有改（发布时是错误）",
    "future": "公开日期在今天之后：到那天才在网站上公开",
    "period.unended": "公开时所写的期间还没有结束",
    "nil.content": "写了“本期无此类事项”（nil: true）却又列了表格或金额",
    "late": "信息形成后超过规定工作日才公开",
    "calendar": "缺少该年度的法定节假日数据",
    "privacy.id-number": "公布了完整的身份证号码",
    "privacy.bank-card": "公布了银行卡号",
    "privacy.phone": "在涉及隐私的栏目中公布了手机号码",
    "privacy.column": "涉及隐私的栏目设了身份证号、银行卡号、电话、住址等列",
    "finance.balance": "期初 + 收入 − 支出 ≠ 期末",
    "finance.continuity": "本期期初余额与上一期期末余额不一致",
    "table.total": "表格合计行不等于上面各行之和",
    "table.pasted": "从 Excel/WPS 复制来的表格（用制表符分隔），网页上会挤成一段；请用 gongkai import",
    "record.changed": "已公开的公告被修改却没有更正记录",
    "record.removed": "已公开的公告被删除而不是标为撤回",
    "history.hidden": "更正前的某一版含有个人号码：网站上只列出这一版，不显示内容",
    "history.git": "content 在 git 仓库里，但读不出它的历史（更正过的公告只显示现在的版本）",
    "file.link": "链接（快捷方式）指向 content 以外或不存在的文件",
    "file.skipped": "像公告的文件因文件名结尾不对而不会被读取",
    "file.unchecked": "无法读取其中文字、因而无法检查个人信息的文件",
    "file.special": "不是普通文件（管道、设备等），不会被读取",
    "html.unsafe": "页面中的脚本、样式或事件属性已被删除",
    "template": "网站模板出错",
    "output.privacy": "生成的网站文件中出现了个人号码（最后一道检查）",
    "attachment.missing": "公告链接的文件（附件、图片）不存在",
    "attachment.refused": "不公开这种类型的附件（程序、网页、压缩包等），或附件本身有错误",
    "attachment.too-large": "附件超过大小上限（GONGKAI_ATTACHMENT_MAX_MB）",
    "attachment.broken": "图片无法读取，因而无法去掉其中的拍摄位置等信息",
    "attachment.clash": "两个附件发布后的网址相同，会互相覆盖",
    "internal": "读取或检查这个文件时发生了意外错误",
    "signoff.missing": "类别要求的审核机构（review）没有在 reviewed_by 中签字",
    "signoff.late": "审核签字的日期晚于公开日期（应先审核后公开）",
    "requests.balance": "年度报告表三对不上：本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度",
    "requests.late": "依申请公开超过 20 个工作日（延期的 40 个）才答复",
    "requests.missing": "已结束的年度没有依申请公开台账（年度报告表三、表四为 0）",
    "annual.due": "上一年度的政府信息公开工作年度报告还没有发布（期限未到）",
    "annual.late": "年度报告逾期未发布（错误），或发布晚于期限（警告）",
    "annual.copied": "年度报告某部分的文字与上一年完全相同（雷同）",
    "annual.text": "年度报告缺少一、五、六部分的文字",
    "county.unreachable": "县级汇总读不到某个乡镇的 status.json（显示上一份及其时间）",
    "county.invalid": "某个乡镇的 status.json 不是有效的 gongkai 状态文件（显示上一份及其时间）",
}


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity} {self.code}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)

    def published(self) -> Problem:
        """The problem as the site may show it (status.json): any personal number in it masked,
        even in a file name that is itself the problem."""
        from .privacy import mask_text

        return Problem(mask_text(self.file)[0], self.line, self.severity, self.code, self.message)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def _safe(message: str) -> str:
    """A message never repeats a personal number in full, even one it quotes back (a field's value)."""
    from .privacy import mask_text

    return mask_text(message)[0]


def error(file: str, line: int, code: str, message: str) -> Problem:
    return Problem(file, line, ERROR, code, _safe(message))


def warning(file: str, line: int, code: str, message: str) -> Problem:
    return Problem(file, line, WARNING, code, _safe(message))


def internal(file: str, exc: BaseException) -> Problem:
    """An unexpected failure while reading or checking one file: reported on it, never a traceback."""
    if isinstance(exc, OSError):
        what = f"无法读取这个文件（{exc.strerror or type(exc).__name__}）。请检查文件是否存在、能否打开。"
    else:
        what = f"gongkai 读取或检查这个文件时发生了意外错误（{type(exc).__name__}: {str(exc)[:200]}）。"
    return error(file, 1, "internal", what + "这个文件暂不公开，其他文件照常处理；请检查文件内容，"
                 "如果看不出问题，请把这个文件和这条信息发给技术支持。")


def closest(word: str, choices: dict[str, str]) -> str | None:
    """The choice closest to ``word``, for a "did you mean" hint.

    ``choices`` maps every accepted spelling to the canonical one, so that a
    slug typo and a Chinese-name typo both find their match.
    """
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return choices[match[0]] if match else None
