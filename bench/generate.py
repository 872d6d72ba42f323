"""Generate a synthetic township of N notices, in three equivalent corpora.

    python bench/generate.py [--notices N] [--out DIR] [--seed S]

writes, under DIR (default ``bench/work/n<N>``):

``gongkai/``
    a complete gongkai site: ``pelicanconf.py`` (one township and enough
    villages for N notices, periods going back years) and
    ``content/<board>/<category>/<period>.md`` notices with YAML front matter;
    ``pelicanconf_nosearch.py`` is the same with ``GONGKAI_SEARCH = False``, and
    ``pelicanconf_siteurl.py`` with the public ``SITEURL`` a real site sets
    (every notice page and printed board then carries a QR code).
``pelican/``
    the same Markdown files for stock Pelican without the plugin
    (``PLUGINS = []``, the default theme): ``pelicanconf.py`` with Pelican's
    defaults, and ``pelicanconf_articles.py`` that writes the article pages only.
``hugo/``
    the same Markdown files for Hugo, with ``_index.md`` section files and a
    minimal layout set (baseof, home, list, single).

The output depends only on N and the seed. Every notice is valid: finance
notices have a ``balance`` that adds up and continues from the previous
period, every 合计 row is the sum of the rows above it, and no text holds an
11-digit mobile-like number or a run of 15–19 digits. The generator asserts
these rules itself; ``gongkai check`` must then report 0 errors (``bench/run.py``
verifies it before measuring).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 8)  # GONGKAI_TODAY of every generated site
YEARS_BACK = 6  # history is generated from this many years before TODAY, then trimmed to N

# -- settings of the generated township ---------------------------------

CATEGORIES = {
    "finance": {
        "name": "财务公开", "cycle": "monthly", "grace_days": 10,
        "basis": "《中华人民共和国村民委员会组织法》村务公开条款；《农村集体经济组织财务公开规定》",
        "responsible": "村（乡）报账员、民主理财小组",
    },
    "subsidies": {
        "name": "惠农补贴", "cycle": "quarterly", "grace_days": 15, "privacy": True,
        "basis": "《中华人民共和国村民委员会组织法》村务公开条款；惠民惠农财政补贴资金“一卡通”管理办法",
        "responsible": "村民委员会",
    },
    "low-income-aid": {
        "name": "低保救助", "cycle": "quarterly", "grace_days": 15, "privacy": True, "window_days": 7,
        "basis": "《社会救助暂行办法》；最低生活保障审核确认办法",
        "responsible": "村民委员会、乡民政办",
    },
    "major-matters": {
        "name": "重大事项", "cycle": "event", "max_interval_days": 92, "window_days": 7,
        "basis": "《中华人民共和国村民委员会组织法》村民会议与村民代表会议条款",
        "responsible": "村民委员会、村务监督委员会",
    },
    "service-guides": {
        "name": "办事指南", "cycle": "review", "review_days": 365,
        "basis": "《中华人民共和国政府信息公开条例》第二十条",
        "responsible": "乡便民服务中心",
    },
}
TOWNSHIP = ("township", "青石岭镇人民政府")
TOWNSHIP_CATEGORIES = ["finance", "major-matters", "service-guides"]
VILLAGE_CATEGORIES = ["finance", "subsidies", "low-income-aid", "major-matters"]
CONTACTS = {"监督电话": "0371-63851234", "镇纪委": "0371-63851200", "地址": "青石岭镇人民政府一楼便民服务中心"}

# -- vocabulary -------------------------------------------------------------

# Village names are made of three syllables; each has its pinyin for the slug.
PREFIXES = [("东", "dong"), ("西", "xi"), ("南", "nan"), ("北", "bei"), ("前", "qian"), ("后", "hou"),
            ("上", "shang"), ("下", "xia"), ("大", "da"), ("小", "xiao"), ("中", "zhong"), ("新", "xin")]
MIDDLES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("河", "he"), ("山", "shan"),
           ("柳", "liu"), ("杨", "yang"), ("石", "shi"), ("马", "ma"), ("黄", "huang"), ("桥", "qiao")]
SUFFIXES = [("庄", "zhuang"), ("营", "ying"), ("湾", "wan"), ("寨", "zhai"), ("集", "ji"), ("屯", "tun"),
            ("岗", "gang"), ("沟", "gou"), ("坡", "po"), ("店", "dian")]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = (
    "建国", "建军", "国强", "国庆", "志强", "志刚", "秀英", "秀兰", "桂英", "桂兰", "玉兰", "玉梅",
    "凤英", "凤霞", "春生", "春花", "海洋", "红卫", "金锁", "振山", "德厚", "德才", "长顺", "满堂",
    "宝贵", "连成", "书文", "明亮", "学军", "翠兰", "秀珍", "桂枝", "金山", "玉芹", "永福", "永刚",
    "文华", "丽娟", "晓燕", "立新", "卫东", "爱民", "爱华", "新民", "保国", "胜利", "树林", "红梅",
    "淑芬", "淑珍", "雪梅", "福林", "富贵", "来顺", "小红", "小军", "俊杰", "子涵", "浩然", "思远",
    "佳琪", "雨欣", "一鸣",
)

INCOME_ITEMS = [
    ("上级转移支付（村级组织运转经费）", 20000, 40000), ("土地承包费", 5000, 60000), ("鱼塘租赁收入", 3000, 30000),
    ("光伏发电收益", 1500, 9000), ("银行存款利息", 20, 600), ("集体厂房租金", 6000, 48000),
    ("林果承包收入", 2000, 20000), ("一事一议财政奖补资金", 10000, 80000), ("村集体经济合作社分红", 5000, 50000),
    ("上级拨付环境整治专项资金", 5000, 30000), ("农机具出租收入", 800, 6000), ("其他收入", 100, 3000),
]
EXPENSE_ITEMS = [
    ("村民小组长误工补贴", 2000, 9000), ("保洁员工资", 3000, 12000), ("办公费", 200, 1500),
    ("电费（村委会及路灯）", 500, 3000), ("道路维修", 1000, 20000), ("五保户慰问", 800, 4000),
    ("防汛物资购置", 500, 6000), ("机井维修", 600, 5000), ("文化广场维护", 400, 5000),
    ("垃圾清运费", 1000, 8000), ("绿化苗木购置", 800, 9000), ("党员活动经费", 300, 3000),
    ("秸秆禁烧巡查误工", 500, 4000), ("冬季取暖费（村委会）", 600, 4000), ("报刊订阅费", 200, 1200),
    ("村级公益事业建设", 3000, 40000),
]
SUBSIDY_AREA = [("耕地地力保护补贴", "121.50"), ("实际种粮农民一次性补贴", "14.80"), ("稻谷目标价格补贴", "36.00"),
                ("玉米大豆生产者补贴", "98.00"), ("农业保险保费补贴", "9.60")]
SUBSIDY_PERSON = [("80周岁以上高龄津贴", "100.00"), ("困难残疾人生活补贴", "90.00"),
                  ("重度残疾人护理补贴", "120.00"), ("农村独生子女父母奖励扶助金", "120.00")]
AID_CLASSES = [("A类", 420), ("B类", 320), ("C类", 220), ("特困供养", 650)]

MATTERS = [
    "村内主干道硬化工程", "村集体机动地发包", "一事一议筹资筹劳方案", "村集体经济发展项目", "新建村级文化广场",
    "农田水利机井建设", "村级光伏电站收益分配", "宅基地审批", "村集体资产出租", "农村人居环境整治项目",
    "高标准农田建设村级配合方案", "村卫生室改建", "村级养老服务站建设", "土地流转统一经营", "小型水库清淤工程",
]
GUIDES = [
    "农村低保申请", "特困人员救助供养申请", "临时救助申请", "高龄津贴申领", "残疾人两项补贴申请", "宅基地建房审批",
    "农村土地承包经营权流转备案", "城乡居民基本养老保险参保登记", "城乡居民医疗保险参保缴费", "生育登记服务",
    "独生子女父母奖励扶助申请", "退役军人优抚对象抚恤补助", "耕地地力保护补贴申领", "农机购置补贴申请",
    "居住证申领", "婚姻登记预约", "户籍迁移证明开具", "殡葬惠民补贴申请", "就业失业登记", "农民工工资拖欠投诉",
    "法律援助申请", "残疾人证申领", "林木采伐许可", "小型水利设施管护",
]
GUIDE_MATERIALS = [
    "申请人身份证原件及复印件", "户口簿原件及复印件", "申请书（可在便民服务中心领取）",
    "村委会出具的证明材料", "近期一寸免冠照片两张", "家庭收入情况说明",
    "土地承包合同", "残疾人证", "银行账户信息（一卡通）", "相关证明文件",
]
GUIDE_STEPS = [
    "申请人向村委会或镇便民服务中心提出申请", "村委会入户调查核实并在村内公示",
    "镇便民服务中心受理并审核材料", "镇人民政府审核确认或报县级部门审批",
    "结果告知申请人并发放相关证件或资金",
]
SUBJECTS = ["村两委", "村务监督委员会", "民主理财小组", "村民代表", "镇党委政府", "驻村工作队", "包村干部",
            "村报账员", "镇农经站", "镇财政所", "镇民政办", "镇便民服务中心", "各村民小组长", "党员代表"]
ACTIONS = ["认真审核了", "逐笔核对了", "实地查看了", "广泛征求了", "集体研究了", "入户走访了", "严格审查了",
           "及时公开了", "逐项清点了", "专题讨论了", "如实登记了", "统一汇总了"]
OBJECTS = ["本期各项收支凭证", "项目实施方案", "群众意见和建议", "资金使用情况", "补贴对象名单", "工程预算和决算",
           "上级文件精神", "集体资产台账", "困难家庭收入状况", "合同签订和履行情况", "往来款项", "票据和附件"]
TAILS = ["，确保资金使用公开透明。", "，做到账目清楚、手续完备。", "，接受全体村民监督。", "，未发现违规问题。",
         "，相关资料已存档备查。", "，群众反映良好。", "，各项支出均符合规定。", "，做到应公开尽公开。",
         "，按程序报镇党委政府审核。", "，并逐项登记造册。"]
SENTENCES = [
    "本次公开内容经村务监督委员会审核，如有疑问请于公示期内反映。",
    "各项支出均经经办人、证明人签字，村务监督委员会审核盖章后入账。",
    "村民对公开内容有异议的，可以向村务监督委员会或镇纪委反映，我们将及时调查核实并答复。",
    "今后我们将继续坚持民主理财，严格执行财务管理制度，自觉接受群众监督。",
    "补贴资金由县财政通过惠民惠农“一卡通”直接发放到户，村里不经手现金。",
    "公示期满无异议的，按程序上报审批；有异议的，经调查核实后依法处理。",
    "本事项经村党支部提议、村两委会议商议、党员大会审议、村民代表会议决议。",
    "请广大村民积极参与监督，共同维护集体和群众的合法权益。",
    "其他村民小组的明细张贴在各组公示栏，也可到村委会查阅。",
    "名单实行动态管理，家庭情况发生变化的应及时向村委会报告。",
    "办理过程中遇到困难的，可以到镇便民服务中心咨询，工作人员将一次性告知所需材料。",
    "农忙时节，村干部轮流值班，群众办事可先电话预约。",
]

DIGIT_RUN = re.compile(r"\d{11,}")  # no 11+ digit run at all: nothing like a mobile, ID or card number
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


# -- helpers -------------------------------------------------------------------

def money(cents: int) -> str:
    """12345678 → 123,456.78"""
    return f"{cents // 100:,}.{cents % 100:02d}"


def plain(cents: int) -> str:
    """12345678 → 123456.78 (for the front matter)"""
    return f"{cents // 100}.{cents % 100:02d}"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    year: int
    kind: str  # "month" | "quarter"
    index: int

    @property
    def end(self) -> dt.date:
        last = self.index if self.kind == "month" else self.index * 3
        return month_end(self.year, last)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.index:02d}" if self.kind == "month" else f"{self.year}-Q{self.index}"

    @property
    def file_stem(self) -> str:
        return self.key.lower()

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        return f"{self.year}年第{'一二三四'[self.index - 1]}季度"

    @property
    def span(self) -> str:
        if self.kind == "month":
            return f"{self.index}月"
        first = self.index * 3 - 2
        return f"{first}—{first + 2}月"

    def next(self) -> Period:
        count = 12 if self.kind == "month" else 4
        if self.index < count:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)


def periods(kind: str, first: dt.date, last_end: dt.date) -> list[Period]:
    """Periods whose end lies in [first, last_end]."""
    p = Period(first.year, kind, first.month if kind == "month" else (first.month - 1) // 3 + 1)
    out = []
    while p.end <= last_end:
        if p.end >= first:
            out.append(p)
        p = p.next()
    return out


@dataclass
class Board:
    slug: str
    name: str
    kind: str
    categories: list[str]
    cycles: dict[str, str] = field(default_factory=dict)
    households: list[str] = field(default_factory=list)


@dataclass
class Slot:
    """One notice to be written: where, when, and what it is about."""

    board: Board
    category: str
    date: dt.date
    stem: str
    period: Period | None = None
    extra: dict = field(default_factory=dict)


# -- the township --------------------------------------------------------------

class Township:
    def __init__(self, notices: int, seed: int):
        self.rng = random.Random(seed)
        self.target = notices
        # Notices per village and year: finance 12 or 4, subsidies 4, low-income aid 4, major matters ~5.
        per_village_year = 8 + 4 + 4 + 5
        per_township_year = 12 + 6
        villages = max(1, -(-(notices - per_township_year * YEARS_BACK - len(GUIDES))
                            // (per_village_year * YEARS_BACK)))
        names = [(p + m + s, pp + mm + ss) for p, pp in PREFIXES for m, mm in MIDDLES for s, ss in SUFFIXES]
        self.rng.shuffle(names)
        self.boards = [Board(TOWNSHIP[0], TOWNSHIP[1], "township", list(TOWNSHIP_CATEGORIES))]
        seen: set[str] = set()
        for name, slug in names:
            if len(self.boards) > villages:
                break
            if slug in seen:
                continue
            seen.add(slug)
            board = Board(slug, name + "村", "village", list(VILLAGE_CATEGORIES))
            if self.rng.random() < 0.5:
                board.cycles["finance"] = "quarterly"
            board.households = [self.person() for _ in range(self.rng.randint(40, 90))]
            self.boards.append(board)
        self.slots = self.plan()

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def cycle(self, board: Board, category: str) -> str:
        return board.cycles.get(category, CATEGORIES[category]["cycle"])

    def plan(self) -> list[Slot]:
        rng = self.rng
        first = dt.date(TODAY.year - YEARS_BACK, TODAY.month, 1)
        slots: list[Slot] = []
        for board in self.boards:
            for category in board.categories:
                cycle = self.cycle(board, category)
                grace = CATEGORIES[category].get("grace_days", 10)
                if cycle in ("monthly", "quarterly"):
                    found = []
                    for p in periods("month" if cycle == "monthly" else "quarter", first, TODAY):
                        day = p.end + dt.timedelta(days=rng.randint(3, max(4, grace - 2)))
                        if day <= TODAY:
                            found.append(Slot(board, category, day, p.file_stem, p))
                    # A few sections are late with their latest notice, as in real life.
                    if found and rng.random() < 0.08:
                        found.pop()
                    slots.extend(found)
                elif cycle == "event":
                    day = first + dt.timedelta(days=rng.randint(5, 40))
                    count: dict[int, int] = {}
                    while day <= TODAY:
                        count[day.year] = count.get(day.year, 0) + 1
                        slots.append(Slot(board, category, day, day.isoformat(),
                                          extra={"topic": rng.choice(MATTERS), "number": count[day.year]}))
                        day += dt.timedelta(days=rng.randint(35, 85))
                else:  # review: service guides, each reviewed within the last year
                    for i, topic in enumerate(GUIDES, 1):
                        published = first + dt.timedelta(days=rng.randint(0, 900))
                        reviewed = TODAY - dt.timedelta(days=rng.randint(10, 330))
                        slots.append(Slot(board, category, published, f"guide-{i:02d}",
                                          extra={"topic": topic, "reviewed": max(reviewed, published)}))
        # Keep the N newest (guides always stay); the site starts where the kept history starts.
        guides = [s for s in slots if s.category == "service-guides"]
        dated = sorted((s for s in slots if s.category != "service-guides"),
                       key=lambda s: (s.date, s.board.slug, s.category, s.stem), reverse=True)
        keep = max(0, self.target - len(guides))
        kept, dropped = dated[:keep], dated[keep:]
        if len(dated) < keep:
            raise SystemExit(f"cannot plan {self.target} notices; raise YEARS_BACK")
        self.start = (max(s.date for s in dropped) + dt.timedelta(days=1)) if dropped else first
        chosen = guides[: self.target] if keep == 0 else guides + kept
        return sorted(chosen, key=lambda s: (s.board.slug, s.category, s.date, s.stem))

    # -- text -------------------------------------------------------------------

    def sentence(self) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            return rng.choice(SENTENCES)
        return rng.choice(SUBJECTS) + rng.choice(ACTIONS) + rng.choice(OBJECTS) + rng.choice(TAILS)

    def paragraph(self, low: int = 3, high: int = 6) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def who(self, board: Board) -> str:
        return "本镇" if board.kind == "township" else "本村"

    def signer(self, board: Board) -> str:
        return board.name + ("党政办公室" if board.kind == "township" else "村民委员会")

    def items(self, pool, low: int, high: int) -> list[tuple[str, int]]:
        """Some rows of a pool of (item, lowest, highest quarterly amount in yuan), amounts in cents."""
        chosen = self.rng.sample(pool, self.rng.randint(low, high))
        return [(name, self.rng.randint(lo * 100, hi * 100)) for name, lo, hi in chosen]

    @staticmethod
    def table(header: list[str], align: list[str], rows: list[list[str]]) -> str:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)

    def finance(self, slot: Slot, opening: int) -> tuple[dict, str, int]:
        board, p = slot.board, slot.period
        scale = 3 if board.kind == "township" else 1
        months = 1 if p.kind == "month" else 3
        income = [(n, c * scale * months // 3) for n, c in self.items(INCOME_ITEMS, 2, 6)]
        inc = sum(c for _, c in income)
        expense = [(n, c * scale * months // 3) for n, c in self.items(EXPENSE_ITEMS, 4, 10)]
        room = max(0, opening + inc - 100_00)  # never spend more than there is
        if sum(c for _, c in expense) > room:
            total = sum(c for _, c in expense)
            expense = [(n, c * room // total) for n, c in expense]
        expense = [(n, c) for n, c in expense if c > 0] or [("办公费", 1)]
        exp = sum(c for _, c in expense)
        closing = opening + inc - exp
        assert closing >= 0 and opening + inc - exp == closing
        meta = {"prepared_by": self.person(), "approved_by": self.person(),
                "balance": f"{{opening: {plain(opening)}, income: {plain(inc)}, expense: {plain(exp)}, "
                           f"closing: {plain(closing)}}}"}
        body = [
            f"根据{'政务' if board.kind == 'township' else '村务'}公开有关规定，现将{self.who(board)}{p.label}"
            + (f"（{p.span}）" if p.kind == "quarter" else "") + "财务收支情况公开如下：",
            "**一、收入情况**",
            self.table(["收入项目", "金额（元）"], ["---", "---:"],
                       [[n, money(c)] for n, c in income] + [["合计", money(inc)]]),
            "**二、支出情况**",
            self.table(["支出项目", "金额（元）"], ["---", "---:"],
                       [[n, money(c)] for n, c in expense] + [["合计", money(exp)]]),
            "**三、结余情况**",
            f"上期结余 {money(opening)} 元，本期收入 {money(inc)} 元，本期支出 {money(exp)} 元，"
            f"期末结余 {money(closing)} 元。",
            "**说明：** " + self.paragraph(2, 4),
            self.paragraph(2, 4),
            f"{self.signer(board)}\n{cn_date(slot.date)}",
        ]
        return meta, "\n\n".join(body), closing

    def subsidies(self, slot: Slot) -> tuple[dict, str]:
        rng, board, p = self.rng, slot.board, slot.period
        names = rng.sample(board.households, rng.randint(8, min(25, len(board.households))))
        if rng.random() < 0.6:
            program, rate = rng.choice(SUBSIDY_AREA)
            rate_c = int(rate.replace(".", ""))
            rows, area_t, amount_t = [], 0, 0
            for name in names:
                area = rng.randint(150, 1800) if rng.random() < 0.9 else rng.randint(3000, 15000)  # 0.01 亩
                amount = (area * rate_c + 50) // 100
                area_t += area
                amount_t += amount
                rows.append([name, program, plain(area), f"{rate}元/亩", money(amount)])
            rows.append(["合计", "", plain(area_t), "", money(amount_t)])
            table = self.table(["户主姓名", "补贴项目", "面积（亩）", "补贴标准", "补贴金额（元）"],
                               ["---", "---", "---:", "---:", "---:"], rows)
        else:
            program, rate = rng.choice(SUBSIDY_PERSON)
            rate_c = int(rate.replace(".", ""))
            rows, people_t, amount_t = [], 0, 0
            for name in names:
                people = 1 if rng.random() < 0.85 else 2
                amount = people * rate_c * 3
                people_t += people
                amount_t += amount
                rows.append([name, program, str(people), f"{rate}元/人/月", money(amount)])
            rows.append(["合计", "", str(people_t), "", money(amount_t)])
            table = self.table(["姓名", "补贴项目", "人数", "补贴标准", "发放金额（元）"],
                               ["---", "---", "---:", "---:", "---:"], rows)
        group = rng.randint(1, 6)
        title = f"{board.name}{p.label}惠农补贴发放公示（{program}）"
        body = [
            f"根据上级关于发放{p.year}年{program}的通知，现将本村第{'一二三四五六'[group - 1]}村民小组"
            f"{p.label}发放明细公示如下。",
            table,
            f"本次张贴第{'一二三四五六'[group - 1]}村民小组明细，共{len(names)}户。" + self.paragraph(2, 3),
            self.paragraph(2, 4),
            "对补贴对象、数量和金额有异议的，请于公示之日起7日内向村委会或镇农业服务中心反映。",
            f"{self.signer(board)}\n{cn_date(slot.date)}",
        ]
        return {"title": title, "window_days": 7}, "\n\n".join(body)

    def low_income(self, slot: Slot) -> tuple[dict, str]:
        rng, board, p = self.rng, slot.board, slot.period
        names = rng.sample(board.households, rng.randint(5, min(16, len(board.households))))
        rows, people_t, amount_t = [], 0, 0
        for name in names:
            cls, rate = rng.choice(AID_CLASSES)
            people = 1 if cls == "特困供养" else rng.randint(1, 4)
            amount = people * rate * 100
            people_t += people
            amount_t += amount
            rows.append([name, str(people), money(amount), cls])
        rows.append(["合计", str(people_t), money(amount_t), ""])
        until = slot.date + dt.timedelta(days=6)
        body = [
            f"经本人申请、村民代表民主评议、镇人民政府审核确认，现将本村{p.label}享受城乡最低生活保障和"
            "特困人员救助供养的家庭名单公示如下（名单长期公开，按季度更新）：",
            self.table(["户主姓名", "保障人数", "保障金额（元/月）", "类别"], ["---", "---:", "---:", "---"], rows),
            "本季度保障金额按类别计发：A类每人每月420元，B类每人每月320元，C类每人每月220元；"
            "特困人员基本生活费每人每月650元。" + self.paragraph(1, 3),
            f"公示期7天（{cn_date(slot.date)}至{until.month}月{until.day}日）。对名单有异议的，请在公示期内"
            "向村委会或镇民政办反映。公示期满后名单继续在本村公开栏长期公开。",
            f"{self.signer(board)}\n{cn_date(slot.date)}",
        ]
        return {"title": f"{board.name}{p.label}城乡低保及特困供养对象公示"}, "\n\n".join(body)

    def major(self, slot: Slot) -> tuple[dict, str]:
        rng, board = self.rng, slot.board
        topic = slot.extra["topic"]
        meeting = slot.date - dt.timedelta(days=rng.randint(1, 6))
        total = rng.randint(9, 15) if board.kind == "township" else rng.randint(25, 45)
        present = total - rng.randint(0, 6)
        against = rng.randint(0, 3)
        abstain = rng.randint(0, 2)
        agree = present - against - abstain
        body = [
            f"{cn_date(meeting)}，{board.name}召开{'镇长办公会议' if board.kind == 'township' else '村民代表会议'}，"
            f"研究{topic}有关事项。应到{total}人，实到{present}人，符合规定人数。",
            self.paragraph(3, 6),
            self.table(["表决事项", "同意", "反对", "弃权"], ["---", "---:", "---:", "---:"],
                       [[topic, str(agree), str(against), str(abstain)]]),
            f"表决结果：同意{agree}人，超过实到人数的半数，决议通过。" + self.paragraph(2, 4),
            self.paragraph(2, 5),
            f"{self.signer(board)}\n{cn_date(slot.date)}",
        ]
        meta = {"title": f"{board.name}关于{topic}的公示（{slot.date.year}年第{slot.extra['number']}号）",
                "formed": meeting.isoformat(), "window_days": 7}
        return meta, "\n\n".join(body)

    def guide(self, slot: Slot) -> tuple[dict, str]:
        rng = self.rng
        topic = slot.extra["topic"]
        materials = rng.sample(GUIDE_MATERIALS, rng.randint(3, 6))
        steps = GUIDE_STEPS
        body = [
            f"**一、事项名称**\n\n{topic}",
            f"**二、办理依据**\n\n{self.paragraph(1, 2)}",
            "**三、所需材料**\n\n" + "\n".join(f"{i}. {m}" for i, m in enumerate(materials, 1)),
            "**四、办理流程**\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)),
            f"**五、办理时限**\n\n材料齐全的，{rng.choice([5, 7, 10, 15, 20])}个工作日内办结。",
            "**六、收费标准**\n\n不收费。",
            f"**七、办理地点**\n\n青石岭镇人民政府一楼便民服务中心{rng.randint(1, 9)}号窗口。" + self.paragraph(1, 3),
        ]
        meta = {"title": f"{topic}办事指南", "reviewed": slot.extra["reviewed"].isoformat()}
        return meta, "\n\n".join(body)

    # -- writing ------------------------------------------------------------------

    def notices(self):
        """(relative path, text) for every notice, in a fixed order."""
        closing: dict[str, int] = {}
        for slot in self.slots:
            board, category = slot.board, slot.category
            meta = {"title": None, "board": board.slug, "category": category, "date": slot.date.isoformat()}
            if slot.period is not None:
                meta["period"] = slot.period.key
            if category == "finance":
                opening = closing.get(board.slug)
                if opening is None:
                    opening = self.rng.randint(20_000_00, 200_000_00) * (3 if board.kind == "township" else 1)
                more, body, closing[board.slug] = self.finance(slot, opening)
                kind = "财务收支公开"
                meta["title"] = f"{board.name}{slot.period.label}{kind}"
            elif category == "subsidies":
                more, body = self.subsidies(slot)
            elif category == "low-income-aid":
                more, body = self.low_income(slot)
            elif category == "major-matters":
                more, body = self.major(slot)
            else:
                more, body = self.guide(slot)
            meta.update(more)
            lines = ["---"] + [f"{k}: {v}" for k, v in meta.items()] + ["---", "", body, ""]
            text = "\n".join(lines)
            assert not DIGIT_RUN.search(text) and not MOBILE.search(text), slot
            check_totals(text, slot)
            yield f"{board.slug}/{category}/{slot.stem}.md", text


_NUM = re.compile(r"^-?[\d,]+(\.\d+)?$")


def check_totals(text: str, slot: Slot) -> None:
    """Every 合计 row is the sum of the rows above it, column by column."""
    rows: list[list[str]] = []
    for line in text.split("\n"):
        if not line.startswith("|"):
            rows = []
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if set("".join(cells)) <= set("-: "):
            continue
        if cells[0] == "合计":
            for col, value in enumerate(cells[1:], 1):
                if _NUM.match(value):
                    above = [r[col] for r in rows[1:] if _NUM.match(r[col])]
                    total = sum(round(float(v.replace(",", "")) * 100) for v in above)
                    assert total == round(float(value.replace(",", "")) * 100), (slot, col)
        rows.append(cells)


# -- site files ------------------------------------------------------------------

def gongkai_settings(town: Township) -> str:
    boards = []
    for b in town.boards:
        item = {"slug": b.slug, "name": b.name, "kind": b.kind, "categories": b.categories}
        if b.cycles:
            item["cycles"] = b.cycles
        boards.append(item)
    return f'''"""A synthetic township of {len(town.slots)} notices for the gongkai benchmark (bench/generate.py)."""

SITENAME = "青石岭镇村务政务公开"
SITEURL = ""
AUTHOR = "青石岭镇人民政府党政办公室"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
OUTPUT_PATH = "output"
THEME = {str(REPO / "theme")!r}
PLUGINS = ["gongkai"]
RELATIVE_URLS = True

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"

GONGKAI_START = {town.start.isoformat()!r}
GONGKAI_TODAY = {TODAY.isoformat()!r}
GONGKAI_CATEGORIES = {json.dumps(CATEGORIES, ensure_ascii=False, indent=4).replace("true", "True")}
GONGKAI_BOARDS = {json.dumps(boards, ensure_ascii=False, indent=4)}
GONGKAI_CONTACTS = {json.dumps(CONTACTS, ensure_ascii=False, indent=4)}
'''


PELICAN_SETTINGS = '''"""Stock Pelican on the same notices: no plugin, default theme (bench/generate.py).

Only what pelican-quickstart asks for is set; everything else is Pelican's default.
"""

SITENAME = "青石岭镇村务政务公开"
SITEURL = ""
AUTHOR = "青石岭镇人民政府党政办公室"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
OUTPUT_PATH = "output"
PLUGINS = []
RELATIVE_URLS = True
DEFAULT_PAGINATION = 10
'''

# The lower bound of any Pelican site: read and render every article, write its page, nothing else.
PELICAN_ARTICLES_ONLY = '''
# Articles only: no index, archives, category, author or tag pages, no feeds.
DIRECT_TEMPLATES = []
CATEGORY_SAVE_AS = AUTHOR_SAVE_AS = TAG_SAVE_AS = ""
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TRANSLATION_FEED_ATOM = None
'''

HUGO_CONFIG = '''baseURL = "https://example.org/"
languageCode = "zh-cn"
title = "青石岭镇村务政务公开"
hasCJKLanguage = true
disableKinds = ["taxonomy", "term"]
enableRobotsTXT = false

[markup.goldmark.renderer]
unsafe = false
'''

HUGO_LAYOUTS = BENCH / "hugo_layouts"  # baseof, home, list, single: one page per notice, section lists


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(notices: int, out: Path, seed: int) -> dict:
    town = Township(notices, seed)
    if out.exists():
        shutil.rmtree(out)
    site, plain_site, hugo = out / "gongkai", out / "pelican", out / "hugo"
    write(site / "pelicanconf.py", gongkai_settings(town))
    # The same site without the Pagefind search index, to show what indexing costs.
    write(site / "pelicanconf_nosearch.py", gongkai_settings(town) + "\nGONGKAI_SEARCH = False\n")
    write(site / "pelicanconf_siteurl.py", gongkai_settings(town) + '\nSITEURL = "https://gongkai.example.gov.cn"\n')
    write(plain_site / "pelicanconf.py", PELICAN_SETTINGS)
    write(plain_site / "pelicanconf_articles.py", PELICAN_SETTINGS + PELICAN_ARTICLES_ONLY)
    write(hugo / "hugo.toml", HUGO_CONFIG)
    for layout in sorted(HUGO_LAYOUTS.glob("*.html")):
        write(hugo / "layouts" / layout.name, layout.read_text(encoding="utf-8"))
    count, size = 0, 0
    for rel, text in town.notices():
        for root in (site, plain_site, hugo):
            write(root / "content" / rel, text)
        count += 1
        size += len(text.encode("utf-8"))
    categories = {c: CATEGORIES[c]["name"] for c in CATEGORIES}
    for board in town.boards:
        write(hugo / "content" / board.slug / "_index.md", f"---\ntitle: {board.name}\n---\n")
        for category in board.categories:
            write(hugo / "content" / board.slug / category / "_index.md",
                  f"---\ntitle: {board.name}·{categories[category]}\n---\n")
    info = {"notices": count, "boards": len(town.boards), "villages": len(town.boards) - 1,
            "start": town.start.isoformat(), "today": TODAY.isoformat(), "seed": seed,
            "bytes": size, "generator": generator_digest()}
    write(out / "corpus.json", json.dumps(info, ensure_ascii=False, indent=1) + "\n")
    return info


def generator_digest() -> str:
    """A fingerprint of the generator and the Hugo layouts: a corpus made by another version is regenerated."""
    import hashlib

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for layout in sorted(HUGO_LAYOUTS.glob("*.html")):
        digest.update(layout.read_bytes())
    return digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", "-n", type=int, default=5000, help="number of notices (default 5000)")
    parser.add_argument("--out", type=Path, help="output folder (default bench/work/n<N>)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.notices < 1:
        parser.error("--notices must be at least 1")
    out = (args.out or BENCH / "work" / f"n{args.notices}").resolve()
    info = generate(args.notices, out, args.seed)
    print(f"{info['notices']} notices on {info['boards']} boards ({info['villages']} villages), "
          f"{info['bytes'] / 1e6:.1f} MB of Markdown, history from {info['start']}: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
