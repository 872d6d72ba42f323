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
directory, which the next publish removes.

The target is a local directory (the web root of a server on this machine)
or ``user@host:/path`` over SSH. Remote copies use rsync with
``--delay-updates`` and ``--link-dest`` to the previous release, so unchanged
files travel once and are shared between releases on disk.

Nothing here prints: every step is reported through ``say``, and failures
are :class:`PublishError` with a message for the clerk and an exit code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
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
from zoneinfo import ZoneInfo

from .config import Config, load_settings_file

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
        self._lock: int | None = None

    def describe(self) -> str:
        return str(self.path)

    def state(self) -> State:
        path = self.path
        if path.is_symlink():
            kind, live = "symlink", _release_of(os.readlink(path), self.target)
        elif path.is_dir():
            kind, live = ("dir" if any(path.iterdir()) else "empty"), None
        elif path.exists():
            kind, live = "other", None
        else:
            kind, live = "missing", None
        releases = sorted(p.name for p in self.releases.iterdir()
                          if p.is_dir() and _RELEASE.match(p.name)) if self.releases.is_dir() else []
        return State(kind=kind, live=live, releases=releases, has_manifest=(path / "manifest.json").is_file(),
                     parent_ok=path.parent.is_dir() and os.access(path.parent, os.W_OK))

    def manifest(self) -> bytes:
        return (self.path / "manifest.json").read_bytes()

    def prepare(self) -> None:
        """Take the lock (one publish at a time) and clear what a failed publish left."""
        self.releases.mkdir(exist_ok=True)
        fd = os.open(self.releases / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise PublishError(f"另一个发布正在进行（{self.releases / '.lock'}），请等它结束后再试。") from None
        self._lock = fd
        for stale in self.releases.glob(".*.partial"):
            shutil.rmtree(stale, ignore_errors=True)

    @contextlib.contextmanager
    def staging(self, name: str) -> Iterator[Path]:
        """The build writes straight into the release's partial folder, beside the live one."""
        partial = self.releases / f".{name}.partial"
        partial.mkdir()
        try:
            yield partial
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise

    def upload(self, staging: Path, name: str, previous: str | None) -> None:
        pass  # already in place

    def activate(self, name: str, *, partial: bool) -> None:
        if partial:
            os.rename(self.releases / f".{name}.partial", self.releases / name)
        link = self.path.with_name(f".{self.path.name}.{name}.link")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        os.symlink(f"{self.releases.name}/{name}", link)
        if self.path.is_dir() and not self.path.is_symlink():
            self.path.rmdir()  # an empty folder made for the site: nothing is served from it yet
        os.replace(link, self.path)

    def remove(self, names: list[str]) -> None:
        for name in names:
            shutil.rmtree(self.releases / name, ignore_errors=True)

    def close(self) -> None:
        if self._lock is not None:
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
            raise PublishError(f"{what}失败{hint}：{detail or f'退出码 {result.returncode}'}")
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

    def prepare(self) -> None:
        self._run(_PREPARE_SH, self.target.path, what=f"在 {self.target.host} 上准备发布目录")

    @contextlib.contextmanager
    def staging(self, name: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="gongkai-publish-") as folder:
            yield Path(folder)

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
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            with contextlib.suppress(PublishError):  # tidy up if the connection still works
                self._run(_REMOVE_SH, self.target.path, f".{name}.partial", what="清理未完成的上传")
            raise PublishError(f"上传中断（rsync 退出码 {result.returncode}）：{' '.join(detail)}")

    def activate(self, name: str, *, partial: bool) -> None:
        self._run(_ACTIVATE_SH, self.target.path, name, "partial" if partial else "switch", what="切换线上网站")

    def remove(self, names: list[str]) -> None:
        if names:
            self._run(_REMOVE_SH, self.target.path, *names, what="清理旧版本")

    def close(self) -> None:
        pass


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
    ssh: list[str] = field(default_factory=lambda: ["ssh"])
    today: str | None = None
    keep: int = KEEP


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


def check(config: Config, previous: bytes | None) -> tuple[list, int]:
    """Every problem in the notices, and those against the live manifest; and how many files."""
    from .checks import check_site
    from .records import ManifestError, parse

    try:
        old = parse(previous, "manifest.json") if previous is not None else None
    except ManifestError:
        raise PublishError("线上网站的 manifest.json 无法读取（不是 gongkai 的清单或已损坏），"
                           "无法核对已公开的记录，因此没有发布。请检查线上网站。") from None
    _, problems, paths = check_site(config, old)
    return problems, len(paths)


def build(plan: Plan, output: Path) -> dict:
    """``gongkai build`` in a child process (a fresh Pelican), into ``output``; the manifest it wrote."""
    command = [sys.executable, "-m", "gongkai.cli", "build", "-s", str(plan.settings), "-o", str(output)]
    if plan.today:
        command += ["--today", plan.today]
    result = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
                            cwd=plan.settings.parent)
    if result.returncode != 0:
        detail = "\n".join(line for line in (result.stderr + result.stdout).strip().splitlines()[-20:])
        raise PublishError(f"网站生成失败，没有发布：\n{detail}")
    missing = [name for name in ("index.html", "status.json", "manifest.json") if not (output / name).is_file()]
    if missing:
        raise PublishError(f"网站生成不完整（缺少 {'、'.join(missing)}），没有发布。")
    return json.loads((output / "manifest.json").read_text(encoding="utf-8"))


def publish(plan: Plan, say: Callable[[str], None]) -> str:
    """Check, build, copy and switch; return the release name that went live."""
    config = plan.config
    side = _side(plan)
    remote = plan.target.host is not None
    total = 6 if remote else 5
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

    step("检查公告" + ("，并与线上的 manifest.json 核对已公开的记录" if previous is not None else "") + " ……")
    problems, files = check(config, previous)
    errors = [p for p in problems if p.is_error]
    if errors:
        lines = "\n".join(str(p) for p in errors)
        raise PublishError(f"{lines}\n检查发现 {len(errors)} 个错误，没有发布，线上网站保持不变。"
                           "请改正后再发布（gongkai check 可再次查看）。")
    say(f"      检查了 {files} 个公告文件：没有错误，{len(problems)} 个警告。")

    side.prepare()
    try:
        name = release_name(config, set(state.releases))
        with side.staging(name) as staging:
            step(f"生成网站（{plan.settings.name}）为新版本 {name} ……")
            built = build(plan, staging)
            if remote:
                link = f"，与上一版本 {state.live} 相同的文件不重复上传" if state.live else ""
                step(f"上传到 {plan.target.host}:{plan.target.releases}/{name}{link} ……")
            side.upload(staging, name, state.live)
            step(f"切换线上网站到版本 {name} ……")
            side.activate(name, partial=True)
        old = prunable([*state.releases, name], keep=plan.keep, live=name, previous=state.live)
        step(f"清理旧版本，保留最近 {plan.keep} 个" + (f"：删除 {'、'.join(old)} ……" if old else "：无需清理。"))
        try:
            side.remove(old)
        except PublishError as exc:  # the new release is live: a leftover old one is no failure
            say(f"      注意：{exc}")
    finally:
        side.close()
    say(f"已上线：版本 {name}，共 {len(built['notices'])} 份公告，{_address(config, plan.target)}")
    return name


def rollback(plan: Plan, say: Callable[[str], None]) -> str:
    """Switch the live site back to the release before the live one; return its name."""
    config = plan.config
    side = _side(plan)
    say(f"[1/2] 读取线上网站 {side.describe()} ……")
    state = side.state()
    if state.kind != "symlink" or state.live is None:
        raise TargetError(f"{side.describe()} 不是 gongkai 发布的网站（不是指向某个版本的链接），无法回退。")
    target = state.previous()
    if target is None:
        raise PublishError(f"没有可回退的版本：线上版本 {state.live} 是保留的最早版本。")
    say(f"[2/2] 切换线上网站：{state.live} → {target} ……")
    side.activate(target, partial=False)
    try:
        count = f"共 {len(json.loads(side.manifest())['notices'])} 份公告，"
    except (PublishError, OSError, ValueError, KeyError, TypeError):
        count = ""
    say(f"已上线：版本 {target}（已回退；版本 {state.live} 仍保留），{count}{_address(config, plan.target)}")
    return target


def _address(config: Config, target: Target) -> str:
    return f"{config.siteurl}/" if config.siteurl else f"目录 {target}"


def run(settings: Path | str, to: str | None, *, rollback_: bool = False, ssh: str | None = None,
        today: str | None = None, keep: int = KEEP, say: Callable[[str], None] = print) -> str:
    """``gongkai publish``: everything the command does, for the command line to call."""
    settings = Path(settings).resolve()
    if keep < 2:
        raise TargetError("--keep 至少为 2：线上版本和一个可回退的版本。")
    config = Config.from_settings(load_settings_file(settings), settings.parent, today=today)
    to = to or config.publish_to
    if not to:
        raise TargetError("请用 --to 写明发布到哪里，例如 --to /srv/www/gongkai 或 --to user@host:/srv/www/gongkai"
                          "（也可在 publishconf.py 中写 GONGKAI_PUBLISH_TO）。")
    plan = Plan(settings=settings, config=config, target=parse_target(to), today=today, keep=keep)
    if plan.target.host:
        plan = replace(plan, ssh=ssh_command(ssh))
    return rollback(plan, say) if rollback_ else publish(plan, say)
