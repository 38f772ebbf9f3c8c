"""Case dashboard-no-host-check and its neighbours: the dashboard answers only its own host names
(DNS rebinding), warns when bound beyond this computer, and serves only the run's regular files."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from petarawan import run
from petarawan.cli import app as cli
from petarawan.dashboard.app import allowed_hosts, create_app, host_name, is_loopback

SRC = Path(__file__).resolve().parents[3] / "src"
ROUTES = ("/", "/api/run", "/api/areas", "/files/report.html", "/files/map.png")


@pytest.fixture
def out(study, tmp_path):
    run(study, tmp_path / "out")
    return tmp_path / "out"


def _get(client: TestClient, path: str, host: str):
    return client.get(path, headers={"host": host})


OWN = ["127.0.0.1:8765", "localhost:8765", "LOCALHOST", "localhost.:8765", "[::1]:8765", "127.0.0.1"]
OTHER = ["evil.example:8765", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example:8765", "",
         "127.0.0.2:8765", "[::2]:8765", "0.0.0.0:8765", "localhost@evil.example"]


def test_own_host_names_are_answered_and_others_refused(out):
    c = TestClient(create_app(out))
    for path in ROUTES:
        for host in OWN:
            assert _get(c, path, host).status_code == 200, (path, host)
        for host in OTHER:
            r = _get(c, path, host)
            assert r.status_code == 400 and "Bahaya" not in r.text and "<html" not in r.text, (path, host)


def test_host_name_parsing():
    assert host_name("[::1]:8765") == "::1" and host_name("LocalHost.:80") == "localhost"
    assert host_name("127.0.0.1") == "127.0.0.1" and host_name("::1") == "::1"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("::")


def test_binding_to_an_address_accepts_that_address_and_listed_names(out):
    hosts = allowed_hosts("192.168.1.5", ["peta.bnnk.local"])
    assert {"192.168.1.5", "peta.bnnk.local", "127.0.0.1", "localhost"} <= hosts
    c = TestClient(create_app(out, hosts=hosts))
    assert _get(c, "/api/run", "192.168.1.5:8765").status_code == 200
    assert _get(c, "/api/run", "peta.bnnk.local:8765").status_code == 200
    assert _get(c, "/api/run", "evil.example:8765").status_code == 400
    every = allowed_hosts("0.0.0.0")
    assert socket.gethostname().lower() in every and "evil.example" not in every


def test_serve_warns_when_bound_beyond_this_computer(out, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    port = _free_port()
    quiet = CliRunner().invoke(cli, ["serve", str(out), "--port", str(port)])
    assert quiet.exit_code == 0 and "PERHATIAN" not in quiet.output and "WARNING" not in quiet.output
    for lang, word in (("id", "PERHATIAN"), ("en", "WARNING")):
        r = CliRunner().invoke(cli, ["serve", str(out), "--host", "0.0.0.0", "--port", str(port), "--lang", lang])
        assert r.exit_code == 0 and word in r.output and "--allow-host" in r.output, r.output
    assert [c["host"] for c in calls] == ["127.0.0.1", "0.0.0.0", "0.0.0.0"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_server_refuses_a_rebinding_host_header(out):
    """The case's reproduction: curl -H 'Host: evil.example:PORT' http://127.0.0.1:PORT/api/run."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen([sys.executable, "-m", "petarawan", "serve", str(out), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status = {}
        for _ in range(600):  # wait until it listens
            try:
                for host in (f"evil.example:{port}", f"127.0.0.1:{port}"):
                    con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    con.request("GET", "/api/run", headers={"Host": host})
                    status[host] = con.getresponse().status
                    con.close()
                break
            except OSError:
                time.sleep(0.1)
        assert status == {f"evil.example:{port}": 400, f"127.0.0.1:{port}": 200}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# -- only the run's own regular files ---------------------------------------------------------
def _client(out: Path) -> TestClient:
    return TestClient(create_app(out), base_url="http://127.0.0.1:8765")


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_symlink_to_a_system_file_is_not_served(out):
    (out / "map.png").unlink()
    (out / "map.png").symlink_to("/etc/passwd")
    r = _client(out).get("/files/map.png")
    assert r.status_code == 404 and "root:" not in r.text


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_symlink_inside_the_folder_and_symlinked_folder_are_not_served(out):
    (out / "map.png").unlink()
    (out / "map.png").symlink_to(out / "report.html")  # even to our own file
    man = json.loads((out / "run.json").read_text())
    (out.parent / "elsewhere").mkdir()
    (out / "peta.png").symlink_to(out.parent / "elsewhere", target_is_directory=True)
    man["outputs"]["peta.png"] = man["outputs"]["report.html"]
    (out / "run.json").write_text(json.dumps(man))
    c = _client(out)
    assert c.get("/files/map.png").status_code == 404 and c.get("/files/peta.png").status_code == 404
    assert c.get("/files/report.html").status_code == 200


def test_hard_link_or_replaced_file_is_not_served(out):
    secret = out.parent / "secret.txt"
    secret.write_text("NIK 1971010101010001")
    (out / "map.png").unlink()
    os.link(secret, out / "map.png")  # a regular file, but not the bytes the run wrote
    r = _client(out).get("/files/map.png")
    assert r.status_code == 404 and "NIK" not in r.text


@pytest.mark.parametrize("name", ["../secret.png", "/etc/passwd.png", "sub/x.png", "..", ".", "x\\..\\y.png"])
def test_names_outside_the_folder_are_not_served_even_if_listed(out, name):
    (out.parent / "secret.png").write_bytes(b"\x89PNG secret")
    man = json.loads((out / "run.json").read_text())
    man["outputs"][name] = "0" * 64
    (out / "run.json").write_text(json.dumps(man))
    c = _client(out)
    for path in (f"/files/{name}", "/files/" + name.replace("/", "%2F"), "/files/..%2Fsecret.png"):
        r = c.get(path)
        if r.url.path == "/":  # the client itself normalised "/files/.." to "/": the dashboard page
            continue
        assert r.status_code == 404 and b"secret" not in r.content, path


def test_served_report_is_the_runs_own_bytes(out):
    r = _client(out).get("/files/report.html")
    assert r.status_code == 200 and r.content == (out / "report.html").read_bytes()
    assert r.headers["x-content-type-options"] == "nosniff"
