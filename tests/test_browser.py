"""The HTML viewer in a real browser: headless Chromium driven by playwright.

Chromium comes from Debian (``make browser-deps``, run by ``make test``, installs
``chromium`` and ``chromium-driver`` when missing); playwright is launched on
``/usr/bin/chromium`` and never downloads a browser of its own. The tests skip,
saying why, only where Chromium or playwright is not installed.
Set ``ARGMAP_SCREENSHOT=FILE.png`` to save a screenshot of the seed map.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import argmap

from .browser_deps import CHROMIUM, ensure_chromium
from .mapfixtures import HOSTILE_IMG, HOSTILE_LINK, HOSTILE_SCRIPT, SEEDS, tiny_map

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = ensure_chromium()
    if reason:
        pytest.skip(f"Chromium cannot be installed: {reason}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


class Page:
    """A page with everything the tests watch: console errors, requests and dialogs."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url == self.url else route.abort(),
        )
        self.page.goto(self.url)
        self.page.wait_for_function("window.argmapViewer !== undefined", timeout=15000)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visible_rows(self, expected: list[str] | None = None, timeout: float = 10.0) -> list[str]:
        """The ids of the rows shown; with ``expected``, wait up to ``timeout`` s for them."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.page.eval_on_selector_all(
                "#claims tbody tr",
                "rows => rows.filter(r => !r.hidden).map(r => r.dataset.claimId)",
            )
            if expected is None or rows == expected or time.monotonic() > deadline:
                return rows
            self.page.wait_for_timeout(50)

    def visible_nodes(self, expected: int, timeout: float = 10.0) -> int:
        """How many claim nodes the graph shows, waiting up to ``timeout`` s for ``expected``
        (polled from here: the page's policy forbids evaluating strings in it)."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.page.evaluate("argmapViewer.cy.nodes('[kind = \"claim\"]:visible').length")
            if shown == expected or time.monotonic() > deadline:
                return int(shown)
            self.page.wait_for_timeout(50)

    def offline_and_clean(self) -> None:
        assert self.errors == []
        assert self.requests == [self.url]
        assert self.dialogs == []


@pytest.fixture(scope="module")
def seed_page(
    browser: Any, tmp_path_factory: pytest.TempPathFactory, seed_build: Any
) -> Iterator[tuple[Page, argmap.ArgumentMap]]:
    amap = argmap.load(seed_build[0])
    path = tmp_path_factory.mktemp("html") / "seeds.html"
    amap.export("html", path, raw=SEEDS, title="argmap: seed articles")
    page = Page(browser, path)
    yield page, amap
    page.page.close()


def test_graph_renders_every_node_offline(seed_page):
    page, amap = seed_page
    factions = {f for c in amap.claim_list for f in c.factions}
    assert page.page.evaluate("argmapViewer.cy.nodes().length") == len(amap.claim_list) + len(
        factions
    )
    assert page.page.evaluate("argmapViewer.cy.nodes(':visible').length") == len(
        amap.claim_list
    ) + len(factions)
    assert len(page.visible_rows()) == len(amap.claim_list)
    page.offline_and_clean()


def test_filter_changes_visible_claims(seed_page):
    page, amap = seed_page
    loyal = [c.id for c in amap.claims(stance="loyal")]
    assert 0 < len(loyal) < len(amap.claim_list)
    page.page.select_option("#f-stance", "loyal")
    assert page.visible_rows(loyal) == loyal
    # the graph follows the table (waited for: a loaded machine draws late)
    assert page.visible_nodes(len(loyal)) == len(loyal)
    page.page.fill("#f-text", "regime")
    expected = [c.id for c in amap.claims(stance="loyal", text="regime")]
    assert page.visible_rows(expected) == expected
    page.page.select_option("#f-stance", "")
    page.page.fill("#f-text", "")
    page.page.fill("#f-source", "author")
    author = [c.id for c in amap.claims(source="author")]
    assert page.visible_rows(author) == author
    source = next(c.source for c in amap.claim_list if c.source)
    page.page.fill("#f-source", source.upper())
    sourced = [c.id for c in amap.claims(source=source)]
    assert page.visible_rows(sourced) == sourced
    page.page.fill("#f-source", "")
    every = [c.id for c in amap.claim_list]
    assert sorted(page.visible_rows(every)) == sorted(every)
    page.offline_and_clean()


def test_clicking_a_claim_highlights_its_sentence(seed_page):
    page, amap = seed_page
    claim = amap.claim_list[len(amap.claim_list) // 2]
    page.page.click(f'#claims tbody tr[data-claim-id="{claim.id}"]')
    assert page.page.text_content("#highlight") == claim.text
    doc = next(d for d in amap.documents if d.doc_id == claim.doc_id)
    text = (SEEDS / Path(doc.path).name).read_text(encoding="utf-8")
    assert page.page.text_content("#article-text") == text
    before = page.page.evaluate(
        "(() => { const m = document.getElementById('highlight'); let n = 0, x = m.previousSibling;"
        " while (x) { n += x.textContent.length; x = x.previousSibling; } return n; })()"
    )
    assert before == claim.start
    assert page.page.is_visible("#highlight")
    assert page.page.evaluate("argmapViewer.cy.$(':selected').map(n => n.id())") == [claim.id]
    shot = os.environ.get("ARGMAP_SCREENSHOT")
    if shot:
        page.page.screenshot(path=shot)
    page.offline_and_clean()


def test_hostile_article_text_runs_no_script(browser, tmp_path):
    amap = tiny_map()
    path = tmp_path / "hostile.html"
    amap.export("html", path, title="hostile " + HOSTILE_SCRIPT)
    page = Page(browser, path)
    try:
        for claim in amap.claim_list:
            page.page.click(f'#claims tbody tr[data-claim-id="{claim.id}"]')
            assert page.page.text_content("#highlight") == claim.text
        page.page.mouse.click(200, 200)
        counts = page.page.evaluate(
            "({scripts: document.scripts.length, img: document.images.length,"
            " a: document.links.length, iframes: document.querySelectorAll('iframe,object,embed').length})"
        )
        assert counts == {"scripts": 3, "img": 0, "a": 0, "iframes": 0}
        page.page.click(f'#claims tbody tr[data-claim-id="{amap.claim_list[0].id}"]')
        body = page.page.text_content("#article-text")
        assert HOSTILE_IMG in body and HOSTILE_LINK in body
        assert HOSTILE_SCRIPT in page.page.text_content("#claims")
        assert page.page.title() == "hostile " + HOSTILE_SCRIPT
        page.offline_and_clean()
    finally:
        page.page.close()


def test_csp_blocks_injected_scripts(browser, tmp_path):
    path = tmp_path / "csp.html"
    tiny_map().export("html", path)
    page = Page(browser, path)
    try:
        page.page.evaluate(
            "(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
            " document.body.appendChild(s); })()"
        )
        assert page.page.evaluate("window.__ran") is None
        assert any("Content Security Policy" in e for e in page.errors)
        assert page.dialogs == []
    finally:
        page.page.close()


def test_tapping_a_graph_node_selects_its_claim(seed_page):
    page, amap = seed_page
    claim = amap.claim_list[3]
    # void: the collection emit() returns is not worth sending back to Python
    page.page.evaluate(f"void argmapViewer.cy.getElementById({claim.id!r}).emit('tap')")
    assert page.page.text_content("#highlight") == claim.text
    assert page.page.get_attribute("#claims tbody tr.selected", "data-claim-id") == claim.id
    page.offline_and_clean()


def test_related_claims_are_one_click_away(seed_page):
    page, amap = seed_page
    rel = amap.relations[0]
    page.page.click(f'#claims tbody tr[data-claim-id="{rel.source}"]')
    page.page.click(f'#claim-detail button[data-claim-id="{rel.target}"]')
    target = next(c for c in amap.claim_list if c.id == rel.target)
    assert page.page.text_content("#highlight") == target.text
    page.offline_and_clean()


def test_sorting_by_a_column(seed_page):
    page, amap = seed_page
    page.page.click('#claims thead th[data-key="stance"]')
    expected = [c.id for c in sorted(amap.claim_list, key=lambda c: c.stance)]
    assert page.visible_rows(expected) == expected
    page.page.click('#claims thead th[data-key="stance"]')
    first = page.visible_rows()[0]  # descending now: the last stance in order comes first
    last_stance = max(c.stance for c in amap.claim_list)
    assert next(c for c in amap.claim_list if c.id == first).stance == last_stance
    page.offline_and_clean()


def test_keyboard_walks_the_table(seed_page):
    page, amap = seed_page
    page.page.select_option("#f-faction", "fsb")
    rows = page.visible_rows()
    page.page.focus(f'#claims tbody tr[data-claim-id="{rows[0]}"]')
    page.page.keyboard.press("Enter")
    page.page.keyboard.press("ArrowDown")
    second = next(c for c in amap.claim_list if c.id == rows[1])
    assert page.page.text_content("#highlight") == second.text
    page.page.select_option("#f-faction", "")
    page.offline_and_clean()
