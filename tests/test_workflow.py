"""The clerk's workflow through the real command: init, serve."""

import os
import subprocess
import threading
import time
import urllib.request

from conftest import GONGKAI, TODAY, free_port, run_gongkai


def test_init_creates_a_site_that_checks_and_builds(tmp_path):
    result = run_gongkai("init", "xihe", "--township", "西河镇", "--village", "石桥村", "--village", "柳林村、石桥村",
                         "--siteurl", "https://gongkai.xihe.gov.cn", "--phone", "0371-63851234", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "xihe"
    assert {"pelicanconf.py", "publishconf.py", "Makefile", "README.md", "archetypes", "content"} <= {
        p.name for p in site.iterdir()}
    check = run_gongkai("check", "--format", "json", cwd=site)
    assert check.returncode == 0, check.stdout + check.stderr
    import json

    report = json.loads(check.stdout)
    assert {s["board"] for s in report["sections"]} == {"township", "shiqiao", "liulin"}
    assert report["notices"] == 7 and report["problems"] == []
    build = run_gongkai("build", cwd=site)
    assert build.returncode == 0, build.stderr
    assert (site / "output" / "shiqiao" / "index.html").is_file()
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert "西河镇人民政府" in home and "柳林村" in home
    new = run_gongkai("new", "finance", "--board", "柳林村", cwd=site)  # its archetypes work too
    assert new.returncode == 0, new.stderr


def test_init_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_gongkai("init", "site", "--township", "西河镇", "--village", "石桥村", cwd=tmp_path)
    assert result.returncode == 2 and "不是空文件夹" in result.stderr
    assert (tmp_path / "site" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_init_without_names_explains_the_flags(tmp_path):
    result = subprocess.run([GONGKAI, "init", "site"], cwd=tmp_path, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "--township" in result.stderr



def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(predicate, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def _get_page(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode("utf-8")


def test_serve_rebuilds_and_shows_the_problems_until_they_are_fixed(minimal):
    port = free_port()
    env = {**os.environ, "GONGKAI_TODAY": TODAY}
    server = subprocess.Popen([GONGKAI, "serve", "--port", str(port)], cwd=minimal.root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        url = f"http://127.0.0.1:{port}/nanwan/finance/2026-q1"  # without .html, as the real site answers
        assert _wait_for(lambda: "第一季度" in _get(url)), "serve did not answer"
        assert _wait_for(lambda: any(f"http://127.0.0.1:{port}/" in line for line in lines), 10)
        notice = minimal.root / "content/nanwan/finance/2026-q1.md"
        good = notice.read_text(encoding="utf-8")
        notice.write_text(good.replace("第一季度。", "第一季度，已更新。"), encoding="utf-8")
        assert _wait_for(lambda: "已更新" in _get(url)), "serve did not rebuild"

        # An error: every page is the list of problems, HTML-escaped, until it is fixed.
        notice.write_text(good.replace("board: nanwan", "board: <nanwn>", 1), encoding="utf-8")
        assert _wait_for(lambda: "预览暂停" in _get_page(url)), "".join(lines)
        page = _get_page(f"http://127.0.0.1:{port}/")
        assert "预览暂停" in page and "content/nanwan/finance/2026-q1.md:" in page and "board.unknown" in page
        assert "&lt;nanwn&gt;" in page and "<nanwn>" not in page
        assert any("board.unknown" in line for line in lines)  # the console says it too
        assert _get(f"http://127.0.0.1:{port}/status.json").startswith("{")  # other files are served as they are

        notice.write_text(good, encoding="utf-8")
        assert _wait_for(lambda: "第一季度" in _get_page(url) and "预览暂停" not in _get_page(url)), "".join(lines)
    finally:
        server.terminate()
        server.wait(timeout=30)
