"""Pre-compressed copies of the text files, for servers that send them as they are.

nginx's ``gzip_static`` (and ``brotli_static`` where the module is
installed) answers a request for ``a.html`` with ``a.html.gz`` or
``a.html.br`` when the browser accepts it, so the server never compresses
on the fly and phones on slow networks get the smallest file. The copies
are deterministic (gzip with mtime 0 and no file name; Brotli has no
timestamp): an unchanged page gives byte-identical copies at every build,
which rsync's ``--link-dest`` then shares between releases.

Each copy is written under a temporary name and renamed into place, so a
server never sends a half-written ``.gz``: when writing fails (a full disk,
a file size limit) the temporary file and any older copy are removed, and
:class:`PrecompressError` says which file and why.
"""

from __future__ import annotations

import contextlib
import gzip
import os
from pathlib import Path

import brotli

EXTENSIONS = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg"})
# Quality 10 is within 2% of Brotli's best (11) at a third of its time.
BROTLI_QUALITY = 10


class PrecompressError(OSError):
    """Writing a compressed copy failed; ``errno`` and ``filename`` are those of the failure.
    No half-written copy is left behind."""

    def __str__(self) -> str:
        from .oserrors import os_problem

        text, _ = os_problem(self, "写入", again="再试")
        return f"{text}没有留下写了一半的压缩文件。"


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def brotli_bytes(data: bytes) -> bytes:
    return brotli.compress(data, quality=BROTLI_QUALITY)


def precompress(root: Path | str) -> int:
    """Write ``X.gz`` and ``X.br`` next to every text file ``X`` under ``root`` that does not have
    copies made since it last changed; return how many files were compressed."""
    count = 0
    for path in sorted(Path(root).rglob("*")):
        if path.suffix.lower() not in EXTENSIONS or not path.is_file() or path.is_symlink():
            continue
        gz, br = path.with_name(path.name + ".gz"), path.with_name(path.name + ".br")
        stamp = path.stat().st_mtime_ns
        if _made_from(gz, stamp) and _made_from(br, stamp):
            continue  # made from this very file: a page the build left alone keeps its copies (and mtimes)
        data = path.read_bytes()
        _write(gz, gzip_bytes(data), stamp)
        _write(br, brotli_bytes(data), stamp)
        count += 1
    return count


def _made_from(copy: Path, stamp: int) -> bool:
    """Whether ``copy`` carries its original's modification time ``stamp``, as :func:`_write` leaves it:
    a page written since, or a copy edited or replaced by hand, has another, and is compressed again."""
    try:
        return copy.stat().st_mtime_ns == stamp
    except OSError:
        return False


def _write(path: Path, data: bytes, stamp: int) -> None:
    """``path`` holds ``data`` whole, or does not exist (an older copy of another text would be
    wrong, and without one the server sends the original); :class:`PrecompressError` if it fails."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.utime(temporary, ns=(stamp, stamp))  # the original's: what _made_from recognises
        os.replace(temporary, path)
    except OSError as exc:
        for leftover in (temporary, path):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise PrecompressError(exc.errno, exc.strerror, os.fsdecode(path)) from exc
