"""``gongkai publish`` with the real parts: a local web root served by nginx, and rsync over SSH.

Every server here is started by the test on 127.0.0.1 and a free port, with
its own configuration, keys, pid file and logs in a temp dir: nginx from
Debian's package (with docs/nginx.conf, as the documentation tells an
administrator to use it) and sshd from ``openssh-server``. Without them the
tests that need them are skipped with the reason (``.ci/run`` installs them).

The site published is tests/sites/minimal with a publishconf.py beside it,
so that a publish takes a second or two. What the tests prove:
- a publish goes live in one step, with the search index and the
  pre-compressed files, and nginx sends the .gz byte for byte;
- a publish that fails at any step (a notice error, a record changed since
  it was published, a failing build, an upload killed midway) leaves every
  file under the live site byte-for-byte as it was;
- ``--rollback`` switches back to the previous release exactly.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from conftest import GONGKAI, ROOT, Site, copy_site, free_port, run_gongkai
from gongkai.publish import State, TargetError, parse_target, prunable

NGINX = Path("/usr/sbin/nginx")
SSHD = Path("/usr/sbin/sshd")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
SSH_TOOLS = [shutil.which(name) for name in ("ssh", "ssh-keygen", "rsync")]

PUBLISHCONF = '''\
import os, sys
sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa
SITEURL = "http://127.0.0.1:8080"
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
GONGKAI_PRECOMPRESS = True
'''
DYING_SSH = """#!{python}
import os, subprocess, sys
ssh = {ssh!r}
if "--server" not in sys.argv:
    os.execvp(ssh[0], ssh + sys.argv[1:])
child = subprocess.Popen(ssh + sys.argv[1:], stdin=subprocess.PIPE)
sent = 0
while sent < {limit}:
    chunk = os.read(0, {limit} - sent)
    if not chunk:
        break
    child.stdin.write(chunk)
    child.stdin.flush()
    sent += len(chunk)
child.kill()
child.wait()
sys.exit(255)
"""
NEW_NOTICE = """---
title: 关于修缮南湾村文化广场的公示
board: township
category: major-matters
date: 2026-11-20
---
经村民代表会议讨论，修缮文化广场，预算 12,000.00 元。
"""
ID_NUMBER_NOTICE = """---
title: 身份证号没有打码的公示
board: nanwan
category: major-matters
date: 2026-11-20
---
申请人：王某，身份证号 11010519491231002X。
"""


# -- helpers --------------------------------------------------------------------

def published_site(tmp_path: Path) -> Site:
    site = copy_site("minimal", tmp_path)
    (site.root / "publishconf.py").write_text(PUBLISHCONF, encoding="utf-8")
    return site


def publish(site: Site, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        return run_gongkai("publish", *args, cwd=site.root)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def went_live(result: subprocess.CompletedProcess) -> str:
    """The release named on the last line, which says what went live."""
    last = ok(result).strip().splitlines()[-1]
    match = re.match(r"已上线：版本 (\d{8}-\d{6}(?:-\d+)?)", last)
    assert match, last
    return match[1]


def tree(path: Path) -> dict[str, str]:
    """sha256 of every file under ``path`` (following the live link), by relative path."""
    path = path.resolve()
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def snapshot(live: Path) -> tuple[str, dict[str, str], list[str]]:
    """What a reader can see: where the link points, every file under it, and which releases exist."""
    releases = Path(f"{live}.releases")
    return os.readlink(live), tree(live), sorted(p.name for p in releases.iterdir())



def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}: {log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    pytest.fail(f"server did not listen on {port}: {log.read_text(errors='replace')}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# -- units ----------------------------------------------------------------------

def test_targets_follow_rsyncs_rule_a_colon_before_any_slash_means_a_host(tmp_path):
    assert parse_target("root@127.0.0.1:/srv/www/gongkai/") == parse_target("root@127.0.0.1:/srv/www/gongkai")
    remote = parse_target("deploy@web1:/srv/www/gongkai")
    assert (remote.host, remote.path, remote.releases) == ("deploy@web1", "/srv/www/gongkai", "/srv/www/gongkai.releases")
    local = parse_target(str(tmp_path / "www:8080" / "site"))  # a colon after a slash is part of a path
    assert local.host is None and local.path.endswith("www:8080/site")
    assert parse_target("-oProxyCommand=x:/tmp").host is None  # never handed to ssh as an option
    for bad in ("", "host:~/www"):
        with pytest.raises(TargetError):
            parse_target(bad)


def test_pruning_keeps_the_live_release_the_one_it_replaced_and_the_newest():
    releases = ["20260101-000000", "20260102-000000", "20260103-000000", "20260104-000000", "20260105-000000"]
    assert prunable(releases, keep=3, live="20260105-000000", previous="20260104-000000") == releases[:2]
    # After a rollback to the oldest, the next publish keeps it: it was live a moment ago.
    assert prunable(releases, keep=3, live="20260105-000000", previous="20260101-000000") == releases[1:3]


def test_rollback_goes_to_the_newest_release_older_than_the_live_one():
    state = State(kind="symlink", live="20260103-000000",
                  releases=["20260101-000000", "20260102-000000", "20260103-000000", "20260104-000000"])
    assert state.previous() == "20260102-000000"
    assert State(kind="symlink", live="20260101-000000", releases=["20260101-000000"]).previous() is None


# -- local web root ---------------------------------------------------------------

def test_publish_goes_live_with_search_and_precompressed_files_and_rolls_back(tmp_path):
    site = published_site(tmp_path)
    live = tmp_path / "www" / "gongkai"
    live.parent.mkdir()
    out = ok(publish(site, "--to", str(live)))
    lines = out.strip().splitlines()
    assert [line[:5] for line in lines if line.startswith("[")] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    first = re.search(r"版本 (\S+)，共 (\d+) 份公告，http://127\.0\.0\.1:8080/$", lines[-1])
    assert first, lines[-1]
    assert live.is_symlink() and os.readlink(live) == f"gongkai.releases/{first[1]}"
    before = snapshot(live)

    files = before[1]
    assert {"index.html", "search/index.html", "pagefind/nanwan/pagefind.js", "manifest.json"} <= set(files)
    for name in ("index.html", "status.json", "theme/screen.css", "pagefind/nanwan/pagefind.js", "sitemap.xml"):
        data = (live / name).read_bytes()
        packed = (live / f"{name}.gz").read_bytes()
        assert gzip.decompress(packed) == data and packed[4:8] == b"\0\0\0\0", name  # mtime 0: reproducible
        assert brotli.decompress((live / f"{name}.br").read_bytes()) == data, name
    assert not list(live.rglob("*.png.gz")) and not list(live.rglob("*.gz.gz"))
    # Absolute links from publishconf.py.
    assert 'href="http://127.0.0.1:8080/search/index.html"' in (live / "index.html").read_text(encoding="utf-8")

    site.write("township/major-matters/2026-11-20-plaza.md", NEW_NOTICE)
    second = went_live(publish(site, "--to", str(live)))
    assert second > first[1]
    assert os.readlink(live) == f"gongkai.releases/{second}"
    assert "修缮南湾村文化广场" in (live / "township/major-matters/index.html").read_text(encoding="utf-8")

    back = ok(publish(site, "--to", str(live), "--rollback"))
    assert f"已上线：版本 {first[1]}（已回退" in back
    assert snapshot(live)[:2] == before[:2]  # byte for byte the first release again
    assert (Path(f"{live}.releases") / second).is_dir()  # kept

    again = publish(site, "--to", str(live), "--rollback")
    assert again.returncode == 1 and "没有可回退的版本" in again.stderr
    assert snapshot(live)[:2] == before[:2]


@pytest.fixture
def live_site(tmp_path) -> tuple[Site, Path, tuple]:
    """A site published once to tmp/www/gongkai, and a snapshot of what is live."""
    site = published_site(tmp_path)
    live = tmp_path / "www" / "gongkai"
    live.parent.mkdir()
    went_live(publish(site, "--to", str(live)))
    return site, live, snapshot(live)


def test_a_new_notice_with_an_error_is_held_back_and_the_rest_goes_live(live_site):
    """One village's typo must not block every other village: the new notice with an ID number
    stays out, the rest goes live, and the exit status says something was held back."""
    site, live, before = live_site
    site.write("nanwan/major-matters/2026-11-20-id.md", ID_NUMBER_NOTICE)
    site.write("township/major-matters/2026-11-20-plaza.md", NEW_NOTICE)
    result = publish(site, "--to", str(live))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "privacy.id-number" in result.stdout and "不会发布" in result.stdout and "已上线" in result.stdout
    assert snapshot(live) != before
    assert not (live / "nanwan/major-matters/2026-11-20-id.html").exists()
    assert (live / "township/major-matters/2026-11-20-plaza.html").is_file()
    for path in live.resolve().rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            assert "11010519491231002X" not in path.read_text(encoding="utf-8"), path


def test_an_error_in_a_live_notice_stops_before_anything_is_touched(live_site):
    """Holding back a notice that is already live would make it vanish: nothing goes live."""
    site, live, before = live_site
    q1 = site.root / "content/nanwan/finance/2026-q1.md"
    q1.write_text(q1.read_text(encoding="utf-8").replace("period: 2026-Q1", "period: 2026-Q1\nwindow_days: -3"),
                  encoding="utf-8")
    result = publish(site, "--to", str(live))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "field.invalid" in result.stderr and "没有发布，线上网站保持不变" in result.stderr
    assert "[3/4]" not in result.stdout  # never switched
    assert snapshot(live) == before


def test_a_published_notice_changed_without_a_correction_is_refused(live_site):
    site, live, before = live_site
    notice = site.root / "content/nanwan/finance/2026-q3.md"
    notice.write_text(notice.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    (site.root / "content/nanwan/finance/2026-q1.md").unlink()
    result = publish(site, "--to", str(live))
    assert result.returncode == 1
    assert "核对已公开的记录" in result.stdout
    assert "record.changed" in result.stderr and "record.removed" in result.stderr
    assert snapshot(live) == before


def test_a_build_that_fails_after_writing_its_pages_leaves_the_live_site_alone(live_site, tmp_path):
    site, live, before = live_site
    # Search indexing is the last step of the build, when every page is already written.
    failing = tmp_path / "pagefind-broken"
    failing.write_text("#!/bin/sh\necho 'pagefind: disk full' >&2\nexit 3\n")
    failing.chmod(0o755)
    result = publish(site, "--to", str(live), env={"PAGEFIND_BINARY_PATH": str(failing)})
    assert result.returncode == 1
    assert "网站生成失败" in result.stderr and "disk full" in result.stderr
    assert snapshot(live) == before  # and no .partial folder left beside the releases


def test_targets_that_cannot_be_switched_are_usage_errors(tmp_path):
    site = published_site(tmp_path)
    plain = tmp_path / "html"
    plain.mkdir()
    (plain / "index.html").write_text("old site")
    result = publish(site, "--to", str(plain))
    assert result.returncode == 2 and "普通文件夹" in result.stderr
    assert (plain / "index.html").read_text() == "old site"
    assert not Path(f"{plain}.releases").exists()

    result = publish(site)
    assert result.returncode == 2 and "--to" in result.stderr
    result = publish(site, "--to", str(tmp_path / "no" / "such" / "dir"))
    assert result.returncode == 2 and "上一级文件夹不存在" in result.stderr


def test_the_repositorys_publishconf_turns_on_what_production_needs():
    from gongkai.config import Config, load_settings_file

    config = Config.from_settings(load_settings_file(ROOT / "publishconf.py"), ROOT)
    assert config.siteurl.startswith("https://") and config.pdf and config.search and config.precompress


# -- nginx ----------------------------------------------------------------------------

@contextlib.contextmanager
def nginx(root: Path, work: Path) -> Iterator[str]:
    """nginx serving ``root`` with docs/nginx.conf on a free port of 127.0.0.1; yields the base URL."""
    if not NGINX.exists():
        pytest.skip(f"needs nginx at {NGINX} (apt-get install nginx)")
    port = free_port()
    work.mkdir()
    site = (ROOT / "docs/nginx.conf").read_text(encoding="utf-8")
    site, n_listen = re.subn(r"^    listen 80;\n    listen \[::\]:80;\n", f"    listen 127.0.0.1:{port};\n", site,
                             flags=re.M)
    site, n_root = re.subn(r"^    root /srv/www/gongkai;", f"    root {root};", site, flags=re.M)
    assert n_listen == n_root == 1, "docs/nginx.conf: keep its listen and root lines as the test expects"
    brotli_on = BROTLI_MODULE.exists()
    if brotli_on:
        site = site.replace("    # brotli_static on;", "    brotli_static on;")
    (work / "site.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {work}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(f"""\
{f"load_module {BROTLI_MODULE};" if brotli_on else ""}
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {work}/access.log;
{temp}
    include {work}/site.conf;
}}
""", encoding="utf-8")
    log = work / "error.log"
    check = subprocess.run([str(NGINX), "-t", "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(log)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([str(NGINX), "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(log)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def test_nginx_serves_the_published_site_and_its_precompressed_files(live_site, tmp_path):
    site, live, before = live_site
    with nginx(live, tmp_path / "nginx") as base:
        status, headers, body = get(base + "/")
        assert status == 200 and "text/html" in headers["Content-Type"] and "charset=utf-8" in headers["Content-Type"]
        assert body == (live / "index.html").read_bytes()
        assert "Content-Encoding" not in headers

        # A pre-compressed page: nginx sends the .gz the build wrote, untouched.
        notice = "nanwan/finance/index.html"
        status, headers, body = get(f"{base}/{notice}", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert body == (live / f"{notice}.gz").read_bytes()
        assert "Accept-Encoding" in headers.get("Vary", "")
        if BROTLI_MODULE.exists():
            status, headers, body = get(f"{base}/theme/screen.css", **{"Accept-Encoding": "br, gzip"})
            assert headers.get("Content-Encoding") == "br" and body == (live / "theme/screen.css.br").read_bytes()

        status, _, body = get(base + "/search/index.html")
        assert status == 200 and "pagefind/nanwan/" in body.decode("utf-8")
        status, _, body = get(base + "/pagefind/nanwan/pagefind-entry.json")
        assert status == 200 and b'"languages"' in body

        status, _, body = get(base + "/no/such/page.html")
        assert status == 404 and "找不到这个页面" in body.decode("utf-8")

        # A publish switches what nginx serves at once, without a reload; a rollback switches it back.
        site.write("township/major-matters/2026-11-20-plaza.md", NEW_NOTICE)
        went_live(publish(site, "--to", str(live)))
        _, _, body = get(base + "/township/major-matters/index.html")
        assert "修缮南湾村文化广场" in body.decode("utf-8")
        ok(publish(site, "--to", str(live), "--rollback"))
        _, _, body = get(base + "/township/major-matters/index.html")
        assert "修缮南湾村文化广场" not in body.decode("utf-8")
        assert body == (Path(f"{live}.releases") / before[0].split("/")[-1] / "township/major-matters/index.html").read_bytes()


# -- over SSH -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sshd(tmp_path_factory) -> Iterator[str]:
    """sshd on a free port of 127.0.0.1 with throwaway keys; yields the ssh command that logs in."""
    if not SSHD.exists():
        pytest.skip(f"needs sshd at {SSHD} (apt-get install openssh-server)")
    if not all(SSH_TOOLS):
        pytest.skip("needs ssh, ssh-keygen and rsync (apt-get install openssh-client rsync)")
    work = tmp_path_factory.mktemp("sshd")
    for key in ("host", "user"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"gongkai-test-{key}",
                        "-f", str(work / key)], check=True)
    shutil.copy(work / "user.pub", work / "authorized_keys")
    port = free_port()
    (work / "sshd_config").write_text(f"""\
ListenAddress 127.0.0.1
HostKey {work}/host
PidFile {work}/sshd.pid
AuthorizedKeysFile {work}/authorized_keys
StrictModes no
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
LogLevel ERROR
""")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
    log = work / "sshd.log"
    with log.open("wb") as handle:
        process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(work / "sshd_config"), "-p", str(port)],
                                   stdout=handle, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log)
        yield (f"ssh -F /dev/null -p {port} -i {work}/user -o IdentitiesOnly=yes -o BatchMode=yes "
               f"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR")
    finally:
        stop(process)


@pytest.fixture
def remote(tmp_path) -> tuple[Path, str]:
    """A web root on the 'server': the same machine, reached over SSH."""
    import getpass

    live = tmp_path / "server" / "gongkai"
    live.parent.mkdir()
    return live, f"{getpass.getuser()}@127.0.0.1:{live}"


def test_publish_over_ssh_shares_unchanged_files_with_the_previous_release(tmp_path, sshd, remote):
    live, target = remote
    site = published_site(tmp_path)
    result = publish(site, "--to", target, "--ssh", sshd)
    first = went_live(result)
    assert "[5/5]" in result.stdout and "上传到" in result.stdout
    assert os.readlink(live) == f"gongkai.releases/{first}"
    before = snapshot(live)
    assert {"index.html", "index.html.gz", "pagefind/nanwan/pagefind.js"} <= set(before[1])

    site.write("township/major-matters/2026-11-20-plaza.md", NEW_NOTICE)
    second = went_live(publish(site, "--to", target, "--ssh", sshd))
    releases = Path(f"{live}.releases")
    assert "修缮南湾村文化广场" in (live / "township/major-matters/index.html").read_text(encoding="utf-8")
    # --link-dest: a file that did not change is one file on disk, in both releases.
    assert (releases / first / "theme/screen.css").stat().st_ino == (releases / second / "theme/screen.css").stat().st_ino
    assert oct((releases / second / "index.html").stat().st_mode & 0o777) == "0o644"

    # The record check reads the manifest of the live site over SSH.
    notice = site.root / "content/nanwan/finance/2026-q3.md"
    notice.write_text(notice.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    after_second = snapshot(live)
    refused = publish(site, "--to", target, "--ssh", sshd)
    assert refused.returncode == 1 and "record.changed" in refused.stderr
    assert snapshot(live) == after_second

    ok(publish(site, "--to", target, "--ssh", sshd, "--rollback"))
    assert snapshot(live)[:2] == before[:2]


def test_an_upload_killed_midway_leaves_the_live_site_unchanged(tmp_path, sshd, remote):
    live, target = remote
    site = published_site(tmp_path)
    went_live(publish(site, "--to", target, "--ssh", sshd))
    before = snapshot(live)

    # An ssh that dies in the middle of rsync's transfer, as when the line
    # drops: it passes on the first 128 KiB, then is killed. Short commands pass through.
    dying = tmp_path / "dying-ssh"
    dying.write_text(DYING_SSH.format(python=sys.executable, ssh=shlex.split(sshd), limit=128 * 1024))
    dying.chmod(0o755)
    # A new address changes every page, so there is far more than 128 KiB to send.
    conf = site.root / "publishconf.py"
    conf.write_text(conf.read_text().replace("127.0.0.1:8080", "127.0.0.1:8081"))
    site.write("township/major-matters/2026-11-20-plaza.md", NEW_NOTICE)
    result = publish(site, "--to", target, "--ssh", str(dying))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "上传中断" in result.stderr
    assert "[4/5]" not in result.stdout  # never switched
    assert snapshot(live) == before  # same link, same bytes, no release added and no .partial left

    # The line is back: the next publish goes through.
    went_live(publish(site, "--to", target, "--ssh", sshd))
    assert "修缮南湾村文化广场" in (live / "township/major-matters/index.html").read_text(encoding="utf-8")


def test_cron_script_publishes_and_fails_loudly(live_site, tmp_path):
    site, live, before = live_site
    script = ROOT / "docs/cron-publish.sh"
    env = {**{k: v for k, v in os.environ.items() if k != "GONGKAI_TODAY"}, "GONGKAI_TODAY": "2026-11-22",
           "SITE_DIR": str(site.root), "TARGET": str(live), "LOG_DIR": str(tmp_path / "logs"),
           "GONGKAI": GONGKAI, "LOCK_FILE": str(tmp_path / "publish.lock")}
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    logs = list((tmp_path / "logs").iterdir())
    assert len(logs) == 1 and "已上线：版本" in logs[0].read_text(encoding="utf-8")
    published = snapshot(live)
    assert published[0] != before[0]

    # A new notice with an error: the rest goes live without it, and the script still fails loudly.
    site.write("nanwan/major-matters/2026-11-20-id.md", ID_NUMBER_NOTICE)
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "有文件因错误没有发布" in result.stderr and str(logs[0]) in result.stderr
    assert "privacy.id-number" in logs[0].read_text(encoding="utf-8")
    published = snapshot(live)
    assert not (live / "nanwan/major-matters/2026-11-20-id.html").exists()

    # An error in a notice that is live: nothing goes live.
    q1 = site.root / "content/nanwan/finance/2026-q1.md"
    q1.write_text(q1.read_text(encoding="utf-8").replace("period: 2026-Q1", "period: 2026-Q13"), encoding="utf-8")
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "发布失败" in result.stderr and "线上网站保持原样" in result.stderr and str(logs[0]) in result.stderr
    assert snapshot(live) == published
