"""End to end in a real browser (Playwright for Python driving Debian's Chromium), at 390 px
(phone) and 1366 px (laptop): log in, create a study and a round, upload the real Pangkalpinang
boundaries with an indicator table holding an error, read the preview, upload the fixed table,
accept, run, see the map, open an area, print view.

Skipped only when no browser can be found (``.ci/run`` installs Debian's ``chromium``).
Screenshots go to ``PETARAWAN_E2E_SHOTS`` when set.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "pangkalpinang"
CHROMIUM = os.environ.get("PETARAWAN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
PASSWORD = "e2e password long"
XSS = '<img src=x onerror="window.__xss=1">'


def _browser_or_skip():
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        pytest.skip("e2e skipped: the Python package 'playwright' is not installed (pip install '.[test]')")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"e2e skipped: no browser at {CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it "
                    "when it runs as root)")


def wait_until_up(url: str, proc) -> None:
    """Poll ``url`` until it answers 200 (20 s at most); fail with the process's output otherwise."""
    import httpx

    for _ in range(200):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("server did not start: " + (proc.stdout.read().decode() if proc.stdout else ""))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def study_inputs(folder: Path) -> dict[str, Path]:
    """The Pangkalpinang example without its slow optional stages (uncertainty kept, 200 runs),
    one area renamed to an XSS payload, and a table with a non-number in row 5."""
    folder.mkdir()
    lines = (EXAMPLE / "petarawan.toml").read_text(encoding="utf-8").splitlines()
    core = lines[: next(i for i, ln in enumerate(lines) if ln.startswith("# Tahap tambahan"))]
    (folder / "petarawan.toml").write_text("\n".join(core) + "\n\n[uncertainty]\nruns = 200\nweights = 0.25\n",
                                           encoding="utf-8")
    geo = json.loads((EXAMPLE / "kelurahan.geojson").read_text(encoding="utf-8"))
    geo["features"][0]["properties"]["nama"] = XSS + geo["features"][0]["properties"]["nama"]
    (folder / "kelurahan.geojson").write_text(json.dumps(geo), encoding="utf-8")
    table = (EXAMPLE / "indikator_ILUSTRATIF.csv").read_text(encoding="utf-8").splitlines()
    (folder / "indikator_ILUSTRATIF.csv").write_text("\n".join(table) + "\n", encoding="utf-8")
    bad = folder / "bad"
    bad.mkdir()
    cells = table[4].split(",")
    cells[4] = "tiga"
    (bad / "indikator_ILUSTRATIF.csv").write_text("\n".join(table[:4] + [",".join(cells)] + table[5:]) + "\n",
                                                  encoding="utf-8")
    return {"toml": folder / "petarawan.toml", "geo": folder / "kelurahan.geojson",
            "good": folder / "indikator_ILUSTRATIF.csv", "bad": bad / "indikator_ILUSTRATIF.csv",
            "bad_column": table[0].split(",")[4]}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    _browser_or_skip()
    d = tmp_path_factory.mktemp("e2e")
    db = f"sqlite:///{d / 'office.sqlite'}"
    init = subprocess.run([sys.executable, "-m", "petarawan", "server", "init", "--db", db, "--admin", "rina"],
                          input=PASSWORD + "\n", capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "petarawan", "server", "run", "--db", db, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/healthz", proc)
    yield url, d
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def shot(page, name: str) -> None:
    out = os.environ.get("PETARAWAN_E2E_SHOTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(out) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_office_workflow(live_server, browser, tmp_path, width, height):
    url, _ = live_server
    files = study_inputs(tmp_path / "in")
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog " + d.message), d.dismiss()))
    tag = f"{width}"
    page.goto(url + "/")
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", "rina")
    page.fill("input[name=password]", "wrong password here")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Nama pengguna atau kata sandi salah")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Studi')")
    # a study and its round
    page.fill("input[name=name]", f"Kota Pangkalpinang {tag}")
    page.fill("input[name=region]", "19.71")
    page.click("form >> text=Buat")
    page.wait_for_selector("input[name=year]")
    page.fill("input[name=year]", "2025")
    page.click("form >> text=Buat")
    page.wait_for_selector("text=Unggah data")
    # upload with an error → preview lists it, nothing accepted
    page.select_option("select[name=kind]", "config")
    page.set_input_files("input[type=file]", [str(files["toml"]), str(files["geo"]), str(files["bad"])])
    page.click("text=Unggah & periksa")
    try:
        page.wait_for_selector("table.findings")
    except Exception:
        page.screenshot(path="/tmp/e2e_fail.png", full_page=True)
        raise
    row = page.locator("table.findings tr.finding-error").first
    assert "baris 5" in row.inner_text() and files["bad_column"] in row.inner_text()
    assert page.locator("#accept").count() == 0
    shot(page, f"{tag}-1-preview-error")
    # the fixed table → no error → accept
    page.set_input_files("input[type=file]", [str(files["toml"]), str(files["geo"]), str(files["good"])])
    page.click("text=Unggah & periksa")
    page.wait_for_selector("#accept")
    assert page.locator("table.findings tr.finding-error").count() == 0
    page.click("#accept")
    page.wait_for_selector("text=Diterima sebagai versi 1")
    # run, watch it finish, see the map
    page.wait_for_selector("#run:not([disabled])")
    page.click("#run")
    page.wait_for_selector("svg.map path", timeout=120_000)
    assert page.locator("svg.map path").count() == 42
    box = page.locator("svg.map").bounding_box()
    assert box["width"] >= width * (0.8 if width < 900 else 0.45) and box["height"] > 150  # never a 0 px map
    shot(page, f"{tag}-2-map")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, wide  # no sideways scrolling
    assert page.evaluate("window.__xss") is None
    # open an area (the one named with the payload: its name shows as text)
    page.locator("svg.map path").first.click()
    page.wait_for_selector("text=Mengapa kelas ini")
    assert XSS in page.locator("h1").inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.locator("text=Rentang peringkat").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    swatch = page.locator(".legend i").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert swatch == "rgb(215, 25, 28)"  # Bahaya red: legend colours survive the CSP
    shot(page, f"{tag}-3-profile")
    # print view: navigation and buttons hidden, content kept
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("#print").is_visible()
    assert page.locator("text=Mengapa kelas ini").is_visible()
    shot(page, f"{tag}-4-print")
    page.emulate_media(media="screen")
    # English
    page.click("#lang")
    page.wait_for_selector("text=Why this class")
    assert errors == []
    ctx.close()
