"""axe-core in the real browser: no serious or critical accessibility violation on the pages villagers use.

axe-core is installed by ``npm ci --prefix tests/browser`` (``.ci/run`` does
it) and injected into each page. Moderate and minor findings are printed
for whoever runs the test with ``-s``, but only serious and critical ones fail
it: those stop a reader from using the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": "/index.html",
    "board": "/township/index.html",
    "notice": "/nanwan/finance/2026-q2.html",  # balance table, wide tables, QR code
    "open-notice": "/nanwan/low-income-aid/2026-q3.html",  # a 公示期 notice
    "status": "/status/index.html",
    "print": "/print/township.html",
    "print-village": "/print/nanwan.html",
}
CASES = [pytest.param(path, width, id=f"{name}-{width}") for name, path in PAGES.items() for width in (360, 1280)]
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE} is missing): run `npm ci --prefix tests/browser`")
    return AXE


def describe(violation: dict) -> str:
    nodes = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return f"[{violation['impact']}] {violation['id']}: {violation['help']} — {nodes}"


@pytest.mark.parametrize(("path", "width"), CASES)
def test_no_serious_accessibility_violations(page, axe_script, path, width):
    tab = page(width)
    assert tab.goto(path).status == 200
    tab.page.evaluate("document.fonts.ready.then(() => true)")
    tab.page.add_script_tag(path=str(axe_script))
    result = tab.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            print(f"{path} @{width}px (not failing): {describe(violation)}")
    blocking = [describe(v) for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"{path} at {width}px:\n" + "\n".join(blocking)


def test_axe_does_report_a_serious_violation(page, axe_script):
    """The check above can fail: an image without alt text added to a page is reported as critical."""
    tab = page(360)
    tab.goto("/index.html")
    tab.page.evaluate("document.querySelector('main').append(Object.assign(document.createElement('img'), {src: 'x.png'}))")
    tab.page.add_script_tag(path=str(axe_script))
    result = tab.page.evaluate("axe.run(document, {runOnly: ['image-alt']})")
    assert [(v["id"], v["impact"]) for v in result["violations"]] == [("image-alt", "critical")]
