"""``gongkai publish`` when the file system fails under it: a full disk, a file size limit,
no permission, a read-only mount, an old release that cannot be deleted.

The failures are real: a small tmpfs filled up, ``RLIMIT_FSIZE`` on the
command, a read-only bind mount, ``chattr +i``, the command run as
``nobody``. They need root (``.ci/run`` runs the tests as root); without it,
or where the kernel refuses a mount, a test is skipped with the reason.

Each test publishes the minimal site once, then makes the next publish fail,
and asserts what a clerk sees: the exit code, one Chinese line saying what
happened, where and what to do, no Python traceback; and that the live site
is byte for byte as it was, with no partial release left beside it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GONGKAI, TODAY, copy_site
from test_publish import PUBLISHCONF, published_site, snapshot, tree, went_live

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="needs root: mounts a tmpfs or a bind mount, uses chattr and setpriv")

NEW_NOTICE = """---
title: 关于硬化南湾村东西主路的公示
board: township
category: major-matters
date: 2026-11-21
---
经村民代表会议讨论，硬化东西主路 800 米，预算 96,000.00 元。
"""


# -- helpers ----------------------------------------------------------------------

def gongkai_publish(site_root: Path, *args: str, preexec=None, user: str | None = None) -> subprocess.CompletedProcess:
    """``gongkai publish`` as a clerk runs it, optionally with limits set first or as another user."""
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_TODAY"}
    env["GONGKAI_TODAY"] = TODAY
    command = [GONGKAI, "publish", *args]
    if user:
        command = ["setpriv", f"--reuid={user}", "--regid=nogroup", "--clear-groups", *command]
        env["HOME"] = str(site_root)
    return subprocess.run(command, cwd=site_root, env=env, capture_output=True, text=True, timeout=300,
                          preexec_fn=preexec)


def one_clean_line(result: subprocess.CompletedProcess, code: int, *words: str) -> str:
    """The failure as a clerk sees it: exit ``code``, one line on stderr with ``words``, no traceback."""
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output and 'File "' not in output, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def wait_for_writers(folder: Path, timeout: float = 30) -> None:
    """Wait until no process names ``folder`` on its command line (a search indexer the build
    started in the background may outlive a build that failed)."""
    needle = str(folder).encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = False
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            with contextlib.suppress(OSError):
                if needle in cmdline.read_bytes() and int(cmdline.parent.name) != os.getpid():
                    busy = True
                    break
        if not busy:
            return
        time.sleep(0.2)


def partials(live: Path) -> list[str]:
    return sorted(p.name for p in Path(f"{live}.releases").glob(".*.partial"))


def assert_untouched(live: Path, before: tuple, result: subprocess.CompletedProcess) -> None:
    """Same link, same bytes under it, same releases; and no partial release unless the message says
    it was left."""
    assert (os.readlink(live), tree(live)) == before[:2]
    wait_for_writers(Path(f"{live}.releases"))
    names = snapshot(live)[2]
    left = partials(live)
    assert [n for n in names if n not in left] == before[2]
    if left:
        inside = sorted(str(q.relative_to(live.parent)) for q in Path(f"{live}.releases", left[0]).rglob("*"))[:20]
        assert "下次发布时会自动删除" in result.stderr and left[0] in result.stderr, (left, inside, result.stderr)


def free_bytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def fill(path: Path, leave: int) -> Path:
    """A file that uses all but ``leave`` bytes of the file system of ``path``."""
    filler = path / "filler"
    size = free_bytes(path) - leave
    with filler.open("wb") as handle:
        chunk = b"\0" * (1 << 20)
        while size > 0:
            with contextlib.suppress(OSError):  # the last block may not fit exactly
                handle.write(chunk[:size])
            size -= len(chunk)
    return filler


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@contextlib.contextmanager
def tmpfs(where: Path, **options: str) -> Iterator[Path]:
    """A tmpfs mounted on ``where`` for the test; always unmounted afterwards."""
    where.mkdir(parents=True, exist_ok=True)
    text = ",".join(f"{k}={v}" for k, v in options.items())
    result = _mount("-t", "tmpfs", "-o", text, "tmpfs", str(where))
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs ({text}): {result.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` bind-mounted on itself read-only; always unmounted afterwards."""
    result = _mount("--bind", str(folder), str(folder))
    if result.returncode != 0:
        pytest.skip(f"cannot bind-mount {folder}: {result.stderr.strip()}")
    try:
        result = _mount("-o", "remount,ro,bind", str(folder))
        if result.returncode != 0:
            pytest.skip(f"cannot remount {folder} read-only: {result.stderr.strip()}")
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[Path]:
    """``chattr +i path``: not even root may change it; always undone afterwards."""
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True) \
        if shutil.which("chattr") else None
    if result is None or result.returncode != 0:
        pytest.skip(f"chattr +i does not work here: {result.stderr.strip() if result else 'no chattr'}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)


@pytest.fixture
def on_tmpfs(tmp_path) -> Iterator[tuple[Path, Path, tuple]]:
    """The minimal site published once to a web root on a 4 MiB tmpfs (a release is about
    1.7 MiB); yields the site, the web root and a snapshot of what is live."""
    site = published_site(tmp_path)
    with tmpfs(tmp_path / "www", size="4m") as www:
        live = www / "gongkai"
        went_live(gongkai_publish(site.root, "--to", str(live)))
        yield site, live, snapshot(live)


# -- a full disk ------------------------------------------------------------------

def test_a_full_disk_stops_the_publish_and_leaves_the_live_site_alone(on_tmpfs):
    site, live, before = on_tmpfs
    filler = fill(live.parent, leave=256 * 1024)  # far less than a release
    site.write("township/major-matters/2026-11-21-road.md", NEW_NOTICE)
    result = gongkai_publish(site.root, "--to", str(live))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[3/4]" not in result.stdout  # never switched
    assert_untouched(live, before, result)
    line = one_clean_line(result, 1, "磁盘空间不足", f"{live}.releases/", "请清理磁盘", "线上网站没有改动")
    assert "没有删除干净" not in line

    # Space again: the next publish goes through (and clears anything the failed one left).
    filler.unlink()
    went_live(gongkai_publish(site.root, "--to", str(live)))
    assert "硬化南湾村东西主路" in (live / "township/major-matters/index.html").read_text(encoding="utf-8")
    assert partials(live) == []


def test_no_inode_left_for_the_new_release_folder(tmp_path):
    """A tmpfs with few inodes: making the partial release folder itself fails (ENOSPC)."""
    site = published_site(tmp_path)
    with tmpfs(tmp_path / "www", size="8m", nr_inodes="600") as www:
        live = www / "gongkai"
        went_live(gongkai_publish(site.root, "--to", str(live)))
        before = snapshot(live)
        n = 0
        with contextlib.suppress(OSError):
            while True:
                (www / f"f{n}").touch()
                n += 1
        result = gongkai_publish(site.root, "--to", str(live))
        line = one_clean_line(result, 1, "磁盘空间不足：创建", f"{live}.releases/.", ".partial", "线上网站没有改动")
        assert "[2/4]" not in result.stdout
        assert snapshot(live) == before, line


# -- a file size limit -------------------------------------------------------------

def _limit_file_size(limit: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write(2) fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def test_a_file_size_limit_stops_the_publish_and_leaves_the_live_site_alone(tmp_path):
    site = published_site(tmp_path)
    live = tmp_path / "www" / "gongkai"
    live.parent.mkdir()
    went_live(gongkai_publish(site.root, "--to", str(live)))
    before = snapshot(live)
    biggest = max((p.stat().st_size, p.name) for p in live.resolve().rglob("*") if p.is_file())
    assert biggest[0] > 64 * 1024, biggest  # so that a 64 KiB limit must stop the build
    result = gongkai_publish(site.root, "--to", str(live), preexec=_limit_file_size(64 * 1024))
    assert result.returncode == 1, result.stdout + result.stderr
    assert_untouched(live, before, result)
    one_clean_line(result, 1, "文件超过了允许的大小", "ulimit -f", "线上网站没有改动")


# -- no permission, read-only ------------------------------------------------------

def test_a_read_only_releases_folder_is_an_unusable_target(on_tmpfs):
    site, live, before = on_tmpfs
    with read_only(Path(f"{live}.releases")):
        result = gongkai_publish(site.root, "--to", str(live))
        one_clean_line(result, 2, "文件系统是只读的", f"{live}.releases/.lock", "重新挂载为可写", "线上网站没有改动")
    assert snapshot(live) == before


def test_an_immutable_releases_folder_is_an_unusable_target(tmp_path):
    site = published_site(tmp_path)
    live = tmp_path / "www" / "gongkai"
    live.parent.mkdir()
    went_live(gongkai_publish(site.root, "--to", str(live)))
    before = snapshot(live)
    with immutable(Path(f"{live}.releases")):
        result = gongkai_publish(site.root, "--to", str(live))
        one_clean_line(result, 2, "不允许修改：创建", f"{live}.releases/.", "chattr -i", "线上网站没有改动")
    assert snapshot(live) == before


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder that ``nobody`` can read (pytest's own temp dirs are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="gongkai-publish-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        with contextlib.suppress(OSError):
            subprocess.run(["chattr", "-R", "-i", str(folder)], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_user_without_write_permission_on_the_releases_gets_a_clear_refusal(shared_dir):
    if not shutil.which("setpriv"):
        pytest.skip("needs setpriv (util-linux) to run the command as nobody")
    probe = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            sys.executable, "-c", "import gongkai.publish"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"nobody cannot run this venv's Python: {probe.stderr.strip()[-200:]}")
    site = copy_site("minimal", shared_dir)
    (site.root / "publishconf.py").write_text(PUBLISHCONF, encoding="utf-8")
    www = shared_dir / "www"
    www.mkdir()
    live = www / "gongkai"
    went_live(gongkai_publish(site.root, "--to", str(live)))  # by root: the releases are root's, 0755
    os.chown(www, 65534, 65534)  # nobody may write the web root's folder, not the releases in it
    before = snapshot(live)
    result = gongkai_publish(site.root, "--to", str(live), user="nobody")
    one_clean_line(result, 2, "没有权限：打开", f"{live}.releases/.lock", "线上网站没有改动")
    assert snapshot(live) == before


# -- after the switch: an old release that cannot be deleted ------------------------

def test_an_old_release_that_cannot_be_deleted_is_a_note_not_a_failure(tmp_path):
    site = published_site(tmp_path)
    live = tmp_path / "www" / "gongkai"
    live.parent.mkdir()
    first = went_live(gongkai_publish(site.root, "--to", str(live), "--keep", "2"))
    went_live(gongkai_publish(site.root, "--to", str(live), "--keep", "2"))
    releases = Path(f"{live}.releases")
    stuck = releases / first / "index.html"
    with immutable(stuck):
        result = gongkai_publish(site.root, "--to", str(live), "--keep", "2")
        third = went_live(result)
        assert "Traceback" not in result.stdout + result.stderr
        assert f"注意：旧版本 {first} 没有删除干净" in result.stdout and "chattr -i" in result.stdout
        # What is left is a partial folder, never a release to roll back to.
        assert first not in {p.name for p in releases.iterdir()}
        moved = releases / f".{first}.partial" / "index.html"
        assert moved.exists()
        subprocess.run(["chattr", "-i", str(moved)], check=True)
    assert os.readlink(live) == f"gongkai.releases/{third}"
    # The next publish removes it.
    went_live(gongkai_publish(site.root, "--to", str(live), "--keep", "2"))
    assert partials(live) == []


# -- pre-compressed copies ------------------------------------------------------------

def test_precompress_on_a_full_disk_leaves_no_half_written_copy(tmp_path):
    from gongkai.compress import PrecompressError, precompress

    with tmpfs(tmp_path / "out", size="64k") as out:
        page = out / "index.html"
        page.write_bytes(os.urandom(28 * 1024).hex().encode())  # 56 KiB that compresses to half at best
        (out / "index.html.gz").write_bytes(b"an older copy of another text")
        with pytest.raises(PrecompressError) as caught:
            precompress(out)
        assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(out / "index.html.gz")
        assert "磁盘空间不足" in str(caught.value) and str(out / "index.html.gz") in str(caught.value)
        assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_precompress_under_a_file_size_limit_raises_efbig_and_leaves_no_copy(tmp_path):
    (tmp_path / "a.css").write_bytes(os.urandom(48 * 1024).hex().encode())
    script = ("import sys\nfrom gongkai.compress import PrecompressError, precompress\n"
              "try:\n    precompress(sys.argv[1])\nexcept PrecompressError as exc:\n"
              "    print(exc.errno, exc)\n    sys.exit(1)\n")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                            preexec_fn=_limit_file_size(32 * 1024), timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith(f"{errno.EFBIG} 文件超过了允许的大小"), result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.css"]
