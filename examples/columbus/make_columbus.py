"""Build the Columbus example from the copy of the data bundled with libpysal (offline).

libpysal ships the Columbus data in its package (``libpysal/examples/columbus/``, BSD-3-Clause
licence of libpysal; data from Anselin 1988).  This script copies the polygon shapefile, writes a
``.prj`` declaring its arbitrary projected units (an engineering CRS: the file has none, and
petarawan requires every boundary file to declare one) and writes the attribute table as
``columbus.csv``.  Run it again to rebuild the example:

    python examples/columbus/make_columbus.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
from libpysal import examples

HERE = Path(__file__).resolve().parent
PRJ = ('LOCAL_CS["Columbus (arbitrary projected units)",LOCAL_DATUM["Columbus neighbourhoods, Anselin (1988)",32767],'
       'UNIT["unknown",1.0],AXIS["Easting",EAST],AXIS["Northing",NORTH]]')


def main() -> None:
    src = Path(examples.get_path("columbus.shp")).parent
    for ext in ("shp", "shx", "dbf"):
        shutil.copyfile(src / f"columbus.{ext}", HERE / f"columbus.{ext}")
    (HERE / "columbus.prj").write_text(PRJ, encoding="utf-8")
    g = gpd.read_file(HERE / "columbus.shp")
    cols = ["POLYID", "NEIG", "CRIME", "HOVAL", "INC", "OPEN", "PLUMB", "DISCBD"]
    g[cols].to_csv(HERE / "columbus.csv", index=False)
    print(f"wrote {HERE}/columbus.{{shp,shx,dbf,prj,csv}} ({len(g)} areas)")


if __name__ == "__main__":
    main()
