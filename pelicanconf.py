"""Settings of the demo township 东大地乡.

Boards, categories and their update cycles are defined here once by the
township administrator. See docs/admin.md for every setting.
"""

SITENAME = "东大地乡村务政务公开"
# The public address: QR codes on the printed boards and the feeds point here.
# Pages link to each other relatively, so output/ also opens from disk.
SITEURL = "https://gongkai.example.gov.cn"
AUTHOR = "东大地乡人民政府党政办公室"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
PLUGINS = ["gongkai"]  # the installed gongkai, with its theme
RELATIVE_URLS = True

GONGKAI_START = "2025-01-01"

# The demo township is frozen on one day so that its late sections stay late
# whenever it is built. A real site deletes this line: statuses then follow
# the calendar in Asia/Shanghai.
GONGKAI_TODAY = "2026-11-08"

GONGKAI_CATEGORIES = {
    "finance": {
        "name": "财务公开",
        "cycle": "monthly",
        "grace_days": 10,
        "basis": "《中华人民共和国村民委员会组织法》村务公开条款；《农村集体经济组织财务公开规定》",
        "responsible": "村（乡）报账员、民主理财小组",
    },
    "subsidies": {
        "name": "惠农补贴",
        "cycle": "quarterly",
        "grace_days": 15,
        "privacy": True,
        "basis": "《中华人民共和国村民委员会组织法》村务公开条款；惠民惠农财政补贴资金“一卡通”管理办法",
        "responsible": "村民委员会",
    },
    "low-income-aid": {
        "name": "低保救助",
        "cycle": "quarterly",
        "grace_days": 15,
        "privacy": True,
        "window_days": 7,
        "basis": "《社会救助暂行办法》；最低生活保障审核确认办法",
        "responsible": "村民委员会、乡民政办",
    },
    "major-matters": {
        "name": "重大事项",
        "cycle": "event",
        "max_interval_days": 92,
        "window_days": 7,
        "basis": "《中华人民共和国村民委员会组织法》村民会议与村民代表会议条款",
        "responsible": "村民委员会、村务监督委员会",
    },
    "service-guides": {
        "name": "办事指南",
        "cycle": "review",
        "review_days": 365,
        "basis": "《中华人民共和国政府信息公开条例》第二十条",
        "responsible": "乡便民服务中心",
    },
}

GONGKAI_BOARDS = [
    {"slug": "township", "name": "东大地乡人民政府", "kind": "township",
     "categories": ["finance", "major-matters", "service-guides"]},
    {"slug": "nanwan", "name": "南湾村", "kind": "village",
     "categories": ["finance", "subsidies", "low-income-aid", "major-matters"],
     "cycles": {"finance": "quarterly"}},
    {"slug": "beishan", "name": "北山村", "kind": "village",
     "categories": ["finance", "subsidies", "low-income-aid", "major-matters"]},
    {"slug": "hexi", "name": "河西村", "kind": "village",
     "categories": ["finance", "subsidies", "low-income-aid", "major-matters"],
     # 河西村 records the sign-off before posting (reviewed_by): finance by the 民主理财小组,
     # major matters by the 村务监督委员会; a notice without it is not published.
     "cycles": {"finance": {"cycle": "quarterly", "review": ["民主理财小组"]},
                "major-matters": {"review": ["村务监督委员会"]}}},
    {"slug": "liujiazhuang", "name": "刘家庄村", "kind": "village",
     "categories": ["finance", "subsidies", "low-income-aid", "major-matters"],
     "cycles": {"finance": "quarterly"}},
]

GONGKAI_CONTACTS = {
    "监督电话": "0371-63851234",
    "乡纪委": "0371-63851200",
    "地址": "东大地乡人民政府一楼便民服务中心",
}
