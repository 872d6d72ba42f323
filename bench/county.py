"""Benchmark of a county site: 30 townships × 25 villages, each township a separate site.

    .venv/bin/python bench/county.py [--townships 30] [--villages 25] [--runs 3] [--search]

1. generates each township with bench/generate.py's township (one year of
   history, enough notices for the villages asked; a seed per township), under
   ``bench/work/county/t<NN>/`` (reused while the generator is unchanged);
2. builds each with ``gongkai build`` (without the search index unless
   ``--search``: it does not change what the county reads), two at a time;
3. serves every township's output over HTTP on 127.0.0.1 (a thread of
   ``http.server``), as their own web servers would;
4. builds the county site over them ``--runs`` times with ``gongkai build``
   and reports the wall time of each: reading 30 status.json files over HTTP,
   scoring, and writing the county's pages, county.json and feed.

Target (issue 15): the county build under 10 s on 2 cores. The figures are
written to ``bench/work/county/result.json`` and printed as a Markdown table
row for docs/performance.md.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402 - the township generator, beside this file

GONGKAI = str(Path(sys.executable).with_name("gongkai"))
WORK = BENCH / "work" / "county"
NAMES = "东西南北中上下前后左右"


def township_notices(villages: int) -> int:
    """Notices that make bench/generate.py's township have ``villages`` villages, with one year of history."""
    per_village = 8 + 4 + 4 + 5
    return 12 + 6 + len(generate.GUIDES) + (villages - 1) * per_village * generate.YEARS_BACK + 1


def make_township(index: int, villages: int, search: bool) -> Path:
    """Generate (if needed) and build township ``index``; its output folder."""
    root = WORK / f"t{index:02d}"
    marker = root / "corpus.json"
    notices = township_notices(villages)
    wanted = {"generator": generate.generator_digest(), "notices_asked": notices, "search": search}
    if not marker.exists() or json.loads(marker.read_text(encoding="utf-8")).get("asked") != wanted:
        info = generate.generate(notices, root, seed=index)
        assert info["villages"] == villages, (info["villages"], villages)
        site = root / "gongkai" / "pelicanconf.py"
        name = f"{NAMES[index % len(NAMES)]}{index:02d}镇"
        text = site.read_text(encoding="utf-8").replace('SITENAME = "青石岭镇村务政务公开"', f'SITENAME = "{name}村务政务公开"')
        site.write_text(text + ("" if search else "\nGONGKAI_SEARCH = False\n"), encoding="utf-8")
        info["asked"] = wanted
        info["name"] = name
        marker.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        result = subprocess.run([GONGKAI, "build"], cwd=root / "gongkai", capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"township {index} failed to build:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return root / "gongkai" / "output"


def _children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes: a build's own work, whatever the load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--villages", type=int, default=25)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--search", action="store_true", help="build the townships with their search index")
    args = parser.parse_args(argv)
    generate.YEARS_BACK = 1  # a year of history: the county reads statuses, not notices

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(lambda i: make_township(i, args.villages, args.search), range(1, args.townships + 1)))
    prepared = time.perf_counter() - started
    print(f"{args.townships} townships of {args.villages} villages ready in {prepared:.0f} s", flush=True)

    handler = functools.partial(_Quiet, directory=str(WORK))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    county = WORK / "county-site"
    county.mkdir(parents=True, exist_ok=True)
    townships = []
    for i, output in enumerate(outputs, 1):
        info = json.loads((WORK / f"t{i:02d}" / "corpus.json").read_text(encoding="utf-8"))
        townships.append({"slug": f"t{i:02d}", "name": info["name"],
                          "status": f"{base}/{output.relative_to(WORK).as_posix()}/status.json"})
    (county / "pelicanconf.py").write_text(
        f'SITENAME = "示范县村务政务公开"\nTIMEZONE = "Asia/Shanghai"\nGONGKAI_TODAY = "{generate.TODAY.isoformat()}"\n'
        f"GONGKAI_TOWNSHIPS = {json.dumps(townships, ensure_ascii=False, indent=1)}\n", encoding="utf-8")
    times, cpu = [], []
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_TODAY"}
    try:
        for run in range(args.runs):
            start, used = time.perf_counter(), _children_cpu()
            result = subprocess.run([GONGKAI, "build"], cwd=county, capture_output=True, text=True, env=env)
            times.append(time.perf_counter() - start)
            cpu.append(_children_cpu() - used)
            if result.returncode != 0:
                raise SystemExit(f"county build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
            print(f"county build {run + 1}: {times[-1]:.2f} s wall, {cpu[-1]:.2f} s CPU", flush=True)
    finally:
        server.shutdown()
        server.server_close()
    data = json.loads((county / "output" / "county.json").read_text(encoding="utf-8"))
    sections = sum(len(b.get("boards", [])) for b in data["townships"])
    pages = sum(1 for _ in (county / "output").rglob("*.html"))
    size = (county / "output" / "index.html").stat().st_size
    load = os.getloadavg()[0]
    figures = {"townships": args.townships, "villages": args.villages, "boards": sections,
               "overdue": len(data["overdue"]), "runs": [round(t, 2) for t in times],
               "median_s": round(statistics.median(times), 2),
               "cpu_s": [round(t, 2) for t in cpu], "pages": pages, "home_bytes": size,
               "cores": os.cpu_count(), "load_1min": round(load, 2)}
    (WORK / "result.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False))
    print(f"| {args.townships} × {args.villages} | {sections} | {len(data['overdue'])} | "
          f"{' / '.join(f'{t:.2f}' for t in times)} | {figures['median_s']:.2f} s | {statistics.median(cpu):.2f} s | "
          f"{size / 1024:.0f} KB | {load:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
