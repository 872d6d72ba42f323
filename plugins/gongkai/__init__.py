"""gongkai: disclosure boards for villages and townships, on Pelican.

Pelican loads this package from ``PLUGINS = ["gongkai"]`` and calls
:func:`register`. The import of Pelican is deferred to that call so that the
plain modules (and ``gongkai check``) load without it.
"""

__version__ = "0.1.0"


def register() -> None:
    from .plugin import register as _register

    _register()
