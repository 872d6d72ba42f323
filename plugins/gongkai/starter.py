"""``gongkai init``: a new township site that builds at once.

The new site gets its settings (the township's board and one board per
village), a Makefile, the templates ``gongkai new`` uses (``archetypes/``,
for the township to edit) and one example notice per category, marked 示例
so nobody mistakes them for real disclosures.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pypinyin import lazy_pinyin

from .config import DEFAULT_CATEGORIES
from .newnotice import PACKAGE_ARCHETYPES
from .periods import MONTH, QUARTER, period_containing


class InitError(Exception):
    """A site that cannot be created there; the message says why and what to do."""

    exit_code = 2


@dataclass(frozen=True)
class Board:
    slug: str
    name: str
    note: str = ""  # why this code and not the plain reading (a duplicate reading), for init to say


# Characters that place names read otherwise than pypinyin's everyday reading: 长岭 is Changling,
# not Zhangling; 朝阳 Chaoyang; 都 as in 成都.
PLACE_READINGS = {"长": "chang", "朝": "chao", "单": "shan", "都": "du"}
# Surnames read their own way in village names such as 翟家庄 or 单家村 (the character before 家, 庄…).
SURNAME_READINGS = {"单": "shan", "翟": "zhai", "仇": "qiu", "查": "zha", "曾": "zeng", "朴": "piao", "盖": "ge",
                    "区": "ou", "解": "xie", "尉": "yu", "缪": "miao", "覃": "qin", "召": "shao", "秘": "bi"}
_SURNAME_PLACES = "家庄营寨屯集楼店窑洼湾岗坡沟堡"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def place_pinyin(stem: str) -> str:
    """The pinyin of a place name as people there say it, in lower-case letters."""
    syllables = lazy_pinyin(stem, errors=lambda chars: list(chars))
    if len(syllables) == len(stem):  # one syllable per character: the readings can be corrected
        syllables = [_reading(stem, i, syllable) for i, syllable in enumerate(syllables)]
    return re.sub(r"[^a-z0-9]+", "", "".join(syllables).lower())


def _reading(stem: str, i: int, syllable: str) -> str:
    char = stem[i]
    if char in SURNAME_READINGS and i + 1 < len(stem) and stem[i + 1] in _SURNAME_PLACES:
        return SURNAME_READINGS[char]
    return PLACE_READINGS.get(char, syllable)


def reading(name: str) -> str:
    """changling for 长岭村: the pinyin of the name without its 村/社区 suffix."""
    stem = re.sub(r"(村民委员会|村委会|居民委员会|居委会|社区|村)+$", "", name.strip()) or name
    return place_pinyin(stem) or "village"


def slug_for(name: str, taken: set[str]) -> str:
    """The name's reading, made unique among ``taken`` (lizhuang, then lizhuang-2), and taken."""
    slug = reading(name)
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def split_names(text: str) -> list[str]:
    return [n for n in re.split(r"[\s,，、;；]+", text.strip()) if n]


def boards_for(villages: list[str]) -> list[Board]:
    """The village boards, each ``名称`` or ``名称=代码``, with their codes: given ones kept, others made from pinyin.

    Two villages that read alike (李庄村, 黎庄村) get lizhuang and lizhuang-2,
    with a note saying so; :class:`InitError` for a code that cannot be used.
    """
    pairs: dict[str, str | None] = {}
    for item in villages:
        name, _, code = item.partition("=")
        name, code = name.strip(), code.strip().lower()
        if not name:
            raise InitError(f"“{item}”缺少村名，请写成 --village 长岭村 或 --village 长岭村=changling。")
        if code and not SLUG.fullmatch(code):
            raise InitError(f"{name}的代码“{code}”只能用小写英文字母、数字和连字符（-），例如 --village {name}=changling。")
        if "=" in item and not code:
            raise InitError(f"“{item}”的等号后面缺少代码，例如 --village {name}=changling。")
        if code and pairs.get(name) not in (None, code):
            raise InitError(f"{name}写了两个代码：{pairs[name]} 和 {code}，请只保留一个。")
        pairs[name] = code or pairs.get(name)
    taken = {"township"}
    for name, code in pairs.items():
        if code is None:
            continue
        if code in taken:
            other = next((n for n, c in pairs.items() if c == code and n != name), "乡政府公开栏")
            raise InitError(f"{name}的代码 {code} 已经给了{other}，请换一个，例如 --village {name}={code}-2。")
        taken.add(code)
    boards = []
    for name, code in pairs.items():
        if code is not None:
            boards.append(Board(code, name))
            continue
        slug, plain = slug_for(name, taken), reading(name)
        note = ""
        if plain != slug:
            same = next((b.name for b in boards if b.slug == plain), None) or next(
                (n for n, c in pairs.items() if c == plain), "另一个公开栏")
            note = f"{name}与{same}的拼音相同（{plain}），{name}用 {slug}；如要另取，请写 --village {name}=代码。"
        boards.append(Board(slug, name, note))
    return boards


def init_site(target: Path, township: str, villages: list[str], today: dt.date, *, siteurl: str = "",
              phone: str = "", boards: list[Board] | None = None) -> list[Path]:
    """Write a new site into ``target`` (which must be empty or absent); the paths written.

    ``villages`` may carry their codes (``长岭村=changling``); ``boards``, when
    given, are those already worked out by :func:`boards_for`.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(f"{target} 已存在且不是空文件夹，不会在里面创建站点。请换一个新文件夹名。")
    township = township.strip()
    if not township:
        raise InitError("请给出乡镇名称，例如 --township 东大地乡。")
    if not villages:
        raise InitError("请至少给出一个村，例如 --village 南湾村 --village 北山村。")
    boards = boards if boards is not None else boards_for(villages)
    siteurl = check_siteurl(siteurl)
    written: list[Path] = []

    def put(rel: str, text: str) -> None:
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)

    government = government_name(township)
    put("pelicanconf.py", _settings(township, government, boards, today, siteurl, phone.strip()))
    put("publishconf.py", _PUBLISHCONF)
    put("Makefile", _MAKEFILE)
    put(".gitignore", "output/\ncache/\n__pycache__/\n")
    put("README.md", _readme(township, boards))
    put("content/pages/about.md", _about(township))
    for archetype in sorted(PACKAGE_ARCHETYPES.glob("*.md")):
        put(f"archetypes/{archetype.name}", archetype.read_text(encoding="utf-8"))
    month = period_containing(today, MONTH).previous()
    quarter = period_containing(today, QUARTER).previous()
    first = boards[0]
    examples = {
        f"content/township/finance/{str(month).lower()}.md": _example("finance", "township", government, month, today),
        "content/township/major-matters/example.md": _example("major-matters", "township", government, None, today),
        "content/township/service-guides/example.md": _example("service-guides", "township", government, None, today),
        f"content/{first.slug}/finance/{str(month).lower()}.md": _example("finance", first.slug, first.name, month, today),
        f"content/{first.slug}/subsidies/{str(quarter).lower()}.md":
            _example("subsidies", first.slug, first.name, quarter, today),
        f"content/{first.slug}/low-income-aid/{str(quarter).lower()}.md":
            _example("low-income-aid", first.slug, first.name, quarter, today),
        f"content/{first.slug}/major-matters/example.md": _example("major-matters", first.slug, first.name, None, today),
    }
    for rel, text in examples.items():
        put(rel, text)
    return written


def government_name(township: str) -> str:
    """The township board's name: 东大地乡人民政府 for 东大地乡."""
    return township if township.endswith(("人民政府", "政府")) else f"{township}人民政府"


EXAMPLE_SITEURL = "https://gongkai.example.gov.cn"
CONTACT_BLANK = "（请填写乡纪委或政务公开办的办公电话）"


def check_siteurl(url: str) -> str:
    """The site's public address as init writes it; :class:`InitError` for one that is not an address."""
    url = url.strip().rstrip("/")
    if url and not re.fullmatch(r"https?://[^\s/\\\"']+(/[^\s\\\"']*)?", url):
        raise InitError(f"网站地址“{url}”不对，应以 https:// 或 http:// 开头，例如 https://gongkai.dongdadi.gov.cn。")
    if url and "example" in url.split("/")[2].lower():
        raise InitError(f"“{url}”是示例地址，请写本乡公开网站的正式地址；还没有的，先不写，以后在 pelicanconf.py 中填写 SITEURL。")
    return url


def _settings(township: str, government: str, boards: list[Board], today: dt.date, siteurl: str = "",
              phone: str = "") -> str:
    villages = "\n".join(
        f'    {{"slug": "{b.slug}", "name": "{b.name}", "kind": "village",\n'
        f'     "categories": ["finance", "subsidies", "low-income-aid", "major-matters"]}},' for b in boards)
    return f'''"""Settings of the {township} disclosure site. See the gongkai admin guide (docs/admin.md)."""

SITENAME = "{township}村务政务公开"
# The public address, written here only (publishconf.py takes it from this file): QR codes on the printed
# boards, feeds and the sitemap point here. `gongkai publish` refuses an empty or example address.
SITEURL = {json.dumps(siteurl)}
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
PATH = "content"
PLUGINS = ["gongkai"]  # gongkai's theme comes with it: no THEME needed
RELATIVE_URLS = True  # pages link to each other relatively: output/ also opens from disk

# Nothing is owed for periods that ended before the site started.
GONGKAI_START = "{today.isoformat()}"

GONGKAI_CATEGORIES = {_categories()}

GONGKAI_BOARDS = [
    {{"slug": "township", "name": "{government}", "kind": "township",
     "categories": ["finance", "major-matters", "service-guides"]}},
{villages}
]

GONGKAI_CONTACTS = {{
    "监督电话": {json.dumps(phone or CONTACT_BLANK, ensure_ascii=False)},
}}
'''


def _categories() -> str:
    """gongkai's default categories as Python a clerk can edit, one value a line."""
    def value(v: object) -> str:
        return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else repr(v)

    items = "".join(f'    "{slug}": {{\n' + "".join(f'        "{k}": {value(v)},\n' for k, v in fields.items()) + "    },\n"
                    for slug, fields in DEFAULT_CATEGORIES.items())
    return "{\n" + items + "}"


_PUBLISHCONF = '''"""Production settings: everything in pelicanconf.py (SITEURL included), plus what the public site needs."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

# SITEURL comes from pelicanconf.py: the public address is written in one place only.
RELATIVE_URLS = False
GONGKAI_PDF = True
GONGKAI_PRECOMPRESS = True
'''

_MAKEFILE = '''# Uses the gongkai command installed on this machine.
.PHONY: html check serve
html:
\tgongkai build
check:
\tgongkai check
serve:
\tgongkai serve
'''


def _readme(township: str, boards: list[Board]) -> str:
    names = "、".join(b.name for b in boards)
    return f"""# {township}村务政务公开

本站点由 gongkai 生成：乡政府公开栏和 {names} 的公开栏。

- 写公告：`gongkai new finance --board {boards[0].slug}`，按提示填好“（待填写）”的地方。
- 检查：`gongkai check`，按提示改正每一个错误。
- 预览：`gongkai serve`，然后在浏览器打开 http://127.0.0.1:8000/ 。
- 生成网站：`gongkai build`（或 `make html`），结果在 output/ 文件夹。

content/ 里标有“示例”的公告只是示范，正式使用前请删除。
公开栏、类别和公开周期在 pelicanconf.py 中设置；archetypes/ 是 `gongkai new` 使用的模板，可以按本乡情况修改。
"""


def _about(township: str) -> str:
    return f"""---
title: 关于本站
slug: about
---
本站是{township}村务、政务公开栏的网上版本。各公开栏的“按期公开／待公开／逾期未公开”标记由系统按公开时限自动计算。

对公开内容有疑问，请拨打页面下方的监督电话。
"""


def _example(category: str, board: str, name: str, period, today: dt.date) -> str:
    head = f"---\ntitle: {name}{period.label if period else ''}{_TITLES[category]}（示例）\nboard: {board}\n" \
           f"category: {category}\ndate: {today.isoformat()}\n"
    if period is not None:
        head += f"period: {period}\n"
    return head + _EXAMPLES[category]


_TITLES = {"finance": "财务收支公开", "subsidies": "惠农补贴发放公示", "low-income-aid": "低保对象名单公示",
           "major-matters": "关于村内道路维修的公示", "service-guides": "最低生活保障申请办事指南"}
_EXAMPLES = {
    "finance": """prepared_by: 示例报账员
approved_by: 示例理财小组组长
balance: {opening: 10000.00, income: 1500.00, expense: 800.00, closing: 10700.00}
---
这是一份示例公告，正式使用前请删除。

| 收入项目 | 金额（元） |
|---|---:|
| 土地承包费 | 1,200.00 |
| 租赁收入 | 300.00 |
| 合计 | 1,500.00 |

| 支出项目 | 金额（元） |
|---|---:|
| 保洁员工资 | 600.00 |
| 办公费 | 200.00 |
| 合计 | 800.00 |
""",
    "subsidies": """window_days: 7
---
这是一份示例公告，正式使用前请删除。

| 户主姓名 | 补贴项目 | 面积（亩） | 补贴金额（元） |
|---|---|---:|---:|
| 张示例 | 耕地地力保护补贴 | 5.00 | 500.00 |
| 李示例 | 耕地地力保护补贴 | 3.50 | 350.00 |
| 合计 | | 8.50 | 850.00 |
""",
    "low-income-aid": """window_days: 7
---
这是一份示例公告，正式使用前请删除。

| 户主姓名 | 保障人数 | 保障金额（元/月） | 类别 |
|---|---:|---:|---|
| 王示例 | 2 | 620.00 | A类 |
| 赵示例 | 1 | 310.00 | B类 |
| 合计 | 3 | 930.00 | |
""",
    "major-matters": """window_days: 7
---
这是一份示例公告，正式使用前请删除。经村民代表会议讨论决定，维修村内主干道，所需资金由一事一议财政奖补资金解决。公示期 7 天。
""",
    "service-guides": """---
这是一份示例公告，正式使用前请删除。

## 申请条件

家庭人均收入低于当地低保标准，且家庭财产符合规定。

## 办理流程

1. 向户籍所在地乡（镇）人民政府提出申请；
2. 入户调查、民主评议、审核公示；
3. 县民政局审批。
""",
}
