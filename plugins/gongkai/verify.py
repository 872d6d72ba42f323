"""The fingerprint that ties a paper notice to the web, and the ``/verify/`` page.

A notice's fingerprint (核对码, ``Notice.fingerprint``) is the first 8 hex digits of its manifest
sha256, printed as ``a1b2 c3d4`` on its page and on the printed board. A
villager types it into ``/verify/``; ``verify.js`` reads ``manifest.json``
(nothing else, no server) and says whether it is the current version, which
correction replaced it and when (the manifest's ``earlier`` digests, from the
versions of corrected notices that the site shows), or that no notice has it.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise


def earlier(histories: Mapping) -> dict[str, list[dict]]:
    """Notice path → the digests of its older versions the site shows, each with the day the next
    version replaced it and that correction's note (a paper printed before a correction carries them)."""
    result: dict[str, list[dict]] = {}
    for path, history in histories.items():
        versions = history.versions
        rows = []
        for old, new in pairwise(versions):
            if old.notice is not None and old.notice.digest:
                rows.append({"sha256": old.notice.digest, "replaced": new.date.isoformat(), "note": new.note or "",
                             "version": old.number})
        if rows:
            result[path] = rows
    return result
