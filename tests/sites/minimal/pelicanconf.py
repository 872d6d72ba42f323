# A site that sets only its boards, categories, start and date: everything else must default.
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
GONGKAI_START = "2026-01-01"
GONGKAI_TODAY = "2026-11-22"
GONGKAI_CATEGORIES = {
    "finance": {"name": "财务公开", "cycle": "monthly", "grace_days": 10,
                "basis": "《村民委员会组织法》村务公开条款"},
    "subsidies": {"name": "惠农补贴", "cycle": "quarterly", "grace_days": 15, "privacy": True},
    "low-income-aid": {"name": "低保救助", "cycle": "quarterly", "grace_days": 15,
                       "privacy": True, "window_days": 7},
    "major-matters": {"name": "重大事项", "cycle": "event", "max_interval_days": 92},
    "service-guides": {"name": "办事指南", "cycle": "review", "review_days": 365},
}
GONGKAI_BOARDS = [
    {"slug": "township", "name": "东大地乡人民政府", "kind": "township",
     "categories": ["finance", "major-matters", "service-guides"]},
    {"slug": "nanwan", "name": "南湾村", "kind": "village",
     "categories": ["finance", "subsidies", "low-income-aid", "major-matters"],
     "cycles": {"finance": "quarterly"}},
]
