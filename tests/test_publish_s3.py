"""``gongkai publish --to s3://bucket/prefix`` against a real S3-compatible server on 127.0.0.1.

The server is moto's standalone server (``moto_server``, from the test
extra), started by these tests on a free port; gongkai finds it the way it
finds any endpoint, through ``AWS_ENDPOINT_URL`` and the standard AWS
credential variables. The site is tests/sites/minimal with a publishconf.py
and pre-compressed files. What the tests prove:
- every object has the right Content-Type, Content-Encoding (the .gz and .br
  copies) and Cache-Control, and the bucket holds the built files byte for byte;
- a publish after one new notice switches exactly the objects whose bytes changed,
  pages after assets and status.json after every page;
- a publish interrupted midway (the connection drops) leaves the live site as
  the live release, object for object; the next publish completes;
- ``--rollback`` restores the previous release; deletions beyond the limit
  need ``--force``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GONGKAI, TODAY, Site, copy_site, free_port

boto3 = pytest.importorskip("boto3")
MOTO = Path(sys.executable).with_name("moto_server")
BUCKET = "gongkai-site"
PUBLISHCONF = '''\
import os, sys
sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa
SITEURL = "https://dongdadi.example.gov.cn"
RELATIVE_URLS = False
GONGKAI_PRECOMPRESS = True
'''
NEW_NOTICE = """---
title: 关于修缮文化广场的公示
board: township
category: major-matters
date: 2026-11-20
---
经村民代表会议讨论，修缮文化广场，预算 12,000.00 元。
"""



@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[str]:
    """moto's S3 server on 127.0.0.1, for this module."""
    if not MOTO.exists():
        pytest.skip("moto_server is not installed (pip install -e '.[test]')")
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen([str(MOTO), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def env(endpoint: str, monkeypatch) -> dict[str, str]:
    """The environment an administrator sets: credentials, region, endpoint (never the settings file)."""
    values = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
              "AWS_ENDPOINT_URL": endpoint, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
              "GONGKAI_TODAY": TODAY, "SOURCE_DATE_EPOCH": "1795000000"}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **values}


@pytest.fixture
def s3(env):
    client = boto3.client("s3")
    for bucket in client.list_buckets().get("Buckets", []):  # a clean bucket for each test
        objects = client.list_objects_v2(Bucket=bucket["Name"]).get("Contents", [])
        if objects:
            client.delete_objects(Bucket=bucket["Name"], Delete={"Objects": [{"Key": o["Key"]} for o in objects]})
        client.delete_bucket(Bucket=bucket["Name"])
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def site(tmp_path: Path) -> Site:
    site = copy_site("minimal", tmp_path)
    (site.root / "publishconf.py").write_text(PUBLISHCONF, encoding="utf-8")
    return site


def publish(site: Site, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GONGKAI, "publish", *args], cwd=site.root, env=env, capture_output=True, text=True, timeout=300)


def listing(s3, prefix: str = "") -> dict[str, str]:
    """key → ETag of every object under ``prefix``."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        found.update({o["Key"]: o["ETag"] for o in page.get("Contents", [])})
    return found


def site_objects(s3, prefix: str = "dongdadi/") -> dict[str, str]:
    return {k: v for k, v in listing(s3, prefix).items() if not k.startswith("dongdadi.gongkai/")}


def test_publish_sends_every_file_with_its_headers(site, env, s3, tmp_path):
    result = publish(site, env, "--to", f"s3://{BUCKET}/dongdadi")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已上线" in result.stdout
    built = tmp_path / "built"
    subprocess.run([GONGKAI, "build", "-s", "publishconf.py", "-o", str(built)], cwd=site.root, env=env, check=True,
                   capture_output=True)
    files = {p.relative_to(built).as_posix(): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    live = site_objects(s3)
    # Every built file is there (Pagefind names its meta file differently from build to build).
    stable = {f"dongdadi/{rel}" for rel in files if not rel.endswith(".pf_meta")}
    assert {k for k in live if not k.endswith(".pf_meta")} == stable
    for rel in ("index.html", "status.json", "theme/screen.css", "nanwan/finance/2026-q3.html"):
        assert s3.get_object(Bucket=BUCKET, Key=f"dongdadi/{rel}")["Body"].read() == files[rel], rel

    def head(rel: str) -> dict:
        return s3.head_object(Bucket=BUCKET, Key=f"dongdadi/{rel}")

    assert head("index.html")["ContentType"] == "text/html; charset=utf-8"
    assert head("index.html")["CacheControl"] == "public, max-age=300"
    assert "ContentEncoding" not in head("index.html")
    gz, br = head("index.html.gz"), head("index.html.br")
    assert (gz["ContentType"], gz["ContentEncoding"]) == ("text/html; charset=utf-8", "gzip")
    assert (br["ContentType"], br["ContentEncoding"]) == ("text/html; charset=utf-8", "br")
    assert head("status.json")["ContentType"] == "application/json; charset=utf-8"
    assert head("feeds/all.atom.xml")["ContentType"] == "application/atom+xml; charset=utf-8"
    assert head("theme/screen.css")["CacheControl"] == "public, max-age=3600"
    fragments = [k for k in live if "/fragment/" in k]
    assert fragments and all(head(k.removeprefix("dongdadi/"))["CacheControl"].endswith("immutable") for k in fragments)
    # The release and the kept bodies sit beside the site, not under it.
    assert "dongdadi.gongkai/live.json" in listing(s3, "dongdadi.gongkai/")


def test_republish_switches_exactly_the_changed_objects_in_order(site, env, s3):
    from gongkai.publish_s3 import run

    # Both publishes in this process, so that both builds see the same process state (in the whole
    # suite, a build in the test process once differed from one in a fresh process on many pages).
    run(site.root / "publishconf.py", f"s3://{BUCKET}/dongdadi", today=TODAY, say=lambda line: None)
    before = site_objects(s3)
    site.write("township/major-matters/2026-11-20-square.md", NEW_NOTICE)
    switched: list[str] = []
    lines: list[str] = []
    run(site.root / "publishconf.py", f"s3://{BUCKET}/dongdadi", today=TODAY, say=lines.append,
        on_switched=switched.append)
    after = site_objects(s3)
    changed = {k.removeprefix("dongdadi/") for k in after if before.get(k) != after[k]}
    assert set(switched) == changed  # exactly the objects whose bytes changed: no more, no fewer
    assert len(changed) < len(after) / 2, "an unchanged page was sent again"
    assert "township/major-matters/2026-11-20-square.html" in changed
    assert {"index.html", "status.json", "manifest.json"} <= changed
    pages = [r for r in switched if r.endswith(".html")]
    assets = [r for r in switched if r.startswith("pagefind/")]
    assert max(map(switched.index, assets)) < min(map(switched.index, pages))  # assets first
    assert switched.index("township/major-matters/2026-11-20-square.html") < switched.index("index.html")
    assert switched.index("status.json") > max(map(switched.index, pages))  # status.json after every page
    again: list[str] = []
    run(site.root / "publishconf.py", f"s3://{BUCKET}/dongdadi", today=TODAY, say=lines.append, on_switched=again.append)
    # Nothing else to do the second time. Pagefind writes a different meta file (and so entry
    # file) for the same pages now and then; those few objects go again, nothing else does.
    assert all("/pagefind-entry.json" in r or r.endswith(".pf_meta") for r in again), again


def test_interrupted_publish_leaves_the_live_release_and_the_next_one_completes(site, env, s3):
    from botocore.exceptions import EndpointConnectionError
    from gongkai.publish import PublishError
    from gongkai.publish_s3 import run

    assert publish(site, env, "--to", f"s3://{BUCKET}/dongdadi").returncode == 0
    live = site_objects(s3)
    state = s3.get_object(Bucket=BUCKET, Key="dongdadi.gongkai/live.json")["Body"].read()
    site.write("township/major-matters/2026-11-20-square.md", NEW_NOTICE)

    client = boto3.client("s3")
    copies = {"n": 0}

    def drop_connection(**kwargs) -> None:
        """The connection drops once, after a few objects went live, as it does in a village office."""
        copies["n"] += 1
        if copies["n"] == 13:
            raise EndpointConnectionError(endpoint_url=env["AWS_ENDPOINT_URL"])

    client.meta.events.register("before-call.s3.CopyObject", drop_connection)
    switched: list[str] = []
    with pytest.raises(PublishError) as failure:
        run(site.root / "publishconf.py", f"s3://{BUCKET}/dongdadi", today=TODAY, say=lambda _: None, s3=client,
            on_switched=switched.append)
    assert "无法连接对象存储" in str(failure.value) and "线上网站保持原样" in str(failure.value)
    assert switched, "the failure came before anything went live: the test proves nothing"
    assert site_objects(s3) == live  # object for object the live release
    assert s3.get_object(Bucket=BUCKET, Key="dongdadi.gongkai/live.json")["Body"].read() == state

    result = publish(site, env, "--to", f"s3://{BUCKET}/dongdadi")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dongdadi/township/major-matters/2026-11-20-square.html" in site_objects(s3)


def test_rollback_restores_the_previous_release(site, env, s3):
    assert publish(site, env, "--to", f"s3://{BUCKET}/dongdadi").returncode == 0
    first = site_objects(s3)
    site.write("township/major-matters/2026-11-20-square.md", NEW_NOTICE)
    assert publish(site, env, "--to", f"s3://{BUCKET}/dongdadi").returncode == 0
    second = site_objects(s3)
    assert second != first
    result = publish(site, env, "--to", f"s3://{BUCKET}/dongdadi", "--rollback")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已回退" in result.stdout
    assert site_objects(s3) == first
    # Nothing older to go back to.
    result = publish(site, env, "--to", f"s3://{BUCKET}/dongdadi", "--rollback")
    assert result.returncode == 1 and "没有可回退的版本" in result.stderr
    # A publish after the rollback, then a rollback: back to the first release, never to the undone one.
    site.write("township/major-matters/2026-11-21-well.md", NEW_NOTICE.replace("修缮文化广场", "修缮水井").replace(
        "2026-11-20", "2026-11-21"))
    assert publish(site, env, "--to", f"s3://{BUCKET}/dongdadi").returncode == 0
    assert publish(site, env, "--to", f"s3://{BUCKET}/dongdadi", "--rollback").returncode == 0
    assert site_objects(s3) == first
    # The undone release's manifest and the bodies only it used are gone after the next publish.
    assert publish(site, env, "--to", f"s3://{BUCKET}/dongdadi").returncode == 0
    releases = [k for k in listing(s3, "dongdadi.gongkai/releases/")]
    assert len(releases) == 2, releases  # the first and the new one


def test_deleting_more_than_the_limit_needs_force(site, env, s3):
    for i in range(120):  # someone else's files under the same prefix: a mistyped target
        s3.put_object(Bucket=BUCKET, Key=f"dongdadi/old/{i}.html", Body=b"<p>old</p>")
    before = listing(s3)
    result = publish(site, env, "--to", f"s3://{BUCKET}/dongdadi")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "删除 120 个对象" in result.stderr and "--force" in result.stderr
    assert listing(s3) == before  # nothing changed
    result = publish(site, env, "--to", f"s3://{BUCKET}/dongdadi", "--force")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(k.startswith("dongdadi/old/") for k in listing(s3))


def test_a_missing_bucket_is_one_line(site, env, s3):
    result = publish(site, env, "--to", "s3://no-such-bucket/site")
    assert result.returncode == 1
    assert "存储桶 no-such-bucket 不存在" in result.stderr and "Traceback" not in result.stderr
