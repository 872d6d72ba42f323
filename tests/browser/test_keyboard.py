"""A reader without a mouse: the skip link comes first, and focus can always be seen."""

from __future__ import annotations

import pytest

PAGES = {
    "home": "/index.html",
    "board": "/township/index.html",
    "notice": "/nanwan/finance/2026-q2.html",
}
CASES = [pytest.param(path, width, id=f"{name}-{width}") for name, path in PAGES.items() for width in (360, 1280)]

# What the reader can see of the element that has focus. Focus is shown when
# the element, or a box round it (a card lit up by :focus-within), has an
# outline or a shadow that it does not have once focus leaves.
FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const chain = [el];
  while (chain.length < 4 && chain.at(-1).parentElement && chain.at(-1).parentElement !== document.body) {
    chain.push(chain.at(-1).parentElement);
  }
  const clear = (c) => c === 'transparent' || /^rgba\\(.*,\\s*0\\)$/.test(c);
  const ring = (node) => {
    const s = getComputedStyle(node);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !clear(s.outlineColor)
      ? `outline ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : '';
    const shadow = s.boxShadow !== 'none' ? `box-shadow ${s.boxShadow}` : '';
    return [outline, shadow].filter(Boolean).join('; ');
  };
  const withFocus = chain.map(ring);
  el.blur();
  const without = chain.map(ring);
  el.focus();  // after a key press the browser shows :focus-visible again
  const shown = withFocus.filter((look, i) => look && look !== without[i]);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    href: el.getAttribute('href'),
    text: (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 40),
    inMain: !!el.closest('main'),
    stillFocused: document.activeElement === el,
    onScreen: box.width >= 10 && box.height >= 10 && box.left >= 0 && box.top >= 0
      && box.right <= window.innerWidth + 1 && box.bottom <= window.innerHeight + 1,
    focusShown: shown.length > 0,
    looks: withFocus[0] || 'no outline, no box-shadow',
  };
}"""


def focused(tab) -> dict:
    return tab.page.evaluate(FOCUSED)


@pytest.mark.parametrize(("path", "width"), CASES)
def test_skip_link_comes_first_and_jumps_to_the_content(page, path, width):
    tab = page(width)
    tab.goto(path)
    tab.page.keyboard.press("Tab")
    first = focused(tab)
    assert (first["tag"], first["href"]) == ("a", "#main"), f"the first Tab lands on {first}, not the skip link"
    assert first["text"] == "跳到正文"
    assert first["onScreen"], "the focused skip link is not shown on screen"

    tab.page.keyboard.press("Enter")
    assert focused(tab)["id"] == "main", "the skip link does not move focus to <main>"
    assert tab.page.url.endswith("#main")
    tab.page.keyboard.press("Tab")
    after = focused(tab)
    assert after["inMain"], f"after the skip link the next Tab goes to {after}, outside the content"


@pytest.mark.parametrize(("path", "width"), CASES)
def test_focus_is_visible_on_links(page, path, width):
    """Tab through the header and into the content: every focused link shows a ring or bar."""
    tab = page(width)
    tab.goto(path)
    links = []
    for _ in range(40):  # the header, then a few links of the content
        tab.page.keyboard.press("Tab")
        now = focused(tab)
        if now["tag"] == "a":
            links.append(now)
        if sum(link["inMain"] for link in links) >= 3:
            break
    assert sum(link["inMain"] for link in links) >= 3, f"Tab reached only these links: {[x['text'] for x in links]}"
    assert all(link["stillFocused"] for link in links)
    unseen = [f"{link['text']!r} ({link['looks']})" for link in links if not link["focusShown"]]
    assert unseen == [], "links with no visible focus"
