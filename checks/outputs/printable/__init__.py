"""The manual's printable form, shared by the audit pack (manual.html) and the Word and
PDF exports: one renderer, so a document reads the same wherever it is printed."""

from .context import Context
from .manual import render_manual
from .policy import policy_section, render_policy_body

__all__ = ["Context", "policy_section", "render_manual", "render_policy_body"]
