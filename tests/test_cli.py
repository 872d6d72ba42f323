"""The command line in process: exit codes from exception types, ``gongkai settings``, progress."""

import json

import pytest
from conftest import TODAY
from gongkai.cli import main
from gongkai.cli.common import progress


@pytest.fixture
def site(minimal, monkeypatch):
    monkeypatch.chdir(minimal.root)
    monkeypatch.setenv("GONGKAI_TODAY", TODAY)
    return minimal


def test_new_exit_codes_come_from_the_exception_types(site, capsys):
    assert main(["new", "finance", "--board", "nanwn"]) == 2  # NewUsageError
    assert "gongkai new: 没有名为“nanwn”的公开栏" in capsys.readouterr().err
    assert main(["new", "finance", "--board", "nanwan", "--period", "2026-Q9"]) == 2
    capsys.readouterr()
    assert main(["new", "finance", "--board", "nanwan", "--period", "2026-Q4"]) == 0
    assert main(["new", "finance", "--board", "nanwan", "--period", "2026-Q4"]) == 1  # NewConflict: it exists
    assert "已经存在" in capsys.readouterr().err


def test_a_settings_error_exits_2_naming_the_key(site, capsys):
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nGONGKAI_LATEST = 0\n", encoding="utf-8")
    assert main(["check"]) == 2
    assert capsys.readouterr().err.startswith("设置错误 GONGKAI_LATEST: 应为正整数")


def test_a_usage_error_exits_2(site, capsys):
    assert main(["check", "nowhere"]) == 2
    assert "gongkai check: 找不到公告目录 nowhere" in capsys.readouterr().err


def test_settings_lists_value_default_and_source(site, capsys, monkeypatch):
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nGONGKAI_PAPER = 'A3'\nGONGKAI_TODAY = None\n",
                        encoding="utf-8")
    assert main(["settings", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert (rows["GONGKAI_PAPER"]["value"], rows["GONGKAI_PAPER"]["default"]) == ("A3", "A4")
    assert rows["GONGKAI_PAPER"]["source"] == "设置文件 pelicanconf.py"
    assert (rows["GONGKAI_TODAY"]["value"], rows["GONGKAI_TODAY"]["source"]) == (TODAY, "环境变量 GONGKAI_TODAY")
    assert (rows["GONGKAI_LATEST"]["value"], rows["GONGKAI_LATEST"]["source"]) == (5, "默认值")
    assert all(r["help"] for r in rows.values())
    monkeypatch.delenv("GONGKAI_TODAY")
    assert main(["settings"]) == 0
    text = capsys.readouterr().out
    assert "GONGKAI_PAPER = 'A3'\n    来源：设置文件 pelicanconf.py；默认：'A4'" in text
    assert "GONGKAI_TODAY = None\n    来源：默认值" in text and text.endswith("设置没有发现错误。\n")


def test_settings_shows_the_values_then_the_error(site, capsys):
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nGONGKAI_PDF = 'yes'\n", encoding="utf-8")
    assert main(["settings"]) == 2
    out, err = capsys.readouterr()
    assert "GONGKAI_PDF = 'yes'" in out and err.startswith("设置错误 GONGKAI_PDF")


def test_progress_is_quiet_off_a_terminal(site, capsys):
    with progress("正在检查公告") as update:
        assert update is None
    assert main(["check"]) == 0
    assert capsys.readouterr().err == ""


def test_progress_on_a_terminal_follows_the_callback(monkeypatch):
    monkeypatch.setattr("gongkai.cli.common.on_terminal", lambda: True)
    with progress("正在读取和检查文件", "正在生成网页") as update:
        update(3, 10)
        update(10, 10)
