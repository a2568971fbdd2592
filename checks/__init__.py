"""Compliance logic of the quality manual: load, validate, evaluate. Knows nothing about MkDocs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("quality-manual")  # one version, in pyproject.toml
except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
    __version__ = "0+unknown"

from .loading.manual import LoadedManual, load_manual
from .model import Issue, Manual

__all__ = ["Issue", "LoadedManual", "Manual", "load_manual"]
