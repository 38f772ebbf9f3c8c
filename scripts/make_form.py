"""Build the community-potential XLSForm ``forms/potensi_masyarakat.xlsx``.

The area-code choice list comes from a boundary file (GeoJSON/GeoPackage/Shapefile) or a CSV
with the code and name columns.  Default: the Pangkalpinang example's boundary file.

Usage::

    python scripts/make_form.py [--boundary FILE] [--code-column kode] [--name-column nama]

Writes ``forms/potensi_masyarakat.xlsx``, the package copy
``src/petarawan/forms/potensi_masyarakat.xlsx`` and (for the default boundary) the example's copy
``examples/pangkalpinang/potensi_masyarakat.xlsx``, then checks the form converts with pyxform.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from petarawan.codes import normalise_code  # noqa: E402
from petarawan.potential.form import build_form  # noqa: E402

SHARED = Path("/work/shared/data/pangkalpinang/pangkalpinang_kelurahan.csv")


def _default_boundary() -> Path:
    found = sorted((ROOT / "examples" / "pangkalpinang").glob("*.geojson"))
    if found:
        return found[0]
    return SHARED


def read_areas(path: Path, code_column: str, name_column: str) -> list[tuple[str, str]]:
    if path.suffix.lower() == ".csv":
        import pandas as pd

        df = pd.read_csv(path, dtype=str)
    else:
        import geopandas as gpd

        df = gpd.read_file(path)
    return sorted({(normalise_code(c), str(n)) for c, n in zip(df[code_column], df[name_column])})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boundary", type=Path, default=None)
    ap.add_argument("--code-column", default="kode")
    ap.add_argument("--name-column", default="nama")
    ap.add_argument("--out", type=Path, default=ROOT / "forms" / "potensi_masyarakat.xlsx")
    args = ap.parse_args(argv)
    boundary = args.boundary or _default_boundary()
    areas = read_areas(boundary, args.code_column, args.name_column)
    out = build_form(areas, args.out)
    pkg = ROOT / "src" / "petarawan" / "forms" / out.name
    if out.resolve() != pkg.resolve():
        pkg.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, pkg)
    example = ROOT / "examples" / "pangkalpinang"
    if boundary.resolve().parent == example.resolve():
        shutil.copyfile(out, example / out.name)   # the example study's own copy ([potential] form = ...)
    from pyxform.xls2xform import convert

    convert(str(out), validate=False)
    print(f"{out} ({len(areas)} areas from {boundary.name}); copy in {pkg}")


if __name__ == "__main__":
    main()
