"""Compliance logic of the quality manual: load, validate, evaluate. Knows nothing about MkDocs."""

from .manual import LoadedManual, load_manual
from .model import Issue, Manual

__all__ = ["Issue", "LoadedManual", "Manual", "load_manual"]
