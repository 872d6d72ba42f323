"""Production settings: everything in pelicanconf.py, plus the public address."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = "https://gongkai.example.gov.cn"
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
