"""argparse's own sentences (usage, errors, --help headings) in the manual's language.

argparse looks its messages up through its module-level `_` and `ngettext` at the moment it
prints them; pointing those at `checks.i18n` makes them follow `use_language`, and outside
a language block they read English as before. The messages are listed here so that
`pybabel extract` puts them in our catalogs; they must match argparse's own text exactly.
"""

from __future__ import annotations

import argparse

from .i18n import N_, _, ngettext

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _plural_marks() -> None:  # pragma: no cover - read by pybabel extract only
    ngettext("expected %s argument", "expected %s arguments", 1)


def route_argparse_messages() -> None:
    """Make argparse speak the current language (idempotent)."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
