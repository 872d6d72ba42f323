"""Production settings: everything in pelicanconf.py, plus what the public site needs.

``gongkai publish --to TARGET`` builds with this file (docs/publishing.md).
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

# The public address (absolute links in feeds, the sitemap and QR codes) is SITEURL in
# pelicanconf.py: written once, so that no second copy can point somewhere else.
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True

GONGKAI_PDF = True          # /print/<board>.pdf beside the printable boards
GONGKAI_SEARCH = True       # Pagefind index and /search/index.html
GONGKAI_PRECOMPRESS = True  # .gz and .br beside every page, for nginx's gzip_static

# Where `gongkai publish` goes without --to: a local web root, or user@host:/path.
# GONGKAI_PUBLISH_TO = "/srv/www/gongkai"
