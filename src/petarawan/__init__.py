"""petarawan — drug-prone area mapping and community-empowerment planning per kelurahan/desa.

Public API::

    from petarawan import load_study, analyse, run
    study = load_study("examples/pangkalpinang")   # validated inputs
    result = analyse(study)                        # index, classes, stages (no files)
    run("examples/pangkalpinang", "out/")          # everything, written atomically

    from petarawan.replay import replay            # re-run from out/run.json, compare every table
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import ConfigError, Finding, InputError, PetarawanError, ReplayError  # noqa: E402

_LAZY = {"Study": "validate", "load_study": "validate", "RunResult": "pipeline", "analyse": "pipeline", "run": "pipeline"}

__all__ = ["ConfigError", "Finding", "InputError", "PetarawanError", "ReplayError", *_LAZY, "__version__"]


def __getattr__(name: str):
    # heavy modules (geopandas, matplotlib) load only when used
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'petarawan' has no attribute {name!r}")
