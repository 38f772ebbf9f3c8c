"""Community potential: Wilson intervals, the score, suppression, and identifier removal end to end."""

from __future__ import annotations

import math
import re
import sqlite3
import zipfile

import numpy as np
import pandas as pd
import pytest

from petarawan.potential.config import PotentialConfig
from petarawan.potential.scoring import publish, score_potential, wilson_interval
from petarawan.io.survey import read_form

from potential_study import ROOT, full_run

FORM = ROOT / "forms" / "potensi_masyarakat.xlsx"


def test_wilson_interval_against_hand_computation():
    # k = 3, n = 10, 90 %: z = Φ⁻¹(0.95) = 1.64485363; z² = 2.70554345; 1 + z²/n = 1.27055435
    # centre = (0.3 + 2.70554345/20) / 1.27055435 = 0.43527717 / 1.27055435 = 0.34258839
    # half = 1.64485363 / 1.27055435 · sqrt(0.3·0.7/10 + 2.70554345/400)
    #      = 1.29459526 · sqrt(0.021 + 0.00676386) = 1.29459526 · 0.16662490 = 0.21571181
    lo, hi = wilson_interval(3, 10, 0.90)
    assert lo == pytest.approx(0.34258839 - 0.21571181, abs=1e-7)
    assert hi == pytest.approx(0.34258839 + 0.21571181, abs=1e-7)
    # k = 0: lower bound 0, upper bound z²/(n + z²) = 2.70554345 / 12.70554345 = 0.21294197
    lo, hi = wilson_interval(0, 10, 0.90)
    assert lo == 0 and hi == pytest.approx(2.70554345 / 12.70554345, abs=1e-7)
    # 95 %, k = 5, n = 20: z = 1.95996398, z² = 3.84145882, 1 + z²/n = 1.19207294
    # centre = (0.25 + 3.84145882/40) / 1.19207294 = 0.34603647 / 1.19207294 = 0.29028129
    # half = 1.95996398 / 1.19207294 · sqrt(0.25·0.75/20 + 3.84145882/1600) = 1.64416448 · 0.10851687 = 0.17841959
    lo, hi = wilson_interval(5, 20, 0.95)
    assert (lo, hi) == (pytest.approx(0.29028129 - 0.17841959, abs=1e-7), pytest.approx(0.29028129 + 0.17841959, abs=1e-7))
    lo, hi = wilson_interval(np.array([1, 0]), np.array([0, 0]))
    assert np.isnan(lo).all() and np.isnan(hi).all()


def _responses() -> pd.DataFrame:
    """Area A: 5 respondents; area B: 2 (below min_respondents = 5)."""
    rows = [
        # code, role, exposed, training, facilitator, business, interest, skills, sda, market
        ("A", "warga", "ya", "ya", "tidak", "ya", {"kuliner"}, {"memasak"}, {"tidak_ada"}, {"online"}),
        ("A", "tokoh_agama", "tidak", "ya", "ya", "tidak", {"kuliner", "menjahit"}, {"tidak_ada"}, {"kolam_perairan"}, {"tidak_ada"}),
        ("A", "tokoh_pemuda", "tidak", "tidak", "ya", "tidak", {"jasa_digital"}, {"komputer_digital"}, {"tidak_ada"}, {"online"}),
        ("A", "warga", "tidak_menjawab", "mungkin", "tidak", "tidak", {"tidak_ada"}, {"tidak_ada"}, {"tidak_ada"}, {"tidak_ada"}),
        ("A", "warga", "tidak", "ya", "mungkin", "ya", {"kuliner"}, {"memasak", "menjahit"}, {"tempat_usaha"}, {"pasar_tradisional"}),
        ("B", "warga", "ya", "ya", "ya", "ya", {"kuliner"}, {"memasak"}, {"tidak_ada"}, {"online"}),
        ("B", "warga", "tidak", "tidak", "tidak", "tidak", {"menjahit"}, {"tidak_ada"}, {"tidak_ada"}, {"tidak_ada"}),
    ]
    form = read_form(FORM)
    recs = []
    for code, role, exp, tr, fac, biz, inter, sk, sda, mk in rows:
        r = {"code": code, "peran": role, "rt_terpapar": exp, "minat_pelatihan": tr, "bersedia_pendamping": fac,
             "punya_usaha": biz}
        for q, chosen in (("minat_usaha", inter), ("keterampilan", sk), ("sda", sda), ("akses_pasar", mk)):
            for o in form.options(q):
                r[f"{q}/{o}"] = o in chosen
        recs.append(r)
    df = pd.DataFrame(recs)
    for c in df.columns:
        if "/" in c:
            df[c] = df[c].astype("boolean")
    return df


def test_potential_score_by_hand():
    form = read_form(FORM)
    cfg = PotentialConfig(form="f.xlsx", survey=["s.csv"], missing_score="none")
    res = score_potential(_responses(), form, pd.Index(["A", "B", "C"]), cfg)
    t = res.table
    assert list(t["n"]) == [5, 2, 0]
    # area A components (5 respondents):
    #   skills: ≥1 real skill in rows 1, 3, 5 -> 3/5 = 0.6
    #   resources: rows 2, 5 -> 2/5 = 0.4;  market: rows 1, 3, 5 -> 3/5 = 0.6
    #   business: "ya" rows 1, 5 -> 2/5 = 0.4;  facilitator "ya": rows 2, 3 -> 0.4
    #   training "ya": rows 1, 2, 5 -> 0.6
    # score = 100 · (0.6 + 0.4 + 0.6 + 0.4 + 0.4 + 0.6) / 6 = 100 · 3.0 / 6 = 50.0
    assert t.loc["A", ["comp_skills", "comp_resources", "comp_market", "comp_business", "comp_facilitator",
                       "comp_training"]].tolist() == pytest.approx([0.6, 0.4, 0.6, 0.4, 0.4, 0.6])
    assert t.at["A", "score"] == pytest.approx(50.0)
    assert math.isnan(t.at["B", "score"]) and math.isnan(t.at["C", "score"])   # n < 5
    # exposure in A: "ya" 1, "tidak" 3, refused 1 -> k = 1 of n = 4 answering, non-response 1
    assert (t.at["A", "exposed_k"], t.at["A", "exposed_n"], t.at["A", "exposed_nonresponse"]) == (1, 4, 1)
    assert t.at["A", "exposed_share"] == pytest.approx(0.25)
    lo, hi = wilson_interval(1, 4, 0.90)
    assert (t.at["A", "exposed_lo"], t.at["A", "exposed_hi"]) == (pytest.approx(float(lo)), pytest.approx(float(hi)))
    # facilitator candidates by role ("ya" only): A: tokoh_agama 1, tokoh_pemuda 1; B: warga 1
    assert (t.at["A", "fac_tokoh_agama"], t.at["A", "fac_tokoh_pemuda"], t.at["A", "fac_warga"]) == (1, 1, 0)
    assert t.at["B", "fac_warga"] == 1
    # interest shares: kuliner chosen by 3 of 5 in A
    s = res.shares["interest"]
    assert s.k.at["A", "kuliner"] == 3 and s.n["A"] == 5
    assert s.share().at["A", "kuliner"] == pytest.approx(0.6)
    # weights: only skills and resources, weight 3:1 -> 100 · (3·0.6 + 1·0.4) / 4 = 55.0
    cfg2 = PotentialConfig(form="f.xlsx", survey=["s.csv"], score_weights={"skills": 3, "resources": 1},
                           missing_score="none")
    assert score_potential(_responses(), form, pd.Index(["A"]), cfg2).table.at["A", "score"] == pytest.approx(55.0)
    # median imputation is flagged
    cfg3 = PotentialConfig(form="f.xlsx", survey=["s.csv"])
    t3 = score_potential(_responses(), form, pd.Index(["A", "B"]), cfg3).table
    assert t3.at["B", "score"] == pytest.approx(50.0) and bool(t3.at["B", "score_imputed"])


@pytest.mark.parametrize("threshold", [2, 5])
def test_suppression_threshold(threshold):
    form = read_form(FORM)
    cfg = PotentialConfig(form="f.xlsx", survey=["s.csv"], suppress_below=threshold, min_respondents=1)
    res = score_potential(_responses(), form, pd.Index(["A", "B"]), cfg)
    pub, mask = publish(res, cfg)
    k = res.shares["interest"].k
    for area in ("A", "B"):
        n = res.table.at[area, "n"]
        for o in ("kuliner", "menjahit", "jasa_digital"):
            hidden = (0 < k.at[area, o] < threshold) or (0 < n < threshold)
            assert bool(mask.at[area, f"minat_{o}"]) == hidden, (area, o)
            assert math.isnan(pub.at[area, f"minat_{o}"]) == hidden
    if threshold == 5:
        # A: kuliner 3 of 5 -> hidden; B has n = 2 < 5 -> everything hidden, including n
        assert mask.at["A", "minat_kuliner"] and mask.at["B", "n"] and math.isnan(pub.at["B", "potensi"])
        # exposure in A: k = 1 -> hidden
        assert mask.at["A", "terpapar"]
    else:
        # threshold 2: A kuliner 3 shown (0.6), A exposure k = 1 hidden, B (n = 2) shown
        assert pub.at["A", "minat_kuliner"] == pytest.approx(0.6)
        assert mask.at["A", "terpapar"] and not mask.at["B", "n"]
        # B exposure: k = 1 (hidden) ; complement 1 also < 2
        assert mask.at["B", "terpapar"]
    # "suppressed" counts hidden values (a share with its interval counts once; n and the score not)
    values = [c for c in mask.columns if not c.endswith(("_lo", "_hi")) and c not in ("n", "potensi")]
    assert (pub["suppressed"] == mask[values].sum(axis=1)).all()


def _all_text(path) -> bytes:
    """Bytes of an output file, unzipped for xlsx and with every SQLite text cell for gpkg."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            data += b"".join(z.read(m) for m in z.namelist())
    if path.suffix == ".gpkg":
        con = sqlite3.connect(path)
        for (table,) in con.execute("select name from sqlite_master where type = 'table'"):
            for row in con.execute(f'select * from "{table}"'):
                data += repr(row).encode()
        con.close()
    return data


def test_no_identifier_survives_into_any_output():
    study, out, res = full_run()
    raw = pd.read_csv(study / "survei_potensi_ILUSTRATIF.csv", sep=";", dtype=str, keep_default_na=False)
    secrets = set()
    for col in ("responden/nama_responden", "pendamping/no_hp", "catatan", "usaha/minat_usaha_lain", "_submitted_by"):
        secrets |= {v for v in raw[col] if v}
    # also every single fake surname, and phone digits without the leading 0
    secrets |= {w for v in raw["responden/nama_responden"] for w in v.split() if len(w) > 6}
    assert len(secrets) > 50
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {"petarawan.gpkg", "petarawan.xlsx", "report.html", "run.json", "potensi.png", "rencana.png"} <= {p.name for p in files}
    for p in files:
        blob = _all_text(p)
        found = [s for s in secrets if s.encode() in blob]
        assert not found, (p.name, found[:5])
        assert not re.search(rb"0812555\d{4}", blob), p.name


def test_potential_outputs_of_the_example():
    study, out, res = full_run()
    st = res.stages["potential"]
    m = st.manifest["counts"]
    # the illustrative export's dirty rows: 1 refusal, 3 unknown codes, 2 duplicates, 2 thin areas
    assert (m["no_consent"], m["unknown_area"], m["duplicate"], m["areas_imputed"]) == (1, 3, 2, 2)
    assert m["read"] == m["kept"] + m["no_consent"] + m["unknown_area"] + m["duplicate"]
    import pyogrio

    layers = {name for name, _ in pyogrio.list_layers(out / "petarawan.gpkg")}
    assert {"areas", "potential", "plan"} <= layers
    pot = pyogrio.read_dataframe(out / "petarawan.gpkg", layer="potential", read_geometry=False)
    assert len(pot) == 42
    # the GeoPackage and the workbook are analysts' files (issue 12 item 3): every respondent count,
    # small ones included, as the scoring computed them; ``suppressed`` says how many cells the
    # published outputs hide
    table = st.scores.table
    assert (pot.set_index("code")["n"].reindex(table.index) == table["n"]).all()
    assert ((pot["n"] > 0) & (pot["n"] < 5)).any()
    assert pot["suppressed"].sum() == st.published["suppressed"].sum() > 0
    sheet = pd.read_excel(out / "petarawan.xlsx", sheet_name="Potensi")
    assert len(sheet) == 42 and not (sheet.astype(str) == "<5").any().any()
    # the published side still hides them: the report's potential table has "<5"
    assert "<td>&lt;5</td>" in (out / "report.html").read_text(encoding="utf-8")
    # the index used the potential score as an indicator (coping capacity, direction -1)
    areas = pyogrio.read_dataframe(out / "petarawan.gpkg", layer="areas", read_geometry=False).set_index("code")
    score = st.indicators["potensi"]
    assert np.allclose(areas.loc[score.index, "potensi"].astype(float), score, atol=1e-6)
    # min-max with direction -1: the highest potential gets normalised value 0
    assert areas.loc[score.idxmax(), "potensi_norm"] == pytest.approx(0.0)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Potensi masyarakat" in html and "dihapus saat data dibaca" in html


def test_zero_usable_responses_is_an_error_at_validate(tmp_path):
    """A header-only export (and one whose codes are all unknown) yields no usable response:
    `petarawan validate` must say so, not 'no errors'."""
    from typer.testing import CliRunner

    from petarawan.cli import app

    from potential_study import make_study

    study = make_study(tmp_path / "study")
    csv = study / "survei_potensi_ILUSTRATIF.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text(lines[0] + "\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", str(study), "--lang", "en"])
    assert r.exit_code == 1 and "no usable response (0 read" in r.output
    # every area code unknown: 566 data lines read, all dropped
    header = lines[0].split(";")
    i = header.index("wilayah/kode_wilayah")
    bad = [";".join("99.99.99.9999" if k == i else v for k, v in enumerate(line.split(";"))) for line in lines[1:]]
    csv.write_text("\n".join([lines[0], *bad]) + "\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", str(study), "--lang", "en"])
    assert r.exit_code == 1 and "566 of 566 answers hold no area code of this study" in r.output  # not dropped silently
    assert "No errors" not in r.output and "99.99.99.9999" not in r.output


def test_potential_score_is_a_public_column():
    """The published potential score is hidden exactly where an area has 1..4 respondents,
    counted here straight from the survey export (consent 'ya', codes without dots joined to the
    boundary codes, the first of each repeated _uuid), and shows the score rounded to 0.1 elsewhere."""
    import geopandas as gpd

    study, out, res = full_run()
    st = res.stages["potential"]
    assert st.public_columns == {"potensi": ("Skor potensi", "Potential score")}
    raw = pd.read_csv(study / "survei_potensi_ILUSTRATIF.csv", sep=";", dtype=str)
    raw = raw[(raw["persetujuan"] == "ya") & ~raw["_uuid"].duplicated(keep="first")]
    areas = gpd.read_file(study / "kelurahan.geojson")
    digits = {k.replace(".", ""): k for k in areas["kode"]}
    codes = raw["wilayah/kode_wilayah"].str.replace(".", "", regex=False).map(digits).dropna()
    n = codes.value_counts().reindex(res.result.index, fill_value=0)
    small = n[(n >= 1) & (n <= 4)].index
    assert len(small) >= 1 and (n >= 5).sum() >= 1  # the example has both kinds
    assert list(st.scores.table["n"].reindex(n.index)) == list(n)
    published = res.result["potensi"]
    assert published[small].isna().all()
    big = n[n >= 5].index
    assert (published[big] == st.scores.table["score"][big].round(1)).all()
    # the report's ranking (published columns only) shows no score for those areas
    from petarawan.report.tables import ranking_table

    shown = ranking_table(res, published=True).set_index("Kode wilayah")["Skor potensi"]
    assert shown[small].isna().all() and (shown[big] == published[big]).all()
