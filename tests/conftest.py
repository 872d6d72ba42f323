"""Shared fixtures: scenario sites copied to a temp dir and the real ``gongkai`` command."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
TODAY = "2026-11-22"
GONGKAI = str(Path(sys.executable).with_name("gongkai"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_gongkai(*args: str, cwd: Path, today: str | None = TODAY) -> subprocess.CompletedProcess:
    """The installed ``gongkai`` command, as a clerk runs it."""
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_TODAY"}
    if today:
        env["GONGKAI_TODAY"] = today
    return subprocess.run([GONGKAI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@dataclass
class Site:
    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            text = text.encode("utf-8")
        path.write_bytes(text)
        return path

    def check(self, *args: str, today: str | None = TODAY) -> subprocess.CompletedProcess:
        return run_gongkai("check", *args, cwd=self.root, today=today)

    def check_json(self, *args: str, today: str | None = TODAY) -> dict:
        result = self.check("--format", "json", *args, today=today)
        assert result.returncode in (0, 1), result.stderr
        return json.loads(result.stdout)

    def build(self, today: str | None = TODAY) -> Path:
        result = run_gongkai("build", cwd=self.root, today=today)
        assert result.returncode == 0, result.stdout + result.stderr
        return self.root / "output"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def soup(self, rel: str) -> BeautifulSoup:
        return BeautifulSoup((self.output / rel).read_text(encoding="utf-8"), "html.parser")


def copy_site(name: str, dest: Path) -> Site:
    """A scenario site in a temp dir; one without settings of its own gets the minimal site's."""
    target = dest / name
    shutil.copytree(SITES / name, target)
    if not (target / "pelicanconf.py").exists():
        shutil.copy(SITES / "minimal" / "pelicanconf.py", target / "pelicanconf.py")
    return Site(target)


@pytest.fixture
def minimal(tmp_path: Path) -> Site:
    """The smallest site: only the settings a site must set (boards and categories)."""
    return copy_site("minimal", tmp_path)


@pytest.fixture(scope="module")
def minimal_built(tmp_path_factory) -> Site:
    site = copy_site("minimal", tmp_path_factory.mktemp("built"))
    site.build()
    return site


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Site:
    """The embedded demo township, built once with its own pinned date."""
    dest = tmp_path_factory.mktemp("demo") / "demo"
    dest.mkdir()
    for name in ("content", "pelicanconf.py", "publishconf.py"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, dest / name)
    (dest / "theme").symlink_to(ROOT / "theme")
    (dest / "plugins").symlink_to(ROOT / "plugins")
    site = Site(dest)
    site.build(today=None)
    return site
