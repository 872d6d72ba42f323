"""Names a clerk recognises: the codes ``init`` gives villages, and suggestions that name boards in Chinese.

Also where ``init`` writes the site's address: in pelicanconf.py only, so
that nothing overrides the real one with an example.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_gongkai
from gongkai.starter import InitError, boards_for


@pytest.mark.parametrize(("name", "code"), [
    ("长岭村", "changling"), ("朝阳村", "chaoyang"), ("单家村", "shanjia"), ("翟家庄村", "zhaijiazhuang"),
    ("上长岭村", "shangchangling"), ("南湾村", "nanwan"), ("刘家庄村", "liujiazhuang"), ("红星二村", "hongxinger"),
    ("长安社区", "changan"), ("石桥村村民委员会", "shiqiao"),
])
def test_place_names_read_as_people_there_say_them(name, code):
    assert [b.slug for b in boards_for([name])] == [code]


def test_villages_that_read_alike_get_numbered_codes_and_a_note():
    boards = boards_for(["李庄村", "黎庄村", "里庄村"])
    assert [b.slug for b in boards] == ["lizhuang", "lizhuang-2", "lizhuang-3"]
    assert boards[0].note == ""
    assert boards[1].note.startswith("黎庄村与李庄村的拼音相同（lizhuang），黎庄村用 lizhuang-2")
    assert "--village 黎庄村=代码" in boards[1].note


def test_given_codes_are_kept_and_checked():
    boards = boards_for(["长岭村=CL", "李庄村", "黎庄村=lizhuang"])
    assert [(b.name, b.slug) for b in boards] == [("长岭村", "cl"), ("李庄村", "lizhuang-2"), ("黎庄村", "lizhuang")]
    assert "黎庄村" in boards[1].note
    for bad, words in [(["长岭村=长岭"], "只能用小写英文字母"), (["长岭村="], "等号后面缺少代码"),
                       (["长岭村=a", "朝阳村=a"], "已经给了长岭村"), (["长岭村=township"], "乡政府公开栏"),
                       (["长岭村=a", "长岭村=b"], "两个代码")]:
        with pytest.raises(InitError, match=words):
            boards_for(bad)


def test_init_prints_the_codes_writes_the_address_once_and_checks_clean(tmp_path):
    result = run_gongkai("init", "qs", "--township", "青山镇", "--village", "长岭村 朝阳村", "--village", "单家村=sjc",
                         "--siteurl", "https://gongkai.qingshan.gov.cn/", "--phone", "0371-63851234", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    codes = dict(re.findall(r"^  ([\u4e00-\u9fff]+)　* ([a-z0-9-]+)$", result.stdout, re.M))
    assert codes == {"青山镇人民政府": "township", "长岭村": "changling", "朝阳村": "chaoyang", "单家村": "sjc"}
    assert "注意" not in result.stdout
    site = tmp_path / "qs"
    conf = (site / "pelicanconf.py").read_text(encoding="utf-8")
    assert re.findall(r"^SITEURL = (.*)$", conf, re.M) == ['"https://gongkai.qingshan.gov.cn"']
    assert '"监督电话": "0371-63851234"' in conf
    assert not re.search(r"^SITEURL", (site / "publishconf.py").read_text(encoding="utf-8"), re.M)
    assert (site / "content" / "changling").is_dir()
    check = run_gongkai("check", "--format", "json", cwd=site)
    assert check.returncode == 0 and json.loads(check.stdout)["problems"] == []


def test_init_without_an_address_or_contact_says_what_publish_will_need(tmp_path):
    result = run_gongkai("init", "qs", "--township", "青山镇", "--village", "长岭村", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "还没有填写网站的正式地址" in result.stdout and "还没有填写监督电话" in result.stdout
    site = tmp_path / "qs"
    problems = json.loads(run_gongkai("check", "--format", "json", cwd=site).stdout)["problems"]
    assert {(p["file"], p["severity"], p["code"]) for p in problems} == {("pelicanconf.py", "warning", "placeholder")}
    assert len(problems) == 2
    lines = (site / "pelicanconf.py").read_text(encoding="utf-8").splitlines()
    for problem in problems:  # each on the line a clerk has to change
        assert ("SITEURL" if "SITEURL" in problem["message"] else "（请填写") in lines[problem["line"] - 1]
    done = run_gongkai("publish", "--to", str(tmp_path / "www"), cwd=site)
    assert done.returncode == 1 and "SITEURL" in done.stderr and "监督电话" in done.stderr
    assert not (tmp_path / "www").exists()


def test_init_refuses_an_example_or_malformed_address(tmp_path):
    for url in ("https://gongkai.example.gov.cn", "gongkai.qingshan.gov.cn"):
        result = run_gongkai("init", "qs", "--township", "青山镇", "--village", "长岭村", "--siteurl", url, cwd=tmp_path)
        assert result.returncode == 2 and url in result.stderr
        assert not (tmp_path / "qs").exists()


def test_suggestions_name_the_board_and_category_in_chinese_first(tmp_path):
    assert run_gongkai("init", "qs", "--township", "青山镇", "--village", "长岭村", "--village", "朝阳村",
                       cwd=tmp_path).returncode == 0
    site = tmp_path / "qs"
    new = run_gongkai("new", "finance", "--board", "changlin", cwd=site)
    assert new.returncode == 2 and "是否想写 长岭村（changling）？" in new.stderr
    assert "可用的公开栏：青山镇人民政府（township）、长岭村（changling）、朝阳村（chaoyang）。" in new.stderr
    category = run_gongkai("new", "财务公", "--board", "长岭村", cwd=site)
    assert category.returncode == 2 and "是否想写 财务公开（finance）？" in category.stderr
    elsewhere = run_gongkai("new", "惠农补贴", "--board", "township", cwd=site)
    assert "它的栏目有：财务公开（finance）、重大事项（major-matters）、办事指南（service-guides）。" in elsewhere.stderr
    (site / "content" / "changling" / "finance" / "typo.md").write_text(
        "---\ntitle: 长岭村财务公开\nboard: 长林村\ncategory: finance\ndate: 2026-11-05\nperiod: 2026-10\n---\n正文。\n",
        encoding="utf-8")
    problems = json.loads(run_gongkai("check", "--format", "json", cwd=site).stdout)["problems"]
    typo = next(p for p in problems if p["code"] == "board.unknown")
    assert typo["line"] == 3 and "是否想写 长岭村（changling）？" in typo["message"]
