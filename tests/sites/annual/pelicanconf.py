# A township that keeps its annual report with gongkai: two categories count in table 二,
# the 2025 request log and report text are in content/requests/. Figures are hand-computed
# in tests/test_annual.py.
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
SITENAME = "西岭乡政务公开"
AUTHOR = "西岭乡人民政府"
GONGKAI_START = "2025-01-01"
GONGKAI_TODAY = "2026-11-22"
GONGKAI_SEARCH = False
GONGKAI_CATEGORIES = {
    "normative-docs": {"name": "规范性文件", "cycle": "event", "annual_item": "行政规范性文件"},
    "permits": {"name": "行政许可", "cycle": "event", "annual_item": "行政许可"},
}
GONGKAI_BOARDS = [
    {"slug": "township", "name": "西岭乡人民政府", "kind": "township", "categories": ["normative-docs", "permits"]},
]
