"""Pulling a round from ODK Central / KoboToolbox, against recorded responses (httpx.MockTransport)."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from ikrn_fixtures import A, ROUND, bank, kobo_rows, make_round_study, write_odk_zip
from petarawan.cli import app
from petarawan.errors import ConfigError, InputError
from petarawan.ikrn import pull as pull_mod
from petarawan.ikrn.config import IkrnConfig
from petarawan.ikrn.returns import decode_returns, read_export

TOKEN = "s3cr3t-token-value"


def odk_cfg(**kw):
    return IkrnConfig(returns={"ikrn1": ["ikrn1.zip"], "ikrn2": ["ikrn2.zip"]},
                      server={"kind": "odk", "url": "https://central.example.org", "project": 7, "token_env": "IKRN_TOKEN",
                              "forms": {"ikrn1": "ikrn_ikrn1", "ikrn2": "ikrn_ikrn2"}}, **kw)


def kobo_cfg():
    return IkrnConfig(returns={"ikrn1": ["ikrn1_kobo.csv"]},
                      server={"kind": "kobo", "url": "https://kf.example.org", "token_env": "IKRN_TOKEN",
                              "forms": {"ikrn1": "aBcD123"}})


def recorded(tmp_path):
    """Handler replaying what the servers answered: the ODK zip export, Kobo JSON in two pages."""
    zips = {f: write_odk_zip(tmp_path / f"{f}.zip", ins).read_bytes() for f, ins in (("ikrn_ikrn1", "ikrn1"), ("ikrn_ikrn2", "ikrn2"))}
    header, body = kobo_rows("ikrn1")
    records = [dict(zip(header, map(str, r))) for r in body]
    for r in records:
        r["_attachments"], r["_geolocation"] = [], [None, None]
    seen = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        url = request.url
        if url.host == "central.example.org":
            assert request.headers["Authorization"] == f"Bearer {TOKEN}"
            form = url.path.split("/forms/")[1].split("/")[0]
            assert url.path == f"/v1/projects/7/forms/{form}/submissions.csv.zip" and url.params["attachments"] == "false"
            return httpx.Response(200, content=zips[form])
        if url.host == "kf.example.org":
            if request.headers["Authorization"] != f"Token {TOKEN}":
                return httpx.Response(401)
            assert url.path == "/api/v2/assets/aBcD123/data/"
            if url.params.get("start") == "6":
                return httpx.Response(200, json={"count": len(records), "next": None, "results": records[6:]})
            return httpx.Response(200, json={"count": len(records), "results": records[:6],
                                             "next": "https://kf.example.org/api/v2/assets/aBcD123/data/?format=json&start=6"})
        return httpx.Response(404)

    return handle, seen


def client(handle, kind):
    auth = f"Bearer {TOKEN}" if kind == "odk" else f"Token {TOKEN}"
    return httpx.Client(transport=httpx.MockTransport(handle), headers={"Authorization": auth})


def test_odk_pull_writes_the_export_zip(tmp_path):
    (tmp_path / "rec").mkdir()
    handle, seen = recorded(tmp_path / "rec")
    out = pull_mod.pull_round(tmp_path, odk_cfg(), ["ikrn1", "ikrn2", "ikrn3"], environ={"IKRN_TOKEN": TOKEN},
                              client=client(handle, "odk"))
    assert set(out) == {"ikrn1", "ikrn2"}                      # ikrn3 has no form on the server
    sub = decode_returns([("ikrn1", read_export(tmp_path / "ikrn1.zip"))], bank(), [A])
    np.testing.assert_array_equal(sub.answers["ikrn1"][0], [5, 0, 2])
    assert len(sub) == sum(r[0] == "ikrn1" for r in ROUND) and len(seen) == 2


def test_kobo_pull_follows_pages_and_writes_a_kobo_csv(tmp_path):
    (tmp_path / "rec").mkdir()
    handle, seen = recorded(tmp_path / "rec")
    out = pull_mod.pull_round(tmp_path, kobo_cfg(), ["ikrn1"], environ={"IKRN_TOKEN": TOKEN}, client=client(handle, "kobo"))
    assert out == {"ikrn1": ("ikrn1_kobo.csv", 11)} and len(seen) == 2
    text = (tmp_path / "ikrn1_kobo.csv").read_text(encoding="utf-8")
    assert "_attachments" not in text and "_geolocation" not in text and TOKEN not in text
    sub = decode_returns([("ikrn1", read_export(tmp_path / "ikrn1_kobo.csv"))], bank(), [A])
    np.testing.assert_array_equal(sub.answers["ikrn1"][2], [3, -1, 9])
    assert sub.instance[0] == sub.instance[4]                  # the duplicate survives the trip, for the check


def test_refused_token_is_a_finding_without_the_token(tmp_path):
    (tmp_path / "rec").mkdir()
    handle, _ = recorded(tmp_path / "rec")
    bad = httpx.Client(transport=httpx.MockTransport(handle), headers={"Authorization": "Token wrong"})
    with pytest.raises(InputError) as e:
        pull_mod.pull_round(tmp_path, kobo_cfg(), ["ikrn1"], environ={"IKRN_TOKEN": TOKEN}, client=bad)
    f = e.value.findings[0]
    assert f.code == "ikrn_pull_http" and "401" in f.text("en") and "token refused" in f.text("en")
    assert TOKEN not in str(e.value)
    assert not (tmp_path / "ikrn1_kobo.csv").exists()


def test_missing_token_and_wrong_suffix_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="IKRN_TOKEN"):
        pull_mod.pull_round(tmp_path, odk_cfg(), ["ikrn1"], environ={})
    cfg = odk_cfg().model_copy(update={"returns": {"ikrn1": ["ikrn1.csv"]}})
    with pytest.raises(ConfigError, match=r"\.zip"):
        pull_mod.pull_round(tmp_path, cfg, ["ikrn1"], environ={"IKRN_TOKEN": TOKEN})


def test_cli_pull_then_status(study, tmp_path, monkeypatch):
    make_round_study(study)
    toml = (study / "petarawan.toml").read_text(encoding="utf-8").replace('ikrn3 = ["ikrn3.zip"]', 'ikrn3 = ["ikrn3.zip"]\n\n'
        '[ikrn.server]\nkind = "odk"\nurl = "https://central.example.org"\nproject = 7\ntoken_env = "IKRN_TOKEN"\n'
        'forms = { ikrn3 = "ikrn_ikrn3" }')
    (study / "petarawan.toml").write_text(toml, encoding="utf-8")
    (study / "ikrn3.zip").unlink()
    (tmp_path / "rec").mkdir()
    zip3 = write_odk_zip(tmp_path / "rec" / "z.zip", "ikrn3").read_bytes()

    def handle(request):
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        return httpx.Response(200, content=zip3)

    monkeypatch.setenv("IKRN_TOKEN", TOKEN)
    monkeypatch.setattr(pull_mod, "make_client", lambda token, kind: client(handle, kind))
    runner = CliRunner()
    res = runner.invoke(app, ["ikrn", "pull", str(study), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "ikrn3: ikrn3.zip written" in res.output and TOKEN not in res.output
    st = runner.invoke(app, ["ikrn", "status", str(study), "--lang", "en"])
    assert st.exit_code == 0 and "Bravo" in st.output


def _kobo_two_forms_cfg():
    return IkrnConfig(returns={"ikrn1": ["ikrn1_kobo.csv"], "ikrn2": ["ikrn2_kobo.csv"]},
                      server={"kind": "kobo", "url": "https://kf.example.org", "token_env": "IKRN_TOKEN",
                              "forms": {"ikrn1": "aBcD123", "ikrn2": "eFgH456"}})


def _earlier_exports(tmp_path):
    (tmp_path / "ikrn1_kobo.csv").write_bytes(b"kode_wilayah;q1\n" + b"A;1\n" * 5)
    (tmp_path / "ikrn2_kobo.csv").write_bytes(b"kode_wilayah;q1\nA;1\n")
    return {p.name: p.read_bytes() for p in tmp_path.glob("*.csv")}


@pytest.mark.parametrize("answer", [
    httpx.Response(200, html="<html><body>Login wifi hotel</body></html>"),       # captive portal, HTTP 200
    httpx.Response(200, json={"detail": "Not found."}),                            # JSON, but not an export
    httpx.Response(200, content=b"\x00\x01garbage", headers={"content-type": "application/octet-stream"}),
])
def test_an_answer_that_is_not_an_export_is_a_finding_and_replaces_nothing(tmp_path, answer):
    # tester finding 13: a network login page answering 200 was "Kesalahan internal: JSONDecodeError"
    before = _earlier_exports(tmp_path)
    with pytest.raises(InputError) as e:
        pull_mod.pull_round(tmp_path, _kobo_two_forms_cfg(), ["ikrn1", "ikrn2"], environ={"IKRN_TOKEN": TOKEN},
                            client=client(lambda request: answer, "kobo"))
    f = e.value.findings[0]
    assert f.code == "ikrn_pull_not_data" and "aBcD123" in f.text("en") and f.column == "ikrn.server.url"
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.csv")} == before


def test_odk_answer_that_is_not_a_zip_is_a_finding(tmp_path):
    with pytest.raises(InputError) as e:
        pull_mod.pull_round(tmp_path, odk_cfg(), ["ikrn1"], environ={"IKRN_TOKEN": TOKEN},
                            client=client(lambda request: httpx.Response(200, html="<html>login</html>"), "odk"))
    assert e.value.findings[0].code == "ikrn_pull_not_data" and "(answer: HTML)" in e.value.findings[0].text("en")
    assert not (tmp_path / "ikrn1.zip").exists()


def test_a_later_failure_leaves_every_earlier_export_intact(tmp_path):
    # tester finding 14: ikrn1 (1,225 submissions) was overwritten with 1 row, then ikrn2 answered 404
    before = _earlier_exports(tmp_path)

    def handle(request):
        if "aBcD123" in request.url.path:
            return httpx.Response(200, json={"count": 1, "next": None, "results": [{"_id": 1, "kode_wilayah": "A"}]})
        return httpx.Response(404)

    with pytest.raises(InputError) as e:
        pull_mod.pull_round(tmp_path, _kobo_two_forms_cfg(), ["ikrn1", "ikrn2"], environ={"IKRN_TOKEN": TOKEN},
                            client=client(handle, "kobo"))
    assert e.value.findings[0].code == "ikrn_pull_http"
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.csv")} == before


def test_a_form_without_the_area_question_is_refused(tmp_path):
    before = _earlier_exports(tmp_path)
    answer = httpx.Response(200, json={"count": 1, "next": None, "results": [{"_id": 1, "nama": "Budi"}]})
    with pytest.raises(InputError) as e:
        pull_mod.pull_round(tmp_path, _kobo_two_forms_cfg(), ["ikrn1"], environ={"IKRN_TOKEN": TOKEN},
                            client=client(lambda request: answer, "kobo"))
    f = e.value.findings[0]
    assert f.code == "ikrn_pull_wrong_form" and f.column == "ikrn.server.forms.ikrn1" and "Budi" not in str(e.value)
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.csv")} == before


def test_a_shrinking_export_keeps_the_earlier_file_and_warns(tmp_path):
    before = _earlier_exports(tmp_path)
    rows = [{"_id": i, "kode_wilayah": "A"} for i in range(3)]          # 3 submissions where the file held 5
    notes = []
    out = pull_mod.pull_round(tmp_path, _kobo_two_forms_cfg(), ["ikrn1"], environ={"IKRN_TOKEN": TOKEN},
                              client=client(lambda r: httpx.Response(200, json={"next": None, "results": rows}), "kobo"),
                              notes=notes)
    assert out == {"ikrn1": ("ikrn1_kobo.csv", 3)}
    assert (tmp_path / "ikrn1_kobo.csv.bak").read_bytes() == before["ikrn1_kobo.csv"]
    assert len(read_export(tmp_path / "ikrn1_kobo.csv")) == 3
    assert [n.code for n in notes] == ["ikrn_pull_fewer"] and "held 5" in notes[0].text("en")
