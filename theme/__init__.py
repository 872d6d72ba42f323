"""gongkai's theme: ``templates/`` and ``static/``.

A package only so that the build backend ships it inside gongkai (as
``gongkai.theme``, pyproject.toml) in a wheel, and maps it to this folder in
an editable install. :data:`THEME_DIR` is where it is, for both.
"""

from pathlib import Path

THEME_DIR = Path(__file__).resolve().parent
