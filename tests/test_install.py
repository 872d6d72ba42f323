"""What a township installs: the wheel, in a fresh venv that cannot see this repository.

The wheel is built from a copy of the sources (so nothing is written into the
checkout), installed with its dependencies from the package index into a new
venv under a temporary folder, and every command is run from there with the
working directory outside the repository and no ``PYTHONPATH``: ``init`` →
``new`` → ``check`` → ``build`` → ``serve`` → ``publish``, and plain
``pelican`` on the new site and on a copy of the demo. Installing takes about
15 seconds; the venv is made once per test session.

Also here: a whole ``gongkai build`` with the ``spawn`` start method forced
(the only one on Windows), on a site large enough for the worker processes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, free_port

SOURCES = ("pyproject.toml", "README.md", "plugins", "theme")


@pytest.fixture(scope="session")
def venv(tmp_path_factory) -> Path:
    """A fresh venv with the wheel built from these sources, and its dependencies from the index."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(path, source / name)
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True, capture_output=True)
    (wheel,) = wheels.glob("gongkai-*.whl")
    env = work / "venv"
    # From the interpreter this venv was made from, so that not even pyvenv.cfg names the checkout's .venv.
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(env)], check=True)
    python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    done = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", "--quiet", "install", str(wheel)],
                          capture_output=True, text=True, env=_clean_env(env))
    assert done.returncode == 0, done.stderr
    shutil.rmtree(source)
    return env


def _bin(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


def _clean_env(env: Path) -> dict[str, str]:
    """The environment of a clerk's shell with the venv activated: nothing points at this repository."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    clean["PATH"] = str(_bin(env)) + os.pathsep + clean.get("PATH", "")
    clean["VIRTUAL_ENV"] = str(env)
    # Builds compared byte for byte must not differ by the minute they ran in.
    clean["SOURCE_DATE_EPOCH"] = "1795000000"
    return clean


def run(env: Path, *command: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(_bin(env) / command[0]), *command[1:]], cwd=cwd, env=_clean_env(env),
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _files(output: Path) -> set[str]:
    """Every file written, except Pagefind's index fragments, whose names are hashes that differ from run to run."""
    return {p.relative_to(output).as_posix() for p in output.rglob("*")
            if p.is_file() and not re.search(r"pagefind/[^/]+/(fragment|index|filter)/|\.pf_meta$", p.as_posix())}


def _same_pages(one: Path, other: Path) -> None:
    assert _files(one) == _files(other)
    pages = sorted(name for name in _files(one) if name.endswith(".html") and not name.startswith("pagefind/"))
    assert len(pages) > 10
    for name in pages:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


def test_version(venv, tmp_path):
    assert run(venv, "gongkai", "--version", cwd=tmp_path).stdout.strip() == "gongkai 0.1.0"
    assert run(venv, "python", "-m", "gongkai", "--version", cwd=tmp_path).stdout.strip() == "gongkai 0.1.0"


def test_no_path_into_the_repository(venv):
    """Nothing installed refers to the checkout: the theme and archetypes travel inside the package."""
    leaks = subprocess.run(["grep", "-rlI", "--", str(ROOT), str(venv)], capture_output=True, text=True).stdout
    assert leaks == ""
    package = next(venv.glob("lib/python*/site-packages/gongkai"))
    assert (package / "theme/templates/base.html").is_file()
    assert (package / "theme/static/screen.css").is_file()
    assert (package / "archetypes/finance.md").is_file()


def test_new_site_from_the_wheel(venv, tmp_path):
    done = run(venv, "gongkai", "init", "site", "--township", "青山镇", "--village", "上坪村",
               "--siteurl", "https://gongkai.qingshan.gov.cn", "--phone", "0371-63851234", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    done = run(venv, "gongkai", "new", "finance", "--board", "上坪村", cwd=site)
    assert done.returncode == 0, done.stderr
    drafted = site / done.stdout.splitlines()[0]
    assert drafted.is_file()
    done = run(venv, "gongkai", "check", cwd=site)
    assert done.returncode == 0, done.stdout + done.stderr
    done = run(venv, "gongkai", "build", cwd=site)
    assert done.returncode == 0, done.stderr
    for page in ("index.html", "status.json", "theme/screen.css", "pages/about.html", "pagefind/shangping/pagefind.js",
                 "shangping/finance/index.html"):
        assert (site / "output" / page).is_file(), page

    # Plain Pelican, as any Pelican user types it: the same site.
    done = run(venv, "pelican", "content", "-s", "pelicanconf.py", "-o", "pelican-output", "--fatal", "errors", cwd=site)
    assert done.returncode == 0, done.stdout + done.stderr
    _same_pages(site / "output", site / "pelican-output")

    # The printed boards need the pdf extra, which a plain install does not have: said, not a traceback.
    done = run(venv, "gongkai", "build", "-s", "publishconf.py", cwd=site)
    assert done.returncode == 2
    assert "pip install 'gongkai[pdf]'" in done.stderr
    done = run(venv, "pelican", "content", "-s", "publishconf.py", cwd=site)
    assert done.returncode == 2
    assert "gongkai[pdf]" in done.stdout + done.stderr

    drafted.unlink()  # its （待填写） blanks would keep it from going live (placeholder)
    done = run(venv, "gongkai", "publish", "-s", "pelicanconf.py", "--to", str(tmp_path / "www"), cwd=site)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "www" / "index.html").is_file()


def test_demo_copy_builds_with_plain_pelican(venv, tmp_path):
    """The demo's settings name no theme and no plugin path: the installed plugin brings its theme."""
    site = tmp_path / "demo"
    site.mkdir()
    shutil.copytree(ROOT / "content", site / "content")
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, site / name)
    done = run(venv, "gongkai", "build", cwd=site)
    assert done.returncode == 0, done.stderr
    done = run(venv, "pelican", "content", "-s", "pelicanconf.py", "-o", "pelican-output", "--fatal", "errors", cwd=site)
    assert done.returncode == 0, done.stdout + done.stderr
    _same_pages(site / "output", site / "pelican-output")
    assert (site / "output/index.html").is_file()



def test_serve_from_the_wheel(venv, tmp_path):
    assert run(venv, "gongkai", "init", "site", "--township", "青山镇", "--village", "上坪村", cwd=tmp_path).returncode == 0
    port = free_port()
    server = subprocess.Popen([str(_bin(venv) / "gongkai"), "serve", "--port", str(port)], cwd=tmp_path / "site",
                              env=_clean_env(venv), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert "青山镇" in response.read().decode("utf-8")
                    break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline
                time.sleep(0.3)
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_build_with_spawn(tmp_path):
    """A whole build with the ``spawn`` start method (Windows' only one), large enough for worker processes."""
    from gongkai.parallel import PARALLEL_FROM

    notices = PARALLEL_FROM + 100
    subprocess.run([sys.executable, str(ROOT / "bench/generate.py"), "--notices", str(notices), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    site = tmp_path / "gongkai"
    script = ("import multiprocessing as m; m.set_start_method('spawn'); from gongkai.cli import main; "
              "raise SystemExit(main(['build', '-s', 'pelicanconf_nosearch.py']))")
    done = subprocess.run([sys.executable, "-c", script], cwd=site, capture_output=True, text=True, encoding="utf-8",
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"（{notices} 个公告文件）" in done.stdout
    assert len(list((site / "output").glob("*/*/*.html"))) >= notices


def test_every_package_is_listed():
    """pyproject.toml lists the packages: a new folder of modules under plugins/gongkai must be added there."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    package = ROOT / "plugins" / "gongkai"
    found = {"gongkai", "gongkai.theme"} | {
        "gongkai." + ".".join(d.relative_to(package).parts) for d in package.rglob("*")
        if (d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py"))) or d.name == "archetypes"}
    assert found == listed
