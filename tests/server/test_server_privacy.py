"""The office server publishes to viewers what the report and the read-only dashboard publish, and
nothing more: the recovery attack of case small-count-from-dim-scores, run against every route a
viewer can reach (map, area profile with its dimensions, uncertainty and "present" flags, history,
summary, comparison, roll-up and its map, the report download), recovers no count of 1..4.

The attack (tests/cases/small-count-from-dim-scores/small_count_attack.py) is written independently
of petarawan.privacy.  The same attack given what an analyst sees (the exact dimension scores of the
profile) recovers every small count — so the viewer test can fail.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pyogrio
import pytest

from conftest import Server  # tests/server/conftest.py (imported at collection, as the other server tests do)

CASE = Path(__file__).resolve().parents[1] / "cases" / "small-count-from-dim-scores"
sys.path.insert(0, str(CASE))
import small_count_attack as attack  # noqa: E402

Y = 2025
HEAD_ID = {"score": "Skor kerawanan (0–100)", "n_main": "Indikator pokok terpenuhi",
           "n_supporting": "Indikator pendukung terpenuhi"}


def run_and_wait(server, client, sid) -> dict:
    r = client.post(f"/api/studies/{sid}/rounds/{Y}/runs")
    assert r.status_code == 202, r.text
    server.wait()
    return client.get(f"/api/studies/{sid}/runs/{r.json()['id']}").json()


def _zip(edit=None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted((CASE / "study").iterdir()):
            data = p.read_bytes()
            if p.name == "petarawan.toml" and edit:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zf.writestr(f"studi/{p.name}", data)
    return buf.getvalue()


def _present_at_3(text: str) -> str:
    """bandar counts as 'present' from 3 cases: the per-indicator flag would split 1–2 from 3–4."""
    i = text.index('code = "bandar"')
    j = text.index("present_at = 1", i)
    return text[:j] + "present_at = 3" + text[j + len("present_at = 1"):]


def _publish(server, analyst, name: str, edit=None) -> tuple[int, int]:
    sid = analyst.post("/api/studies", json={"name": name, "region": "19.71"}).json()["id"]
    assert analyst.post(f"/api/studies/{sid}/rounds", json={"year": Y}).status_code == 201
    up = analyst.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                      files=[("file", ("studi.zip", _zip(edit)))]).json()
    assert up["n_errors"] == 0, up
    assert analyst.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{up['id']}/accept").status_code == 200
    done = run_and_wait(server, analyst, sid)
    assert done["status"] == "succeeded", done
    return sid, done["id"]


def _truth(analyst, sid: int, rid: int, tmp: Path):
    """The analysts' GeoPackage and run.json (what the attacker is assumed to know, bar the small counts)."""
    gpkg = tmp / f"s{sid}.gpkg"
    gpkg.write_bytes(analyst.get(f"/api/studies/{sid}/runs/{rid}/files/petarawan.gpkg").content)
    layer = pyogrio.read_dataframe(gpkg, layer="areas", read_geometry=False).set_index("code")
    man = analyst.get(f"/api/studies/{sid}/runs/{rid}/files/run.json").json()
    return layer, man


def _both(a, b):
    """What two outputs say together about one value (intervals intersect)."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a[0], b[0]), min(a[1], b[1])


def _seen_by(client, sid: int, rid: int, man: dict) -> tuple[dict, dict]:
    """Every number a user of ``client`` can read about each area, as intervals per column, from
    every route; and the raw responses (for the checks below)."""
    cfg = man["config"]
    cols = ["score", "n_main", "n_supporting", *[f"dim_{d['code']}" for d in cfg["dimensions"]]]
    geo = client.get(f"/api/studies/{sid}/rounds/{Y}/map").json()
    rollmap = client.get("/api/rollup/map").json()
    summary = client.get(f"/api/studies/{sid}/rounds/{Y}/summary").json()
    report = client.get(f"/api/studies/{sid}/runs/{rid}/files/report.html")
    seen: dict[str, dict] = {}
    raw = {"map": geo, "summary": summary, "profiles": {},
           "compare": client.get(f"/api/studies/{sid}/compare", params={"old": Y, "new": Y}).json(),
           "rollup": client.get("/api/rollup").json()}
    heads = dict(HEAD_ID, **{f"dim_{d['code']}": f"Dimensi: {d['label_id']}" for d in cfg["dimensions"]})
    rep = attack.report_ranking(report.text, "Kode wilayah", heads) if report.status_code == 200 else {}
    roll_props = {f["properties"]["code"]: f["properties"] for f in rollmap["features"]}
    for f in geo["features"]:
        props = f["properties"]
        code = props["code"]
        prof = client.get(f"/api/studies/{sid}/rounds/{Y}/areas/{code}").json()
        raw["profiles"][code] = prof
        got = {c: None for c in cols}
        for source in (props, prof["area"], roll_props.get(code, {})):
            iv = attack.api_intervals(source, cols)
            got = {c: _both(got[c], iv[c]) for c in cols}
        for d in prof["dimensions"]:  # the profile's own dimension table
            c = f"dim_{d['code']}"
            got[c] = _both(got[c], attack.api_intervals({c: d["score"], f"{c}_band": d.get("band")}, [c])[c])
        for h in prof["history"]:  # the history across years
            got["score"] = _both(got["score"], attack.api_intervals(h, ["score"])["score"])
        for c, iv in rep.get(code, {}).items():
            got[c] = _both(got[c], iv)
        got["class"] = props["class"]
        got |= {f"present:{i['code']}": i.get("present") for i in prof["indicators"]}
        seen[code] = got
    return seen, raw


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server_privacy")
    server = Server(f"sqlite:///{tmp / 'server.sqlite'}", tmp / "files")
    try:
        a, v = server.client("analyst"), server.client("viewer")
        studies = {}
        for name, edit in (("case", None), ("present_at_3", _present_at_3)):
            sid, rid = _publish(server, a, name, edit)
            layer, man = _truth(a, sid, rid, tmp)
            studies[name] = {"sid": sid, "rid": rid, "layer": layer, "man": man,
                             "viewer": _seen_by(v, sid, rid, man), "analyst": _seen_by(a, sid, rid, man)}
        yield studies
    finally:
        server.close()


@pytest.mark.parametrize("name", ["case", "present_at_3"])
def test_no_small_count_is_recovered_from_any_viewer_route(served, name):
    s = served[name]
    seen, _ = s["viewer"]
    recovered, _ = attack.recover(s["layer"], s["man"], seen)
    # the class is always published (the map's purpose): where it alone gives a count back, the
    # run says so (class_reveals_count, docs/privacy.md) — and the server adds nothing to it
    by_class, _ = attack.recover(s["layer"], s["man"], {c: {"class": p["class"]} for c, p in seen.items()})
    assert set(recovered) <= set(by_class)
    warned = {f["column"] for f in s["man"]["findings"] if f["code"] == "class_reveals_count"}
    assert {ind for _, ind, _ in by_class} <= warned
    assert (recovered == []) is (name == "case")  # present_at = 3: the class of a Bahaya area says bandar ≥ 3
    assert s["man"]["privacy"]["areas_coarsened"] > 0  # there was something to protect


def test_the_attack_works_on_what_analysts_see(served):
    """An analyst's profile holds the exact dimension scores: from them every small bandar count
    comes back — the viewer test above is a real test."""
    s = served["case"]
    seen, _ = s["analyst"]
    recovered, _ = attack.recover(s["layer"], s["man"], seen, max_combos=2000)
    layer = s["layer"]
    truth = {(c, int(v)) for c, v in layer["bandar"].items() if 0 < v < 5}
    assert truth and truth <= {(c, v) for c, ind, v in recovered if ind == "bandar"}


def test_viewer_routes_agree_with_the_map_layer(served):
    """Profile, history and map publish the same values (one rule), the rank is the published one
    (not 1 for every profile), and where the score is not exact no uncertainty is shown."""
    s = served["case"]
    seen, raw = s["viewer"]
    layer = s["layer"]
    props = {f["properties"]["code"]: f["properties"] for f in raw["map"]["features"]}
    for code, prof in raw["profiles"].items():
        p = props[code]
        assert prof["area"] == p
        (h,) = prof["history"]
        assert (h["score"], h.get("score_band"), h["rank"], h["class"]) == (p["score"], p.get("score_band"), p["rank"], p["class"])
        for d in prof["dimensions"]:
            c = f"dim_{d['code']}"
            assert (d["score"], d.get("band")) == (p[c], p.get(f"{c}_band")), (code, c)
        if p["score"] is None:
            assert prof["uncertainty"] is None, code
        for i in prof["indicators"]:
            if i["value"] == "<5":
                assert i["normalised"] is None and i["contribution"] is None, (code, i["code"])
    ranks = [p["rank"] for p in props.values() if p["rank"] is not None]
    assert len(set(ranks)) > 10  # the published ranking, not one rank per profile
    # where bandar is 1..4 its dimension score is never given to a viewer (the case's leak)
    small = layer.index[(layer["bandar"] > 0) & (layer["bandar"] < 5)]
    assert len(small) > 0 and all(props[c]["dim_pengedar"] is None for c in small)
    assert all(next(d for d in raw["profiles"][c]["dimensions"] if d["code"] == "pengedar")["score"] is None
               for c in small)


def test_present_flag_of_a_suppressed_count_is_shown_only_when_every_hidden_value_agrees(served):
    for name, shown in (("case", True), ("present_at_3", False)):
        s = served[name]
        _, raw = s["viewer"]
        layer = s["layer"]
        for code, prof in raw["profiles"].items():
            flag = next(i for i in prof["indicators"] if i["code"] == "bandar")["present"]
            if 0 < layer.at[code, "bandar"] < 5:
                # present_at = 1: every hidden value 1..4 is 'present' → shown; present_at = 3: 1–2 vs 3–4 → hidden
                assert flag is (True if shown else None), (name, code, flag)
            else:
                assert flag == (layer.at[code, "bandar"] >= (1 if shown else 3)), (name, code)
    # analysts still see the flag
    _, raw = served["present_at_3"]["analyst"]
    layer = served["present_at_3"]["layer"]
    for code, prof in raw["profiles"].items():
        flag = next(i for i in prof["indicators"] if i["code"] == "bandar")["present"]
        assert flag == (layer.at[code, "bandar"] >= 3)


def test_class_only_routes_and_files_give_no_value(served):
    s = served["case"]
    _, raw = s["viewer"]
    assert not any("score" in r or "dim_pengedar" in r for r in raw["compare"]["areas"])
    assert "petarawan.gpkg" not in raw["summary"]["files"] and "run.json" not in raw["summary"]["files"]
    text = json.dumps(raw["rollup"])
    assert "score" not in text and "dim_" not in text
