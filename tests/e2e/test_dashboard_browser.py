"""`petarawan serve` in a real browser: the map is usable on a 390 px phone and a 1366 px laptop.

Tester finding 5: the page had no narrow-screen rule, so at 390 px the ranking column kept its
320 px and the map shrank to a ~20 px sliver.  Skipped only when no browser can be found.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from petarawan import run
from test_server_browser import ARGS, CHROMIUM, _browser_or_skip, _free_port, wait_until_up

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_dashboard_map_fits_the_screen(study, tmp_path, width, height):
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    run(study, tmp_path / "out")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "petarawan", "serve", str(tmp_path / "out"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url + "api/run", proc)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = b.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.wait_for_selector("#map path")
            box = page.locator("#map").bounding_box()
            page_width = page.evaluate("document.documentElement.scrollWidth")
            b.close()
    finally:
        proc.terminate()
        proc.wait(10)
    assert page_width <= width                         # nothing scrolls sideways
    assert box["width"] >= 0.8 * min(width, 700)       # the map takes the screen's width on a phone
    assert box["height"] >= 250
