"""Writing the output folder so that only what changed changes.

A page whose bytes are the same as last build's is not written again: its
file keeps its modification time, so ``publish`` (rsync, object storage)
sends only what changed, and a browser's cache stays valid. A page whose
inputs did not change is not even rendered: :class:`PageKeys` remembers, per
output file, a digest of everything it was made from (:func:`digest`), and
the build renders a page only when that digest differs or the file is gone.

Files the build did not produce this time (a notice renamed, held back or
deleted) are removed by :func:`prune`, so the output is always exactly what
a clean build would write. Pure Python: no Pelican here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path

KEYS_VERSION = "2"  # bump when what a key covers changes: every page is then rendered again


def write_if_changed(path: Path | str, data: bytes | str) -> bool:
    """Write ``data`` to ``path`` unless the file already holds exactly it; True when written.

    The new bytes go to a temporary file beside it and replace the old one in
    one step, so a reader (the preview server, a web server) never sees half
    a page, and a full disk leaves the last good page in place.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except (FileNotFoundError, NotADirectoryError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".gk-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def digest(*values: object) -> str:
    """A sha256 of what a page is made from: notices, sections, settings, strings, dates.

    The values are pickled, which covers every field of every dataclass
    (one added later included) at C speed. Two different inputs never give
    the same digest; the same inputs may give another digest in another
    process (a set's order follows hash randomisation), which only means a
    page is rendered again, and written only if its bytes changed. Values
    that cannot be pickled get a digest of their own each time (always rendered).
    """
    try:
        data = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return os.urandom(32).hex()
    return hashlib.sha256(data).hexdigest()


class PageKeys:
    """What each output file was last made from, kept in the cache folder between builds."""

    def __init__(self, path: Path | None):
        self.path = path
        self.output: Path | None = None
        self.old: dict[str, list] = {}  # name → [key, size, mtime_ns] of the file as this build left it
        self.new: dict[str, str] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("version") == KEYS_VERSION and isinstance(data.get("keys"), dict):
                    self.old = data["keys"]
            except (OSError, ValueError, AttributeError):
                pass  # no keys, or unreadable ones: every page is rendered, which is always correct

    def fresh(self, name: str, key: str, output: Path) -> bool:
        """Whether ``name`` was made from ``key`` and is still in ``output`` as the last build left it
        (same size and modification time: a page edited or replaced by hand is made again)."""
        self.output = output
        self.new[name] = key
        old = self.old.get(name)
        if not isinstance(old, list) or len(old) != 3 or old[0] != key:
            return False
        try:
            st = (output / name).stat()
        except OSError:
            return False
        return [st.st_size, st.st_mtime_ns] == old[1:]

    def forget(self, name: str) -> None:
        """``name`` was not written after all (or was removed): next build makes it again."""
        self.new.pop(name, None)

    def save(self) -> None:
        if self.path is None:
            return
        keys = {}
        for name, key in self.new.items():
            try:
                st = (self.output / name).stat() if self.output is not None else None
            except OSError:
                continue  # not written after all: made again next time
            if st is not None:
                keys[name] = [key, st.st_size, st.st_mtime_ns]
        data = json.dumps({"version": KEYS_VERSION, "keys": keys}, ensure_ascii=False, sort_keys=True, indent=0)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_if_changed(self.path, data)
        except OSError:
            pass  # without keys the next build renders every page: slower, never wrong


def prune(output: Path, produced: Iterable[str], keep: Iterable[str] = ()) -> list[str]:
    """Remove every file under ``output`` that this build did not produce; the names removed.

    ``produced`` are paths relative to ``output`` with ``/``; a name in
    ``keep`` (a file or a folder at the top of the output, as Pelican's
    ``OUTPUT_RETENTION``) is left alone. Folders left empty go too.
    """
    produced = set(produced)
    keep = set(keep)
    removed = []
    for folder, dirs, files in os.walk(output, topdown=True):
        rel_folder = os.path.relpath(folder, output).replace(os.sep, "/")
        if rel_folder == ".":
            dirs[:] = [d for d in dirs if d not in keep]
            files = [f for f in files if f not in keep]
        for name in files:
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            if rel not in produced:
                try:
                    os.unlink(os.path.join(folder, name))
                except FileNotFoundError:
                    continue
                removed.append(rel)
    for folder, _dirs, _files in os.walk(output, topdown=False):
        if Path(folder) != Path(output) and os.path.relpath(folder, output).split(os.sep)[0] not in keep:
            with contextlib.suppress(OSError):  # not empty
                os.rmdir(folder)
    return sorted(removed)


def code_stamp(*folders: Path) -> list[tuple[str, int, int]]:
    """(name, size, mtime) of every file under ``folders``: the code and theme a page was made
    with. A changed template or an upgraded gongkai changes it, and every page is made again."""
    found = []
    for root in folders:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                found.append((os.path.relpath(path, root), st.st_size, st.st_mtime_ns))
    return found


def copy_tree(source: Path, target: Path, ignores: Iterable[str] = ()) -> set[str]:
    """Copy every file under ``source`` (or ``source`` itself, a file) into ``target``, leaving files
    that already hold the same bytes alone; the names written or kept, relative to ``target``."""
    import fnmatch

    ignores = tuple(ignores)
    copied: set[str] = set()
    if source.is_file():
        write_if_changed(target / source.name, source.read_bytes())
        return {source.name}
    for folder, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if not any(fnmatch.fnmatch(d, pattern) for pattern in ignores)]
        for name in files:
            if any(fnmatch.fnmatch(name, pattern) for pattern in ignores):
                continue
            rel = os.path.relpath(os.path.join(folder, name), source).replace(os.sep, "/")
            write_if_changed(target / rel, Path(folder, name).read_bytes())
            copied.add(rel)
    return copied


class Store:
    """Values by key, pickled in the cache folder between builds (parsed and rendered notices).

    Only the keys this build used are saved, so the file does not grow with
    every edit. The pickle is tied to gongkai's code and Python's version: a
    new Markdown renderer never serves bodies rendered by the old one.
    """

    def __init__(self, path: Path | None, stamp: str):
        self.path, self.stamp = path, stamp
        self.old: dict = {}
        self.new: dict = {}
        self.dirty = False  # kept in memory since last written
        if path is not None:
            import pickle

            try:
                with open(path, "rb") as handle:
                    data = pickle.load(handle)
                if isinstance(data, dict) and data.get("stamp") == stamp and isinstance(data.get("values"), dict):
                    self.old = data["values"]
            except Exception:
                self.old = {}

    def get_cached_data(self, key: str, default=None):
        if key in self.new:
            return self.new[key]
        if key in self.old:
            self.new[key] = self.old[key]
            return self.new[key]
        return default

    def cache_data(self, key: str, value) -> None:
        self.new[key] = value

    def save(self, to_disk: bool = True) -> None:
        """Keep the values used in this build for the next, and write them (when they differ from the file's)."""
        if not to_disk:
            self.dirty = self.dirty or self.new.keys() != self.old.keys()
            self.old, self.new = self.new, {}
            return
        if self.path is None or (self.new.keys() == self.old.keys() and not self.dirty):
            self.old, self.new = self.new, {}
            return
        import pickle

        values = self.new or self.old
        temp = None
        try:  # streamed to a file beside it (no copy of the whole pickle in memory), then put in place
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".gk-", dir=self.path.parent)
            with os.fdopen(fd, "wb") as out:
                pickle.dump({"stamp": self.stamp, "values": values}, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.path)
        except OSError:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)  # next build parses again: slower, never wrong
        self.old, self.new, self.dirty = self.new or self.old, {}, False
