"""Offline web dashboard over one run's outputs: ``petarawan serve OUT_DIR``."""

from .app import create_app

__all__ = ["create_app"]
