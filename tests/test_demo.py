"""The embedded demo township: complete, clean, and showing every status."""

import json

from conftest import ROOT, run_gongkai


def test_demo_checks_clean_with_every_status():
    result = run_gongkai("check", "--format", "json", cwd=ROOT, today=None)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    report = json.loads(result.stdout)
    assert [p for p in report["problems"] if p["severity"] == "error"] == []
    statuses = {(s["board"], s["category"]): s["status"] for s in report["sections"]}
    assert set(statuses.values()) == {"current", "due", "overdue"}
    assert statuses[("township", "finance")] == "due"
    assert statuses[("hexi", "finance")] == "overdue"
    assert statuses[("beishan", "finance")] == "overdue"
    assert statuses[("liujiazhuang", "major-matters")] == "current"  # event cycle: a nil return in September
    assert statuses[("township", "service-guides")] == "overdue"  # review cycle
    assert statuses[("nanwan", "major-matters")] == "current"


def test_demo_has_four_villages_every_category_and_two_years():
    report = json.loads(run_gongkai("check", "--format", "json", cwd=ROOT, today=None).stdout)
    boards = {s["board"] for s in report["sections"]}
    assert len(boards - {"township"}) >= 4
    assert {s["category"] for s in report["sections"]} == {
        "finance", "subsidies", "low-income-aid", "major-matters", "service-guides"}
    years = {s["latest_date"][:4] for s in report["sections"] if s["latest_date"]}
    assert report["notices"] >= 100
    assert {"2026"} <= years
    dates = sorted(p.name for p in (ROOT / "content" / "township" / "finance").glob("*.md"))
    assert dates[0].startswith("2025") and dates[-1].startswith("2026")


def test_demo_builds_with_a_page_per_notice(demo):
    report = json.loads((demo.output / "status.json").read_text(encoding="utf-8"))
    pages = [p for p in demo.output.rglob("*.html") if p.parent.parent.parent == demo.output]
    assert len(pages) >= 140
    assert report["today"] == "2026-11-08"
    assert (demo.output / "pages" / "about.html").is_file()
    assert not (demo.output / "township" / "finance" / "2026-10.html").exists()  # the draft


def _summary(site):
    return site.problems, site.notices, sorted(site.held_back), {k: v.digest for k, v in site.sources.items()}


def test_reading_on_every_core_gives_the_same_result():
    from gongkai.config import load
    from gongkai.pipeline import read_site

    _, config = load(ROOT / "pelicanconf.py")
    assert _summary(read_site(config, parallel_from=1)) == _summary(read_site(config, parallel_from=10**9))


def test_workers_started_with_spawn_read_the_same_site():
    """Windows has only ``spawn``: the workers get everything through the executor's initializer."""
    import multiprocessing

    from gongkai.config import load
    from gongkai.pipeline import read_site

    _, config = load(ROOT / "pelicanconf.py")
    serial = _summary(read_site(config, render=True, parallel_from=10**9))
    method = multiprocessing.get_start_method()
    multiprocessing.set_start_method("spawn", force=True)
    try:
        spawned = read_site(config, render=True, parallel_from=1)
    finally:
        multiprocessing.set_start_method(method, force=True)
    assert _summary(spawned) == serial
    assert len(spawned.bodies) == len(spawned.notices) > 100
