"""Where clerks are: Windows paths in settings, consoles that are not UTF-8, no POSIX-only module,
and plain ``pelican`` building the same site as ``gongkai build``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, copy_site, run_gongkai

PELICAN = str(Path(sys.executable).with_name("pelican"))
ABOUT = "---\ntitle: 关于本站\nslug: about\n---\n本站是公开栏的网上版本。\n"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONIOENCODING")}
    return {**env, "GONGKAI_TODAY": TODAY, **extra}


def test_plain_pelican_builds_what_gongkai_builds(tmp_path):
    """A settings file with PLUGINS and nothing else of Pelican's (no PATH, no THEME), and a page folder
    written the Windows way: ``pelican -s pelicanconf.py`` reads content/, uses gongkai's theme and the pages."""
    site = copy_site("minimal", tmp_path)
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nPLUGINS = ["gongkai"]\nPAGE_PATHS = ["pages\\\\sub"]\n',
                    encoding="utf-8")
    site.write("pages/sub/about.md", ABOUT)
    output = site.build()
    done = subprocess.run([PELICAN, "-s", "pelicanconf.py", "-o", "pelican-output", "--fatal", "errors"], cwd=site.root,
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    built = {p.relative_to(output).as_posix() for p in output.rglob("*.html")}
    assert "pages/about.html" in built and "index.html" in built
    other = site.root / "pelican-output"
    assert built == {p.relative_to(other).as_posix() for p in other.rglob("*.html")}
    for name in ("index.html", "pages/about.html", "nanwan/index.html"):
        assert (output / name).read_bytes() == (other / name).read_bytes(), name


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_console_that_is_not_utf8(minimal, encoding):
    """A Windows console in GBK (cp936), or worse: what it cannot show becomes ?, never a traceback."""
    minimal.write("nanwan/finance/bad.md", "---\ntitle: ✓ 无日期\nboard: nanwan\ncategory: finance\n---\n正文\n")
    for command in (["check"], ["build"]):
        done = subprocess.run([str(Path(sys.executable).with_name("gongkai")), *command], cwd=minimal.root,
                              env=_env(PYTHONIOENCODING=encoding), capture_output=True, timeout=300)
        assert done.returncode == 1, done.stderr.decode(encoding, "replace")
        assert b"Traceback" not in done.stderr
        assert "nanwan/finance/bad.md" in done.stdout.decode(encoding) + done.stderr.decode(encoding)


def test_no_posix_only_module(minimal):
    """check, new, build and publish's import work without fcntl and the other modules Windows lacks."""
    script = (
        "import sys\n"
        "for name in ('fcntl', 'termios', 'pwd', 'grp', 'resource'): sys.modules[name] = None\n"
        "import gongkai.publish, gongkai.compress, gongkai.plugin\n"
        "from gongkai.cli import main\n"
        "for command in (['check'], ['new', 'finance', '--board', 'nanwan'], ['build']):\n"
        "    code = main(command)\n"
        "    assert code in (0, 1), (command, code)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=minimal.root, env=_env(), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert (minimal.root / "output" / "index.html").is_file()


def test_python_dash_m(minimal):
    done = subprocess.run([sys.executable, "-m", "gongkai", "check"], cwd=minimal.root, env=_env(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == run_gongkai("check", cwd=minimal.root).returncode
    assert "检查了" in done.stdout
