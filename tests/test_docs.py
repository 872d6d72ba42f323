"""The documentation keeps up with the code: every setting and command is documented."""

import re

from conftest import ROOT
from gongkai.cli import _parser
from gongkai.config import SETTINGS


def _commands() -> list[str]:
    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command")  # argparse keeps subcommands here
    return list(sub.choices)


def test_every_setting_is_in_the_admin_guide():
    admin = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in admin]
    assert missing == []


def test_every_command_is_documented():
    admin = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "guide-zh.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if f"gongkai {c}" not in admin]
    assert missing == []
    assert [c for c in ("new", "check", "serve", "build", "mask", "fix-encoding") if f"gongkai {c}" not in guide] == []


def test_every_problem_code_is_documented():
    from gongkai.problems import CODES

    admin = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"`{code}`" not in admin] == []


def test_guide_images_exist():
    import re

    guide = (ROOT / "docs" / "guide-zh.md").read_text(encoding="utf-8")
    guide = re.sub(r"^( *)```.*?^\1```", "", guide, flags=re.MULTILINE | re.DOTALL)  # examples in code are not images
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", guide)
    assert images and all((ROOT / "docs" / image).is_file() for image in images)


def test_the_settings_table_is_the_schema():
    from gongkai.cli.settings import markdown_table

    admin = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
    assert markdown_table() in admin, "regenerate the table with: gongkai settings --format markdown"


def test_every_setting_has_help_and_an_example_its_reader_accepts():
    import ast

    from gongkai.config import SETTINGS

    earlier: dict = {}
    for setting in SETTINGS:
        assert setting.help and setting.type
        earlier[setting.name] = setting.value(ast.literal_eval(setting.example), earlier)


def test_the_readme_names_every_module_and_no_other():
    package = ROOT / "plugins" / "gongkai"
    modules = {p.name for p in package.glob("*.py")} | {f"{p.name}/" for p in package.iterdir()
                                                         if p.is_dir() and not p.name.startswith("__")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", readme, re.M)) - {"module"}
    assert listed == modules
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    assert modules <= set(re.findall(r"^\| `([^`]+)` \|", design, re.M))
