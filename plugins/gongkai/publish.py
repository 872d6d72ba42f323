"""Publishing: build a fresh release beside the live site, then switch to it in one step.

The web root is a symbolic link to one release; releases sit beside it::

    /srv/www/gongkai  ->  gongkai.releases/20261122-001000     (what the web server serves)
    /srv/www/gongkai.releases/
        20261121-001000/            the previous release, kept for --rollback
        20261122-001000/            live
        .20261123-001000.partial/   a release being written: never live, removed if it fails

A publish checks every notice (and, when the live site has a
``manifest.json``, that nothing published was changed or removed without a
record), builds into a fresh directory, copies it beside the live site and
only then replaces the link: ``os.replace`` of a new link locally, ``ln -sfn``
and ``mv -T`` (both rename(2)) over SSH. Until that last rename the live
site is untouched, byte for byte; after it, every request sees the whole new
release. A failure at any step before it leaves nothing but a ``.partial``
directory, which is removed at once, or by the next publish if that fails too.

The target is a local directory (the web root of a server on this machine)
or ``user@host:/path`` over SSH. Remote copies use rsync with
``--delay-updates`` and ``--link-dest`` to the previous release, so unchanged
files travel once and are shared between releases on disk.

Nothing here prints: every step is reported through ``say``, and failures
are :class:`PublishError` with a message for the clerk and an exit code. A
failing file operation (a full disk, no permission, a read-only file system)
is one line from :data:`OS_PROBLEMS`: what happened, where, what to do, and
whether the live site changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .config import Config, load
from .history import LIVE_KEY as LIVE_HISTORY
from .history import load_kept

if TYPE_CHECKING:
    from .build import Built
from .oserrors import WRITING as _WRITING
from .oserrors import os_problem

KEEP = 3                  # releases kept: the live one and two to roll back to
SSH_TIMEOUT = 120         # seconds for one short command over SSH
RSYNC_IO_TIMEOUT = 120    # seconds rsync waits for data before giving up
_RELEASE = re.compile(r"^\d{8}-\d{6}(-\d+)?$")
_REMOTE = re.compile(r"^(?P<host>[^/:\s-][^/:\s]*):(?P<path>.+)$")


class PublishError(Exception):
    """Publishing stopped; the message says why and what to do. Nothing live was changed."""

    exit_code = 1


class TargetError(PublishError):
    """The command line or the target cannot be used as it is (exit 2)."""

    exit_code = 2


# -- failing file operations ------------------------------------------------------

class _Failed(Exception):
    """A failed file operation, with what was being done and where. :func:`_reported`, which
    knows whether the live site changed, turns it into a :class:`PublishError`."""

    def __init__(self, error: OSError, doing: str, where: str | os.PathLike | None = None,
                 on_target: bool | None = None):
        super().__init__(error)
        self.oserror, self.doing, self.on_target = error, doing, on_target
        self.where = where if where is not None else error.filename

    def publish_error(self, target: Target, outcome: str) -> PublishError:
        text, unusable = os_problem(self.oserror, self.doing, self.where)
        on_target = self.on_target
        if on_target is None:  # a path the build wrote or read: the target's only if it is under it
            on_target = target.host is None and self.where is not None \
                and os.fsdecode(self.where).startswith(target.path)
        return (TargetError if unusable and on_target else PublishError)(text + outcome)


@contextlib.contextmanager
def _doing(doing: str, where: str | os.PathLike, on_target: bool | None = True) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _Failed(exc, doing, where, on_target) from None


def _remove_tree(path: Path) -> OSError | None:
    """Delete ``path`` and all in it, as far as possible; the first failure, if any."""
    failures: list[OSError] = []

    def failed(function, name, error) -> None:
        error = error[1] if isinstance(error, tuple) else error
        if not isinstance(error, FileNotFoundError):
            failures.append(error)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=failed)
    else:
        shutil.rmtree(path, onerror=failed)
    return failures[0] if failures else None


# -- the target ---------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Where the site goes: ``path`` on this machine, or on ``host`` over SSH."""

    path: str
    host: str | None = None

    @property
    def releases(self) -> str:
        return f"{self.path}.releases"

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return f"{self.host}:{self.path}" if self.host else self.path


def parse_target(text: str) -> Target:
    """``/srv/www/gongkai``, ``www/site`` or ``user@host:/srv/www/gongkai`` (rsync's rule:
    a colon before any slash means a host)."""
    text = (text or "").strip()
    match = _REMOTE.match(text)
    if match:
        host, path = match["host"], match["path"].rstrip("/")
        if not path or path.startswith("~"):
            raise TargetError(f"目标 {text} 的路径无效：请写服务器上的完整路径，例如 {host}:/srv/www/gongkai。")
        return Target(path=path, host=host)
    if not text or text.rstrip("/") in ("", "."):
        raise TargetError("请用 --to 写明发布到哪里，例如 --to /srv/www/gongkai 或 --to user@host:/srv/www/gongkai。")
    path = Path(text).expanduser()
    return Target(path=str(Path(os.path.abspath(path))))


@dataclass
class State:
    """What is at the target now."""

    kind: str                         # symlink | missing | empty | dir | other
    live: str | None = None           # the release the link points to, if it is one of ours
    releases: list[str] = field(default_factory=list)  # complete releases, oldest first
    has_manifest: bool = False
    parent_ok: bool = True

    def previous(self) -> str | None:
        """The newest release older than the live one: what --rollback switches to."""
        older = [r for r in self.releases if self.live is None or r < self.live]
        return older[-1] if older else None


def _release_of(link: str, target: Target) -> str | None:
    """The release name a link's text points to, if it points into our releases folder."""
    head, _, name = link.rstrip("/").rpartition("/")
    if head.rsplit("/", 1)[-1] == f"{target.name}.releases" and _RELEASE.match(name):
        return name
    return None


class Local:
    """A web root on this machine."""

    def __init__(self, target: Target):
        self.target = target
        self.path = Path(target.path)
        self.releases = Path(target.releases)
        self.leftover: tuple[Path, OSError] | None = None  # what a failed publish could not remove
        self._lock: int | None = None

    def describe(self) -> str:
        return str(self.path)

    def state(self) -> State:
        path = self.path
        with _doing("读取", path):
            if path.is_symlink():
                kind, live = "symlink", _release_of(os.readlink(path), self.target)
            elif path.is_dir():
                kind, live = ("dir" if any(path.iterdir()) else "empty"), None
            elif path.exists():
                kind, live = "other", None
            else:
                kind, live = "missing", None
            has_manifest = (path / "manifest.json").is_file()
        with _doing("读取", self.releases):
            releases = sorted(p.name for p in self.releases.iterdir()
                              if p.is_dir() and _RELEASE.match(p.name)) if self.releases.is_dir() else []
        return State(kind=kind, live=live, releases=releases, has_manifest=has_manifest,
                     parent_ok=path.parent.is_dir() and os.access(path.parent, os.W_OK))

    def manifest(self) -> bytes:
        with _doing("读取", self.path / "manifest.json"):
            return (self.path / "manifest.json").read_bytes()

    def kept_history(self) -> bytes | None:
        """The live site's history.json (every version it showed), or None."""
        try:
            return (self.path / "history.json").read_bytes()
        except OSError:
            return None

    def prepare(self) -> list[str]:
        """Take the lock (one publish at a time) and clear what a failed publish left; notes for the clerk."""
        with _doing("创建", self.releases):
            self.releases.mkdir(exist_ok=True)
        lock = self.releases / ".lock"
        with _doing("打开", lock):
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _try_lock(fd)
        except BlockingIOError:
            os.close(fd)
            raise PublishError(f"另一个发布正在进行（{lock}），请等它结束后再试。") from None
        except OSError as exc:
            os.close(fd)
            raise _Failed(exc, "锁定", lock) from None
        self._lock = fd
        notes = []
        with _doing("读取", self.releases):
            stale = sorted(self.releases.glob(".*.partial"))
        for folder in stale:
            error = _remove_tree(folder)
            if error is not None:
                text, _ = os_problem(error, "删除", None, again="再试")
                notes.append(f"上次未完成的 {folder} 没有删除干净，仍占用磁盘：{text}")
        return notes

    @contextlib.contextmanager
    def staging(self, name: str) -> Iterator[Path]:
        """The build writes straight into the release's partial folder, beside the live one."""
        partial = self.releases / f".{name}.partial"
        with _doing("创建", partial):
            partial.mkdir()
        try:
            yield partial
        except BaseException:
            error = _remove_tree(partial)
            if error is not None:
                self.leftover = (partial, error)
            raise

    def upload(self, staging: Path, name: str, previous: str | None) -> None:
        pass  # already in place

    def activate(self, name: str, *, partial: bool) -> None:
        """Point the web root at release ``name``; until the last rename, nothing served changes,
        and a failure on the way puts back what it moved."""
        release, staged = self.releases / name, self.releases / f".{name}.partial"
        link = self.path.with_name(f".{self.path.name}.{name}.link")
        with _doing("创建", link):
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            os.symlink(f"{self.releases.name}/{name}", link)
        try:
            if partial:
                with _doing("重命名", staged):
                    os.rename(staged, release)
            emptied = False
            try:
                if self.path.is_dir() and not self.path.is_symlink():
                    with _doing("删除", self.path):
                        self.path.rmdir()  # an empty folder made for the site: nothing is served from it yet
                    emptied = True
                with _doing("切换", self.path):
                    os.replace(link, self.path)
            except BaseException:
                if emptied:
                    with contextlib.suppress(OSError):
                        self.path.mkdir()
                if partial:  # back to a partial folder, which staging() removes: never a release not yet live
                    try:
                        os.rename(release, staged)
                    except OSError:
                        _remove_tree(release)
                raise
        except BaseException:
            with contextlib.suppress(OSError):
                link.unlink()
            raise

    def remove(self, names: list[str]) -> None:
        """Delete old releases: each is first renamed to a partial folder, so a deletion that
        stops midway never leaves a broken release to roll back to."""
        failures = []
        for name in names:
            doomed = self.releases / f".{name}.partial"
            try:
                os.rename(self.releases / name, doomed)
            except OSError as exc:
                failures.append((name, exc, self.releases / name))
                continue
            error = _remove_tree(doomed)
            if error is not None:
                failures.append((name, error, None))
        if failures:
            name, error, where = failures[0]
            text, _ = os_problem(error, "删除", where, again="再试")
            raise PublishError(f"旧版本 {'、'.join(f[0] for f in failures)} 没有删除干净（下次发布时会再清理）：{text}")

    def close(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None


# The remote side runs these with `sh -c SCRIPT sh ARGS...`: POSIX sh and
# GNU coreutils (`mv -T`), as on any Debian or Ubuntu server.
_STATE_SH = r"""
t=$1; r="$1.releases"
if [ -L "$t" ]; then printf 'link %s\n' "$(readlink "$t")"
elif [ -d "$t" ]; then if [ -n "$(ls -A "$t")" ]; then echo dir; else echo empty; fi
elif [ -e "$t" ]; then echo other
else echo missing; fi
if [ -d "$r" ]; then for d in "$r"/*; do [ -d "$d" ] && printf 'release %s\n' "${d##*/}"; done; fi
if [ -f "$t/manifest.json" ]; then echo manifest; fi
p=$(dirname "$t"); if [ -d "$p" ] && [ -w "$p" ]; then echo parent-ok; fi
true
"""
_PREPARE_SH = r"""
set -e
r="$1.releases"
mkdir -p "$r"
for d in "$r"/.*.partial; do if [ -d "$d" ]; then rm -rf "$d"; fi; done
"""
_ACTIVATE_SH = r"""
set -e
t=$1; r="$1.releases"; n=$2
if [ "$3" = partial ]; then mv -T "$r/.$n.partial" "$r/$n"; fi
ln -sfn "${t##*/}.releases/$n" "$t.gongkai-link"
if [ -d "$t" ] && [ ! -L "$t" ]; then rmdir "$t"; fi
mv -T "$t.gongkai-link" "$t"
"""
_REMOVE_SH = r"""
r="$1.releases"; shift
for n in "$@"; do rm -rf "$r/$n"; done
"""


class Remote:
    """A web root on another machine, reached with ssh and rsync."""

    def __init__(self, target: Target, ssh: list[str]):
        self.target = target
        self.ssh = ssh
        self.leftover: tuple[Path, OSError] | None = None

    def describe(self) -> str:
        return str(self.target)

    def _run(self, script: str, *args: str, capture: bool = True, what: str) -> subprocess.CompletedProcess:
        command = " ".join(["sh", "-c", shlex.quote(script), "sh", *map(shlex.quote, args)])
        try:
            result = subprocess.run([*self.ssh, self.target.host, command], capture_output=capture,
                                    timeout=SSH_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PublishError(f"{what}失败：连接 {self.target.host} 超过 {SSH_TIMEOUT} 秒没有完成。") from None
        except OSError as exc:
            raise PublishError(f"{what}失败：无法运行 {self.ssh[0]}（{exc.strerror}）。请安装 openssh-client。") from None
        if result.returncode != 0:
            detail = (result.stderr or b"").decode("utf-8", "replace").strip()
            hint = "（无法连接或登录，请检查主机名、端口和密钥）" if result.returncode == 255 else ""
            known = _remote_problem(detail, f"{self.target.host}:{self.target.releases}") \
                if result.returncode != 255 else ""
            detail = " ".join(detail.splitlines()[-3:])
            raise PublishError(f"{what}失败{hint}：{known}{detail or f'退出码 {result.returncode}'}")
        return result

    def state(self) -> State:
        out = self._run(_STATE_SH, self.target.path, what=f"读取 {self.target}").stdout.decode("utf-8", "replace")
        state = State(kind="missing", parent_ok=False)
        for line in out.splitlines():
            word, _, rest = line.partition(" ")
            if word == "link":
                state.kind, state.live = "symlink", _release_of(rest, self.target)
            elif word in ("dir", "empty", "other", "missing"):
                state.kind = word
            elif word == "release" and _RELEASE.match(rest):
                state.releases.append(rest)
            elif word == "manifest":
                state.has_manifest = True
            elif word == "parent-ok":
                state.parent_ok = True
        state.releases.sort()
        return state

    def manifest(self) -> bytes:
        return self._run('cat -- "$1/manifest.json"', self.target.path, what="读取线上的 manifest.json").stdout

    def kept_history(self) -> bytes | None:
        """The live site's history.json (every version it showed), or None."""
        return self._run('cat -- "$1/history.json" 2>/dev/null || true', self.target.path,
                         what="读取线上的 history.json").stdout or None

    def prepare(self) -> list[str]:
        self._run(_PREPARE_SH, self.target.path, what=f"在 {self.target.host} 上准备发布目录")
        return []

    @contextlib.contextmanager
    def staging(self, name: str) -> Iterator[Path]:
        """A temporary folder on this machine, uploaded when complete."""
        with _doing("创建", tempfile.gettempdir(), on_target=False):
            folder = tempfile.TemporaryDirectory(prefix="gongkai-publish-", ignore_cleanup_errors=True)
        with folder:
            yield Path(folder.name)

    def upload(self, staging: Path, name: str, previous: str | None) -> None:
        destination = f"{self.target.host}:{self.target.releases}/.{name}.partial/"
        command = ["rsync", "--recursive", "--links", "--checksum", "--delay-updates", "--protect-args",
                   "--chmod=D755,F644", f"--timeout={RSYNC_IO_TIMEOUT}", "-e", shlex.join(self.ssh)]
        if previous:
            # Relative to the destination: unchanged files become hard links to the previous release.
            command.append(f"--link-dest=../{previous}")
        command += [f"{staging}/", destination]
        try:
            result = subprocess.run(command, capture_output=True, check=False, stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise PublishError(f"上传失败：无法运行 rsync（{exc.strerror}）。请安装 rsync。") from None
        if result.returncode != 0:
            text = result.stderr.decode("utf-8", "replace").strip()
            detail = text.splitlines()[-3:]
            known = _remote_problem(text, destination.rstrip("/"))
            try:  # tidy up if the connection still works
                self._run(_REMOVE_SH, self.target.path, f".{name}.partial", what="清理未完成的上传")
                left = ""
            except PublishError:
                left = f"未完成的上传 {destination} 没有删除，下次发布时会自动删除。"
            raise PublishError(f"上传中断（rsync 退出码 {result.returncode}）：{known}线上网站没有改动。{left}"
                               f"rsync 的报告：{' '.join(detail)}")

    def activate(self, name: str, *, partial: bool) -> None:
        self._run(_ACTIVATE_SH, self.target.path, name, "partial" if partial else "switch", what="切换线上网站")

    def remove(self, names: list[str]) -> None:
        if names:
            self._run(_REMOVE_SH, self.target.path, *names, what="清理旧版本")

    def close(self) -> None:
        pass


def _remote_problem(text: str, where: str) -> str:
    """The sentence of :data:`OS_PROBLEMS` for an error the server reported in words (rsync, mkdir,
    mv: "No space left on device"), if it is one of those that need the clerk to act."""
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM):
        if os.strerror(code) in text:
            return os_problem(OSError(code, os.strerror(code)), "写入", where)[0]
    return ""


def ssh_command(option: str | None) -> list[str]:
    """The ssh command: ``--ssh``, else ``$GONGKAI_SSH``, else ``ssh``; ``~`` expanded."""
    # Without its own options, ssh notices a dropped line within a minute instead of waiting forever.
    text = option or os.environ.get("GONGKAI_SSH") or "ssh -o ServerAliveInterval=15 -o ServerAliveCountMax=4"
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise TargetError(f"ssh 命令 {text!r} 无法解析：{exc}") from None
    if not words:
        raise TargetError("ssh 命令是空的。")
    return [os.path.expanduser(w) for w in words]


# -- the steps ----------------------------------------------------------------

@dataclass
class Plan:
    settings: Path
    config: Config
    target: Target
    own: dict = field(default_factory=dict)  # what the settings file sets, for Pelican
    ssh: list[str] = field(default_factory=lambda: ["ssh"])
    today: str | None = None
    keep: int = KEEP
    held_back: list = field(default_factory=list)  # errors of files left out of the published release


def prunable(releases: list[str], *, keep: int, live: str, previous: str | None) -> list[str]:
    """Releases to delete: all but the live one, the one it replaced and the newest others, ``keep`` in all."""
    kept = {live, previous} - {None}
    for name in sorted(releases, reverse=True):
        if len(kept) >= keep:
            break
        kept.add(name)
    return [r for r in sorted(releases) if r not in kept]


def release_name(config: Config, taken: set[str]) -> str:
    """The time of the publish in the site's time zone; names sort by time."""
    base = dt.datetime.now(ZoneInfo(config.timezone)).strftime("%Y%m%d-%H%M%S")
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def _side(plan: Plan) -> Local | Remote:
    return Remote(plan.target, plan.ssh) if plan.target.host else Local(plan.target)


def _usable(state: State, side: Local | Remote) -> None:
    where = side.describe()
    if not state.parent_ok:
        raise TargetError(f"无法发布到 {where}：上一级文件夹不存在或没有写权限。请先创建它，或换一个目标。")
    if state.kind == "dir":
        raise TargetError(f"{where} 是一个已有内容的普通文件夹，不是 gongkai 发布的网站，不能整体替换。"
                          f"请先把它改名（例如 mv {side.target.path} {side.target.path}.old），或换一个目标。")
    if state.kind == "other":
        raise TargetError(f"{where} 是一个文件，不是文件夹。请换一个目标。")


def previous_manifest(data: bytes | None) -> dict | None:
    """The live site's manifest, for the record check; a broken one stops the publication."""
    from .records import ManifestError, parse

    try:
        return parse(data, "manifest.json") if data is not None else None
    except ManifestError:
        raise PublishError("线上网站的 manifest.json 无法读取（不是 gongkai 的清单或已损坏），"
                           "无法核对已公开的记录，因此没有发布。请检查线上网站。") from None


def build(plan: Plan, output: Path, previous: dict | None) -> Built:
    """Check and build in this process, into ``output``, with the record check against ``previous``.

    Files with errors are held back, as ``gongkai build`` does, but only when
    none of them is live: a live notice with an error would silently leave the
    site. Any error of the site as a whole (records, the last gate, search)
    stops the publication.
    """
    from .build import BuildFailed
    from .build import build as build_site

    try:
        # A first publication has no manifest to check against, but its history.json must still keep every text.
        built = build_site(plan.settings, plan.own, plan.config, output,
                           previous if previous is not None else {"notices": [], LIVE_HISTORY: None})
    except BuildFailed as exc:
        if exc.oserror is not None:
            raise exc.oserror from None
        raise PublishError(f"网站生成失败，没有发布：{exc}") from None
    live = {str(entry.get("path", "")) for entry in (previous or {}).get("notices", [])}
    blocking = [p for p in built.site.errors if p.code.startswith("record.") or p.file in live]
    if built.others and not built.site.errors:
        raise PublishError(f"网站生成失败，没有发布：{'；'.join(m.rstrip('。') for m in built.others)}。线上网站没有改动。")
    if blocking or built.others:
        lines = "\n".join([*(str(p) for p in built.site.errors), *built.others])
        count = len(built.site.errors) + len(built.others)
        why = ("其中有已公开的公告或已公开的记录受影响，发布会让它们从线上消失或被悄悄改动" if blocking
               else "生成的网站有问题")
        raise PublishError(f"{lines}\n检查发现 {count} 个错误，{why}，因此没有发布，线上网站保持不变（没有改动）。"
                           "请改正后再发布（gongkai check 可再次查看）。")
    required = ("index.html", "county.json") if plan.config.is_county else ("index.html", "status.json", "manifest.json")
    missing = [name for name in required if not (output / name).is_file()]
    if missing:
        raise PublishError(f"网站生成不完整（缺少 {'、'.join(missing)}），没有发布。")
    return built


@contextlib.contextmanager
def _reported(side: Local | Remote, live: list[str]) -> Iterator[None]:
    """Every failure as one :class:`PublishError`, ending with what became of the live site
    (``live`` names the new release once the link points to it) and of the partial release."""
    try:
        yield
    except (OSError, _Failed) as exc:
        if not isinstance(exc, _Failed):
            doing = "写入" if exc.errno in _WRITING else "访问"
            exc = _Failed(exc, doing, on_target=None)
        raise exc.publish_error(side.target, _outcome(side, live)) from None
    except PublishError as exc:
        if side.leftover is None:
            raise
        raise type(exc)(f"{exc}{_outcome(side, live, said=True)}") from None


def _outcome(side: Local | Remote, live: list[str], *, said: bool = False) -> str:
    text = "" if said else f"新版本 {live[0]} 已经上线。" if live else "线上网站没有改动。"
    if side.leftover is not None:
        folder, error = side.leftover
        reason, _ = os_problem(error, "删除", None, again="再试")
        text += f"未完成的新版本 {folder} 没有删除干净，下次发布时会自动删除（{reason.rstrip('。')}）。"
    return text


def publish(plan: Plan, say: Callable[[str], None]) -> str:
    """Check, build, copy and switch; return the release name that went live."""
    side = _side(plan)
    live: list[str] = []
    with _reported(side, live):
        return _publish(plan, side, say, live)


def _publish(plan: Plan, side: Local | Remote, say: Callable[[str], None], live: list[str]) -> str:
    config = plan.config
    remote = plan.target.host is not None
    total = 5 if remote else 4
    steps = iter(range(1, total + 1))

    def step(text: str) -> None:
        say(f"[{next(steps)}/{total}] {text}")

    step(f"读取线上网站 {side.describe()} ……")
    state = side.state()
    _usable(state, side)
    if state.live:
        say(f"      当前线上版本 {state.live}，共保留 {len(state.releases)} 个版本。")
    elif state.kind == "symlink":
        say("      目标是一个不指向 gongkai 版本的链接，发布后将改为指向新版本。")
    else:
        say("      目标还没有发布过网站。")
    previous = side.manifest() if state.has_manifest else None

    previous = previous_manifest(previous)
    if previous is not None:  # the versions the live site keeps, for sites whose content is not in git
        previous[LIVE_HISTORY] = load_kept(side.kept_history())

    for note in side.prepare():
        say(f"      注意：{note}")
    try:
        name = release_name(config, set(state.releases))
        with side.staging(name) as staging:
            step("检查公告" + ("，与线上的 manifest.json 核对已公开的记录，" if previous is not None else "并")
                 + f"生成网站（{plan.settings.name}）为新版本 {name} ……")
            try:
                built = build(plan, staging, previous)
            except OSError as exc:  # the build's own file operations, in this process
                raise _Failed(exc, "写入" if exc.errno in _WRITING else "访问", exc.filename or staging) from None
            site = built.site
            warnings = len(site.problems) - len(site.errors)
            say(f"      检查了 {site.notice_count} 个公告文件：{len(site.errors)} 个错误，{warnings} 个警告。")
            for problem in site.errors:
                say(f"      {problem}")
            if site.errors:
                say(f"      以上 {len({p.file for p in site.errors})} 个文件有错误，不会发布；它们都还没有上线过，其余照常发布。")
            if remote:
                link = f"，与上一版本 {state.live} 相同的文件不重复上传" if state.live else ""
                step(f"上传到 {plan.target.host}:{plan.target.releases}/{name}{link} ……")
            side.upload(staging, name, state.live)
            step(f"切换线上网站到版本 {name} ……")
            side.activate(name, partial=True)
        live.append(name)
        old = prunable([*state.releases, name], keep=plan.keep, live=name, previous=state.live)
        step(f"清理旧版本，保留最近 {plan.keep} 个" + (f"：删除 {'、'.join(old)} ……" if old else "：无需清理。"))
        try:
            side.remove(old)
        except PublishError as exc:  # the new release is live: a leftover old one is no failure
            say(f"      注意：{exc}")
    finally:
        side.close()
    held = "" if not built.site.errors else f"；另有 {len({p.file for p in built.site.errors})} 个文件因错误没有发布，请改正后再发布"
    say(f"已上线：版本 {name}，共 {len(built.site.notices)} 份公告，{_address(config, plan.target)}{held}")
    plan.held_back.extend(built.site.errors)
    return name


def rollback(plan: Plan, say: Callable[[str], None]) -> str:
    """Switch the live site back to the release before the live one; return its name."""
    config = plan.config
    side = _side(plan)
    live: list[str] = []
    with _reported(side, live):
        say(f"[1/2] 读取线上网站 {side.describe()} ……")
        state = side.state()
        if state.kind != "symlink" or state.live is None:
            raise TargetError(f"{side.describe()} 不是 gongkai 发布的网站（不是指向某个版本的链接），无法回退。")
        target = state.previous()
        if target is None:
            raise PublishError(f"没有可回退的版本：线上版本 {state.live} 是保留的最早版本。")
        say(f"[2/2] 切换线上网站：{state.live} → {target} ……")
        side.activate(target, partial=False)
        live.append(target)
        try:
            count = f"共 {len(json.loads(side.manifest())['notices'])} 份公告，"
        except (PublishError, _Failed, OSError, ValueError, KeyError, TypeError):
            count = ""
        say(f"已上线：版本 {target}（已回退；版本 {state.live} 仍保留），{count}{_address(config, plan.target)}")
    return target


def _address(config: Config, target: Target) -> str:
    return f"{config.siteurl}/" if config.siteurl else f"目录 {target}"


def run(settings: Path | str, to: str | None, *, rollback_: bool = False, ssh: str | None = None,
        today: str | None = None, keep: int = KEEP, say: Callable[[str], None] = print, force: bool = False) -> list:
    """``gongkai publish``: everything the command does, for the command line to call.

    Returns the errors of files held back from the release that went live (empty when none).
    """
    settings = Path(settings).resolve()
    if keep < 2:
        raise TargetError("--keep 至少为 2：线上版本和一个可回退的版本。")
    own, config = load(settings, today=today)
    config = replace(config, publishing=True)  # a blank or an example never goes live: placeholders are errors
    to = to or config.publish_to
    if not to:
        raise TargetError("请用 --to 写明发布到哪里，例如 --to /srv/www/gongkai 或 --to user@host:/srv/www/gongkai"
                          "（也可在 publishconf.py 中写 GONGKAI_PUBLISH_TO）。")
    from .publish_s3 import is_s3

    if is_s3(to):  # object storage: its own module (publish_s3.py)
        from .publish_s3 import run as run_s3

        return run_s3(settings, to, rollback_=rollback_, today=today, keep=keep, force=force, say=say)
    plan = Plan(settings=settings, config=config, target=parse_target(to), own=own, today=today, keep=keep)
    if plan.target.host:
        plan = replace(plan, ssh=ssh_command(ssh))
    if rollback_:
        rollback(plan, say)
    else:
        refuse_placeholders(config)
        publish(plan, say)
    return plan.held_back


def refuse_placeholders(config: Config) -> None:
    """Settings every page and printed board shows, still blank or an example (SITEURL, a contact): nothing is published."""
    from .checks import settings_placeholders

    found = settings_placeholders(config)
    if found:
        raise PublishError("\n".join(str(p) for p in found) + f"\n设置里有 {len(found)} 处还没有填写或仍是示例，"
                           "它们会出现在每一页和每张打印的公告上，因此没有发布，线上网站保持不变（没有改动）。请改正后再发布。")


def _try_lock(fd: int) -> None:
    """Lock the open file ``fd`` for this process without waiting; :class:`BlockingIOError` if another holds it.

    ``fcntl`` on POSIX, ``msvcrt`` on Windows: imported here, so that importing
    this module (and every other command) works on both.
    """
    try:
        import fcntl
    except ImportError:
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLOCK):
                raise BlockingIOError(exc.errno, exc.strerror) from None
            raise
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
