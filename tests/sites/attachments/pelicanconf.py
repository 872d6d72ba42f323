# A site whose notices link the documents a clerk really has: a phone photo of the voucher (with its GPS
# position in EXIF), the signed approval as a PDF, a picture among the static files, and one link to a file
# that is not there. The binary files are made by tests/test_attachments.py (make_files), not kept here.
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
GONGKAI_START = "2026-01-01"
GONGKAI_TODAY = "2026-11-22"
GONGKAI_CATEGORIES = {
    "finance": {"name": "财务公开", "cycle": "quarterly", "grace_days": 10},
    "subsidies": {"name": "惠农补贴", "cycle": "quarterly", "grace_days": 15, "privacy": True},
    "major-matters": {"name": "重大事项", "cycle": "event", "max_interval_days": 92},
}
GONGKAI_BOARDS = [
    {"slug": "township", "name": "东大地乡人民政府", "kind": "township", "categories": ["major-matters"]},
    {"slug": "nanwan", "name": "南湾村", "kind": "village", "categories": ["finance", "subsidies", "major-matters"]},
]
