"""``petarawan init``: a commented template study a user fills in."""

from __future__ import annotations

import csv
from pathlib import Path

from .codes import clean_code
from .config import CONFIG_NAME
from .errors import Finding, InputError
from .io.readers import read_boundaries
from .template import FRAMEWORK, render_config
from .i18n import Join, Msg

README = """# Studi petarawan

1. Letakkan berkas batas wilayah (GeoJSON/GeoPackage/Shapefile dengan CRS) sebagai `{areas}`
   — atau ubah `[areas] file` di `petarawan.toml`.
2. Isi `{data}`: satu baris per kode wilayah, jumlah penduduk (`penduduk`, untuk laju per
   10.000), satu kolom per indikator (koma desimal boleh).
   Hapus indikator yang tidak Anda punya dari `petarawan.toml` dan dari tabel.
3. `petarawan validate .` — menampilkan setiap masalah beserta baris dan kolomnya.
4. `petarawan run . --out hasil` — peta, Excel, GeoPackage (QGIS), laporan, run.json.

Jangan memasukkan nama, NIK atau nomor telepon ke tabel apa pun.
"""


def _likely_column(gdf, columns: list[str], *, codes: bool) -> str:
    """The column that looks most like area codes (digits and dots) or, with ``codes=False``,
    most like names — only to make the example in an error message useful."""
    import re

    def code_share(col: str) -> float:
        values = [str(v) for v in gdf[col].dropna().head(50)]
        return sum(bool(re.fullmatch(r"[\d.\s]+", v)) for v in values) / max(len(values), 1)

    if not columns:
        return "KODE" if codes else "NAMA"
    return max(columns, key=code_share) if codes else min(columns, key=code_share)


def write_template(study_dir: Path | str, *, areas: Path | None = None, code_column: str = "kode",
                   name_column: str = "nama", force: bool = False) -> list[Path]:
    """Write ``petarawan.toml``, an indicator table with the framework's headings (one row per
    area when ``areas`` is given, whose boundaries are copied as ``batas_wilayah.gpkg``) and a
    README.  Returns the written paths ``[config, table, boundary, readme]``.

    Raises
    ------
    FileExistsError
        A file would be overwritten and ``force`` is false.
    InputError
        ``areas`` cannot be read or lacks the code/name column.
    """
    study_dir = Path(study_dir)
    cfg_path = study_dir / CONFIG_NAME
    data_path = study_dir / "indikator.csv"
    area_path = study_dir / ("batas_wilayah.gpkg" if areas else "batas_wilayah.geojson")
    readme = study_dir / "README.md"
    for p in (cfg_path, data_path, readme) + ((area_path,) if areas else ()):
        if p.exists() and not force:
            raise FileExistsError(0, "exists", str(p))
    rows: list[tuple[str, str]] = []
    gdf = None
    if areas is not None:
        gdf = read_boundaries(Path(areas))
        present = [c for c in gdf.columns if c != "geometry"]
        missing = [(col, opt) for col, opt in ((code_column, "--code-column"), (name_column, "--name-column"))
                   if col not in gdf.columns]
        if missing:  # one finding per column, each naming the option that picks another (tester finding 16)
            raise InputError([Finding("error", "missing_column", Msg("f.missing_column.init"), file=str(areas), column=col,
                                      expected=Msg("x.init_column", valid=Join(present) if present else "–", option=opt,
                                                   example=_likely_column(gdf, present, codes=opt == "--code-column")))
                              for col, opt in missing])
        rows = [(clean_code(c) or "", str(n)) for c, n in zip(gdf[code_column], gdf[name_column])]
    study_dir.mkdir(parents=True, exist_ok=True)
    if gdf is not None:
        gdf.to_file(area_path, driver="GPKG", engine="pyogrio")
    cfg_path.write_text(render_config(name=study_dir.name, areas_file=area_path.name, data_file=data_path.name,
                                      code_column=code_column, name_column=name_column), encoding="utf-8")
    with open(data_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([code_column, name_column, "penduduk"] + [i.code for i in FRAMEWORK])
        for code, name in rows:
            w.writerow([code, name, ""] + [""] * len(FRAMEWORK))
    readme.write_text(README.format(areas=area_path.name, data=data_path.name), encoding="utf-8")
    return [cfg_path, data_path, area_path, readme]
