"""Bad settings stop with a message naming the key (exit 2), never a traceback."""

import pytest
from conftest import run_gongkai
from gongkai.config import Config, SettingsError

BASE = {
    "GONGKAI_CATEGORIES": {"finance": {"name": "财务公开", "cycle": "monthly", "grace_days": 10}},
    "GONGKAI_BOARDS": [{"slug": "nanwan", "name": "南湾村", "kind": "village", "categories": ["finance"]}],
}


def settings(**changes):
    values = {k: v for k, v in BASE.items()}
    values.update(changes)
    return values


@pytest.mark.parametrize(("changes", "key", "hint"), [
    ({"GONGKAI_CATEGORIES": {"finance": {"name": "财务", "cycle": "montly"}}},
     "GONGKAI_CATEGORIES['finance']['cycle']", "monthly"),
    ({"GONGKAI_CATEGORIES": {"finance": {"name": "财务", "cycle": "monthly", "grace_days": -1}}},
     "GONGKAI_CATEGORIES['finance']['grace_days']", "非负"),
    ({"GONGKAI_CATEGORIES": {"finance": {"name": "财务", "cycle": "monthly", "grace_day": 3}}},
     "GONGKAI_CATEGORIES['finance']['grace_day']", "grace_days"),
    ({"GONGKAI_CATEGORIES": {"guides": {"name": "办事指南", "cycle": "review"}}},
     "GONGKAI_CATEGORIES['guides']['review_days']", "review_days"),
    ({"GONGKAI_BOARDS": [{"slug": "nanwan", "name": "南湾村", "categories": ["finanse"]}]},
     "GONGKAI_BOARDS[0]['categories']", "finance"),
    ({"GONGKAI_BOARDS": [{"slug": "nanwan", "name": "南湾村", "kind": "town"}]},
     "GONGKAI_BOARDS[0]['kind']", "township"),
    ({"GONGKAI_BOARDS": [{"slug": "nanwan", "name": "南湾村", "cycles": {"finance": "weekly"}}]},
     "GONGKAI_BOARDS[0]['cycles']['finance']['cycle']", "monthly"),
    ({"GONGKAI_BOARDS": [{"slug": "a", "name": "南湾村"}, {"slug": "b", "name": "南湾村"}]},
     "GONGKAI_BOARDS[1]", "重复"),
    ({"GONGKAI_START": "2026-02-30"}, "GONGKAI_START", "不存在"),
    ({"GONGKAI_TODAY": "tomorrow"}, "GONGKAI_TODAY", "2026-11-05"),
    ({"GONGKAI_HOLIDAY": ["2027-01-01"]}, "GONGKAI_HOLIDAY", "GONGKAI_HOLIDAYS"),
    ({"GONGKAI_HOLIDAYS": "2027-01-01"}, "GONGKAI_HOLIDAYS", "日期列表"),
    ({"TIMEZONE": "Asia/Beijing"}, "TIMEZONE", "Asia/Shanghai"),
])
def test_bad_value_names_key_and_fix(changes, key, hint, tmp_path):
    with pytest.raises(SettingsError) as caught:
        Config.from_settings(settings(**changes), tmp_path)
    assert caught.value.key == key
    assert hint in caught.value.message


def test_only_design_keys_are_needed(tmp_path):
    config = Config.from_settings(settings(), tmp_path)
    assert config.start.isoformat() == "2024-01-01"
    assert config.content_dir == tmp_path / "content"


def test_per_board_override_keeps_the_rest_of_the_category(tmp_path):
    boards = [{"slug": "nanwan", "name": "南湾村", "cycles": {"finance": "quarterly"}}]
    config = Config.from_settings(settings(GONGKAI_BOARDS=boards), tmp_path)
    section = config.section("nanwan", "finance")
    assert (section.cycle, section.grace_days, section.name) == ("quarterly", 10, "财务公开")


def test_today_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", "2026-03-01")
    config = Config.from_settings(settings(GONGKAI_TODAY="2026-01-01"), tmp_path)
    assert config.today.isoformat() == "2026-03-01"
    config = Config.from_settings(settings(), tmp_path, today="2026-05-05")
    assert config.today.isoformat() == "2026-05-05"


@pytest.mark.parametrize("command", ["check", "build"])
def test_command_exits_2_naming_the_key(command, minimal):
    conf = minimal.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('"cycle": "event"', '"cycle": "events"'),
                    encoding="utf-8")
    result = run_gongkai(command, cwd=minimal.root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "GONGKAI_CATEGORIES['major-matters']['cycle']" in result.stderr
    assert "是否想写 event" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_settings_file_is_a_usage_error(tmp_path):
    result = run_gongkai("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "找不到设置文件" in result.stderr


def test_syntax_error_in_settings_names_the_line(minimal):
    (minimal.root / "pelicanconf.py").write_text("GONGKAI_START = '2026-01-01'\nGONGKAI_BOARDS = [\n", encoding="utf-8")
    result = run_gongkai("check", cwd=minimal.root)
    assert result.returncode == 2
    assert "pelicanconf.py:" in result.stderr and "语法错误" in result.stderr
