"""Build step: compile the message catalogues (``.po`` → ``.mo``) before the package is built.

Runs for ``pip install .``, ``pip install -e .`` (the ``.mo`` files are written next to their
``.po`` files in ``src/petarawan/locale``, where both kinds of install read them) and wheel/sdist
builds.  All metadata is in ``pyproject.toml``.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def compile_catalogues() -> None:
    spec = importlib.util.spec_from_file_location("_catalogue", HERE / "src" / "petarawan" / "_catalogue.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.compile_all()


class BuildPy(build_py):
    def run(self):
        compile_catalogues()
        super().run()


setup(cmdclass={"build_py": BuildPy})
