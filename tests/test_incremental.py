"""Builds after a change: only what changed changes, and the result is what a clean build gives.

Every scenario builds a site, changes something as a clerk or an
administrator would, builds again, and then compares the output file by file
with a clean build of the same sources (a fresh copy: no cache, no output):
an incremental build that left a stale page behind, or removed one it
should have kept, fails here. Modification times show which files a build
rewrote. Pagefind's index is left out: ``test_search.py`` covers it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import copy_site, run_gongkai

SKIP = ("pagefind/",)


def _files(output: Path) -> dict[str, tuple[bytes, int]]:
    found = {}
    for path in output.rglob("*"):
        rel = path.relative_to(output).as_posix()
        if path.is_file() and not rel.startswith(SKIP):
            found[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def _build(root: Path, today: str = "2026-11-22") -> dict[str, tuple[bytes, int]]:
    done = run_gongkai("build", cwd=root, today=today)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return _files(root / "output")


def _clean(site_root: Path, tmp: Path, today: str = "2026-11-22") -> dict[str, bytes]:
    fresh = tmp / f"clean-{time.monotonic_ns()}"
    shutil.copytree(site_root, fresh, ignore=shutil.ignore_patterns("output", "cache"))
    return {rel: data for rel, (data, _) in _build(fresh, today).items()}


def _rewritten(before: dict, after: dict) -> set[str]:
    return {rel for rel, (_, mtime) in after.items() if rel not in before or before[rel][1] != mtime}


def _same_as_clean(after: dict, clean: dict) -> None:
    assert sorted(after) == sorted(clean)
    different = [rel for rel in clean if after[rel][0] != clean[rel]]
    assert not different


@pytest.fixture
def site(tmp_path):
    site = copy_site("minimal", tmp_path)
    (site.root / "pelicanconf.py").open("a", encoding="utf-8").write('\nSITEURL = "https://gongkai.example.org"\n')
    return site


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    time.sleep(0.01)


def test_a_build_with_nothing_changed_writes_nothing(site):
    first = _build(site.root)
    time.sleep(0.05)
    done = run_gongkai("build", cwd=site.root)
    assert "其中 0 个有改动" in done.stdout, done.stdout
    made = int(re.search(r"本次生成 (\d+) 个文件", done.stdout).group(1))
    # Notice, section, board and print pages were not rendered again: made from the same inputs.
    keyed = [name for name in first if name.endswith(".html") and (name.startswith("print/") or name.startswith(("nanwan/", "township/")))]
    assert len(keyed) >= 12
    assert made <= len(first) - len(keyed)
    second = _files(site.root / "output")
    assert _rewritten(first, second) == set()
    assert {rel: data for rel, (data, _) in second.items()} == {rel: data for rel, (data, _) in first.items()}


def test_an_edited_notice_changes_the_pages_that_show_it_and_no_other(site, tmp_path):
    first = _build(site.root)
    notice = site.root / "content/nanwan/finance/2026-q3.md"
    text = notice.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    _edit(notice, title, title + "（修订）")
    second = _build(site.root)
    rewritten = _rewritten(first, second)
    assert "nanwan/finance/2026-q3.html" in rewritten           # the notice
    assert "nanwan/finance/index.html" in rewritten             # its section lists the title
    assert "nanwan/index.html" in rewritten                     # its board lists the latest
    assert "feeds/nanwan/finance.atom.xml" in rewritten         # and the feeds
    assert "township/major-matters/2026-11-01-road.html" not in rewritten  # another board's notice
    assert not any(rel.startswith("theme/") for rel in rewritten)
    assert "（修订）" in (site.output / "nanwan/finance/2026-q3.html").read_text(encoding="utf-8")
    _same_as_clean(second, _clean(site.root, tmp_path))


def test_the_next_day_rewrites_pages_whose_day_matters_only(site, tmp_path):
    first = _build(site.root, "2026-11-22")
    second = _build(site.root, "2026-11-23")
    rewritten = _rewritten(first, second)
    assert {"status/index.html", "index.html", "nanwan/finance/index.html"} <= rewritten  # days overdue: one more
    assert "township/major-matters/2026-11-01-road.html" in rewritten  # its 公示期 ended on the 22nd
    assert not rewritten & {"nanwan/finance/2026-q1.html", "nanwan/finance/2026-q2.html", "nanwan/finance/2026-q3.html",
                            "township/major-matters/2026-05-withdrawn.html"}
    _same_as_clean(second, _clean(site.root, tmp_path, "2026-11-23"))


def test_a_renamed_or_refused_notice_leaves_no_page_behind(site, tmp_path):
    _build(site.root)
    old = site.root / "content/nanwan/finance/2026-q2.md"
    old.rename(old.with_name("2026-q2-renamed.md"))
    renamed = _build(site.root)
    assert "nanwan/finance/2026-q2.html" not in renamed
    assert "nanwan/finance/2026-q2-renamed.html" in renamed
    _same_as_clean(renamed, _clean(site.root, tmp_path))

    notice = site.root / "content/nanwan/finance/2026-q3.md"
    _edit(notice, "\n---\n", "\n---\n\n身份证号 11010519491231002X\n")  # an error: the file is held back
    held = _build(site.root)
    assert "nanwan/finance/2026-q3.html" not in held
    assert not any("11010519491231002X" in data.decode("utf-8", "replace") for data, _ in held.values())
    _same_as_clean(held, _clean(site.root, tmp_path))


def test_a_changed_template_or_setting_remakes_every_page(site, tmp_path):
    from gongkai.theme import THEME_DIR

    theme = site.root / "mytheme"
    shutil.copytree(THEME_DIR, theme, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    conf = site.root / "pelicanconf.py"
    conf.open("a", encoding="utf-8").write('\nTHEME = "mytheme"\n')
    first = _build(site.root)
    _edit(theme / "templates/base.html", "<body ", "<body data-edited ")
    second = _build(site.root)
    pages = {rel for rel in second if rel.endswith(".html")}
    assert pages <= _rewritten(first, second)
    _same_as_clean(second, _clean(site.root, tmp_path))

    _edit(conf, 'SITEURL = "https://gongkai.example.org"', 'SITEURL = "https://gongkai.example.net"')
    third = _build(site.root)
    assert "gongkai.example.net" in (site.output / "nanwan/finance/2026-q3.html").read_text(encoding="utf-8")
    _same_as_clean(third, _clean(site.root, tmp_path))


def test_a_deleted_output_page_is_made_again(site):
    _build(site.root)
    page = site.output / "nanwan/finance/2026-q1.html"
    before = page.read_bytes()
    page.unlink()
    _build(site.root)
    assert page.read_bytes() == before


def test_files_put_in_output_by_hand_are_removed_unless_retained(site):
    _build(site.root)
    stray = site.output / "nanwan/finance/old-copy.html"
    stray.write_text("<p>旧页面</p>", encoding="utf-8")
    kept = site.output / ".well-known/security.txt"
    kept.parent.mkdir()
    kept.write_text("Contact: mailto:gk@example.org\n", encoding="utf-8")
    (site.root / "pelicanconf.py").open("a", encoding="utf-8").write('\nOUTPUT_RETENTION = [".well-known"]\n')
    _build(site.root)
    assert not stray.exists()
    assert kept.is_file()


def test_an_unchanged_page_keeps_its_compressed_copies(site):
    (site.root / "pelicanconf.py").open("a", encoding="utf-8").write("\nGONGKAI_PRECOMPRESS = True\n")
    first = _build(site.root)
    assert "nanwan/finance/2026-q1.html.gz" in first
    copy = site.output / "nanwan/finance/2026-q1.html.br"
    os.utime(copy, ns=(1, 1))  # not its page's time: made again (it could have been edited by hand)
    second = _build(site.root)
    assert copy.stat().st_mtime_ns == (site.output / "nanwan/finance/2026-q1.html").stat().st_mtime_ns  # a copy carries its page's time
    assert _rewritten(first, second) == set()


def test_two_clean_builds_of_the_same_sources_are_the_same_bytes(tmp_path):
    """Reproducible: another process, another hash seed, another folder, the same files. Pagefind's own
    metadata and filter indexes are the exception: Pagefind 1.5 writes them in hash-map order, so their
    names and bytes change from run to run (Pagefind #638); its fragments and word index do not."""
    outputs = []
    for seed in ("1", "2"):
        site = copy_site("minimal", tmp_path / f"seed{seed}")
        os.environ["PYTHONHASHSEED"] = seed
        try:
            done = run_gongkai("build", cwd=site.root)
        finally:
            del os.environ["PYTHONHASHSEED"]
        assert done.returncode == 0, done.stderr
        outputs.append({p.relative_to(site.output).as_posix(): p.read_bytes() for p in site.output.rglob("*")
                        if p.is_file() and not p.name.endswith((".pf_meta", ".pf_filter")) and p.name != "pagefind-entry.json"})
    assert sorted(outputs[0]) == sorted(outputs[1])
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []
    assert any(name.startswith("pagefind/") for name in outputs[0])  # the index's fragments are compared too


def test_a_replaced_attachment_remakes_the_pages_that_list_it(tmp_path):
    """A notice page lists its files with their sizes: a bigger scan of the same name changes it."""
    from test_attachments import pdf_bytes, scenario

    site = scenario(tmp_path)
    first = _build(site.root)
    pdf = site.root / "content/nanwan/finance/2026-q3-approval.pdf"
    pdf.write_bytes(pdf_bytes() + b"%" + b"x" * 5000 + b"\n")
    second = _build(site.root)
    rewritten = _rewritten(first, second)
    assert {"nanwan/finance/2026-q3.html", "nanwan/finance/2026-q3-approval.pdf"} <= rewritten
    _same_as_clean(second, _clean(site.root, tmp_path))
