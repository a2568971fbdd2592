"""Compliance logic of the quality manual: load, validate, evaluate. Knows nothing about MkDocs."""

__version__ = "0.1.0"

from .loading.manual import LoadedManual, load_manual
from .model import Issue, Manual

__all__ = ["Issue", "LoadedManual", "Manual", "load_manual"]
