"""Issue 12 item 7 — every map stands alone: a key naming the areas, a footer in plain words, the
data date, the "DATA ILUSTRATIF" mark on every output of illustrative data (maps, sensitivity.png,
workbook, GeoPackage), the published reference label marked real with its source, islands shown as
"no local statistic", the scale bar and north arrow never on an area, and a print resolution.

The tests read what is given to matplotlib (``MapFrame.texts``: title, subtitle, marks, legend,
key, footer) and the saved files (PNG resolution read back with PIL), never pixels.
Study: tests/cases/island_average_value (37 areas: a 6 × 6 grid and the island I0001 far to the
north-east, illustrative, English)."""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import box

from petarawan import analyse, load_study
from petarawan.report import mapkit
from petarawan.report.mapkit import MapFrame, name_numbers

CASE = Path(__file__).parent / "cases" / "island_average_value"
ISLAND = "I0001"


def _study(tmp_path: Path, edit=None, data_edit=None) -> Path:
    study = tmp_path / "study"
    shutil.copytree(CASE, study, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if edit:
        toml = study / "petarawan.toml"
        toml.write_text(edit(toml.read_text(encoding="utf-8")), encoding="utf-8")
    if data_edit:
        data = pd.read_csv(study / "data.csv")
        data_edit(data).to_csv(study / "data.csv", index=False)
    return study


@pytest.fixture()
def frames(monkeypatch):
    """Every MapFrame saved during the test: its texts, dpi and the furniture it drew."""
    seen: list[MapFrame] = []
    real = MapFrame.png

    def spy(self):
        seen.append(self)
        return real(self)

    monkeypatch.setattr(MapFrame, "png", spy)
    return seen


def _by_title(frames, word: str) -> MapFrame:
    got = [f for f in frames if word in f.texts[0]]
    assert len(got) == 1, [f.texts[0] for f in frames]
    return got[0]


def test_name_numbers_follow_the_alphabet_then_the_code():
    areas = pd.DataFrame({"name": ["bukit", "Asam", "asam", "Cempaka"]}, index=["k4", "k2", "k1", "k3"])
    # casefolded: asam (k1), Asam (k2) — a tie broken by code — bukit, Cempaka
    assert name_numbers(areas).to_dict() == {"k1": 1, "k2": 2, "k4": 3, "k3": 4}


def test_local_statistic_maps_name_areas_show_the_island_and_explain_the_test(tmp_path, frames):
    res = analyse(load_study(_study(tmp_path)), post=False)
    tab = res.stages["hotspots"].analysis.area_table()
    for word, column, not_sig in (("Gi*", "gi_bin", 0), ("LISA", "lisa_cluster", "ns")):
        f = _by_title(frames, word)
        legend = f.legend_labels
        # the island is its own category, never "not significant"
        assert "No neighbour: no local statistic (1)" in f.texts
        n_ns = int(((tab[column] == not_sig) & (tab.index != ISLAND)).sum())
        assert f"Not significant ({n_ns})" in f.texts
        assert sum(int(s.rsplit("(", 1)[1][:-1]) for s in legend) == 37
        # key: 37 areas in alphabetical order of their names (the case's names are the codes)
        assert "Number = alphabetical order of area names (the same on every stage map)" in f.texts
        key = "\n".join(s for s in f.texts if "  A0" in s or "  I0" in s)
        assert " 1  A0000" in key and "37  I0001" in key
        # footer: the test and the FDR correction in plain words, neighbours, the island, then the details
        foot = f.footer
        assert "What chance would give is measured by shuffling the values among the areas 999 times." in foot
        assert "FDR correction: of the areas flagged, at most about 5% are expected to be flagged by chance alone." in foot
        assert "Neighbours = areas that share a border or a corner." in foot
        assert "1 area(s) without a neighbour have no local statistic" in foot
        # data date and the illustrative mark
        assert "Data: 2021" in f.texts[1] and "ILLUSTRATIVE DATA" in f.texts


def test_footer_in_indonesian_and_without_fdr(tmp_path, frames):
    study = _study(tmp_path, lambda s: s.replace('lang = "en"', 'lang = "id"').replace(
        'inference = "permutation"', 'inference = "permutation"\nfdr = false'))
    analyse(load_study(study), post=False)
    foot = _by_title(frames, "Gi*").footer
    assert "Yang wajar terjadi secara kebetulan diukur dengan mengacak nilai antarwilayah 999 kali." in foot
    assert "Tanpa koreksi FDR: sekitar 5% dari wilayah yang diuji dapat tertandai hanya karena kebetulan." in foot
    assert "Tanpa tetangga: tidak ada statistik lokal (1)" in _by_title(frames, "Gi*").texts


def _overlaps_an_area(frame: MapFrame, artists) -> list:
    """Artists whose drawn extent (data units) meets an area."""
    fig = frame.fig
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    inv = frame.ax.transData.inverted()
    union = frame.areas.geometry.union_all()
    bad = []
    for a in artists:
        (x0, y0), (x1, y1) = inv.transform(a.get_window_extent(r).get_points())
        if box(x0, y0, x1, y1).intersects(union):
            bad.append(a)
    return bad


@pytest.mark.parametrize("place", ["as_given", "island_south_west"])
def test_scale_bar_and_north_arrow_never_cover_an_area(place):
    areas = gpd.read_file(CASE / "areas.geojson").set_index("kode").rename(columns={"nama": "name"})
    if place == "island_south_west":  # the island moved to the lower left corner, where the scale bar was drawn
        areas.loc[ISLAND, "geometry"] = box(480_000, 8_980_000, 481_000, 8_981_000)
    frame = MapFrame(areas, title="T", subtitle="Data: 2021", side=2.0, key=name_numbers(areas), key_title="k")
    areas.plot(ax=frame.ax)
    artists = frame.furniture()
    assert len(artists) == 6  # two bar segments, "0", its length, the arrow and its letter
    assert _overlaps_an_area(frame, artists) == []


def test_print_resolution_from_the_setting_and_the_flag(tmp_path):
    from typer.testing import CliRunner

    from petarawan.cli import app
    import json

    study = _study(tmp_path, lambda s: s + "\n[maps]\ndpi = 300\n")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", str(study), "--out", str(out)])
    assert r.exit_code == 0, r.output
    for png in ("map.png", "hotspot_gi_bins.png", "hotspot_lisa.png"):
        assert Image.open(out / png).info["dpi"] == pytest.approx((300, 300), abs=0.05)
    # the flag wins over the setting and is recorded in run.json
    out2 = tmp_path / "out2"
    r = CliRunner().invoke(app, ["run", str(study), "--out", str(out2), "--dpi", "150"])
    assert r.exit_code == 0, r.output
    assert Image.open(out2 / "map.png").info["dpi"] == pytest.approx((150, 150), abs=0.05)
    assert json.loads((out2 / "run.json").read_text(encoding="utf-8"))["config"]["maps"]["dpi"] == 150
    # a resolution outside 72–600 is refused
    r = CliRunner().invoke(app, ["run", str(study), "--out", str(tmp_path / "o3"), "--dpi", "5000"])
    assert r.exit_code != 0


def test_workbook_and_geopackage_carry_the_illustrative_mark(tmp_path):
    from openpyxl import load_workbook

    from petarawan.pipeline import run

    out = tmp_path / "out"
    run(_study(tmp_path), out)
    wb = load_workbook(out / "petarawan.xlsx")
    assert wb.properties.title == "edge case island_average_value — ILLUSTRATIVE DATA"
    for ws in wb.worksheets:
        assert ws.oddHeader.center.text == "ILLUSTRATIVE DATA"
        assert ws.sheet_properties.tabColor.rgb.endswith("AA0000")
    with sqlite3.connect(out / "petarawan.gpkg") as con:
        rows = dict(con.execute("SELECT table_name, description FROM gpkg_contents WHERE data_type = 'features'"))
    assert rows and all(d.startswith("ILLUSTRATIVE DATA — Layer '") and "data 2021" in d for d in rows.values())
    assert rows["areas"] == ("ILLUSTRATIVE DATA — Layer 'areas' made by petarawan — edge case island_average_value, "
                             "data 2021")


def test_real_data_workbook_has_no_mark(tmp_path):
    from openpyxl import load_workbook

    from petarawan.pipeline import run

    out = tmp_path / "out"
    run(_study(tmp_path, lambda s: s.replace("illustrative = true", "illustrative = false")), out)
    wb = load_workbook(out / "petarawan.xlsx")
    assert all(ws.oddHeader.center.text is None for ws in wb.worksheets)
    assert "ILLUSTRATIVE" not in (wb.properties.title or "")


def _with_reference(data: pd.DataFrame) -> pd.DataFrame:
    return data.assign(zona=[1 if i % 3 == 0 else 0 for i in range(len(data))])


def test_reference_label_map_is_marked_real_and_cites_its_source(tmp_path, frames):
    from petarawan.report.maps import reference_map_png

    study = _study(tmp_path, lambda s: s.replace('code_column = "kode"\n\n[classification]',
                                                 'code_column = "kode"\nreference_column = "zona"\n'
                                                 'reference_source = "BNNK X, press release, 3 March 2025"\n'
                                                 'reference_date = "2025-03-03"\n\n[classification]'),
                   _with_reference)
    res = analyse(load_study(study), post=False)
    png = reference_map_png(res)
    f = frames[-1]
    assert "REAL DATA" in f.texts and "ILLUSTRATIVE DATA" not in f.texts  # the study is illustrative, the label is not
    assert f.footer == "A real, published label, not a petarawan result. Source: BNNK X, press release, 3 March 2025."
    assert f.texts[1].startswith("Data: 3 March 2025 · ")  # its own date, in words
    assert "red zone (13)" in f.texts  # every third of 37 areas: 0, 3, …, 36
    assert Image.open(io.BytesIO(png)).info["dpi"] == pytest.approx((130, 130), abs=0.05)


def test_reference_label_without_a_source_is_not_called_real(tmp_path, frames):
    from petarawan.report.maps import reference_map_png

    study = _study(tmp_path, lambda s: s.replace('code_column = "kode"\n\n[classification]',
                                                 'code_column = "kode"\nreference_column = "zona"\n\n[classification]'),
                   _with_reference)
    reference_map_png(analyse(load_study(study), post=False))
    f = frames[-1]
    assert "REAL DATA" not in f.texts and "ILLUSTRATIVE DATA" in f.texts
    assert f.footer == "The label's source is not given (set [data] reference_source in petarawan.toml)."


def test_sensitivity_figure_is_marked_explained_and_printable():
    from petarawan.report.uncertainty import marks, plot_figure

    from petarawan.config import StudySection

    cfg = SimpleNamespace(study=StudySection(name="Kota X", data_date="2025-04-28", illustrative=True),
                          maps=SimpleNamespace(dpi=300))
    m = marks(SimpleNamespace(config=cfg, lang="id"))
    assert m == {"subtitle": "Data: 28 April 2025 · Kota X", "watermark": "data ilustratif", "dpi": 300}
    table = pd.DataFrame({"S1": [0.5, 0.1], "S1_conf": [0.1, 0.05], "ST": [0.6, 0.2], "ST_conf": [0.1, 0.05]})
    png, texts = plot_figure(table, ["normalisasi", "bobot ±25%"], "id", **m)
    assert "DATA ILUSTRATIF" in texts and "Data: 28 April 2025 · Kota X" in texts
    assert any(s.startswith("Cara membaca: S1 = bagian pergeseran peringkat") for s in texts)
    assert Image.open(io.BytesIO(png)).info["dpi"] == pytest.approx((300, 300), abs=0.05)


def test_colour_bar_numbers_are_written_the_readers_way():
    areas = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
                             index=["x", "y"], crs=32748)
    frame = MapFrame(areas, title="T", side=2.0, lang="id")
    frame.colorbar(pd.Series([0.25, 0.75]).to_numpy(), "YlGn", "skor")
    cb_axis = frame.side_ax.child_axes[0].yaxis
    assert cb_axis.get_major_formatter()(0.5, 0) == "0,5"


def test_more_areas_than_the_key_holds_point_to_the_workbook():
    cells = [box(x * 100, y * 100, (x + 1) * 100, (y + 1) * 100) for x in range(9) for y in range(9)]  # 81 areas
    areas = gpd.GeoDataFrame({"name": [f"n{i}" for i in range(81)]}, geometry=cells,
                             index=[f"a{i}" for i in range(81)], crs=32748)
    frame = MapFrame(areas, title="T", footer="Cara membaca: …", key=name_numbers(areas), key_title="k", lang="id")
    assert frame.key is None
    assert frame.footer.endswith("Lebih dari 80 wilayah: nomor dan nama wilayah ada di buku kerja "
                                    "(petarawan.xlsx) dan GeoPackage.")
    assert mapkit.MAX_KEYED_AREAS == 80
