"""Messages in the manual's language.

Every sentence a user reads (CLI output, validation messages, status reasons, site
labels) is written in English in the code and marked with `_()`, so that gettext
catalogs can give it in the manual's language. Placeholders are named and filled
after the lookup: `_("{record} is late").format(record=record.id)`, never an f-string
inside `_()`, or the catalog could not find the sentence.
"""

from __future__ import annotations

import contextvars
import gettext
from collections.abc import Iterator
from contextlib import contextmanager

LANGUAGES = ("zh", "en")
_ENGLISH = gettext.NullTranslations()
_current: contextvars.ContextVar[gettext.NullTranslations | None] = contextvars.ContextVar(
    "qms_translations", default=None
)


def _(message: str) -> str:
    """The message in the current language (English when no catalog has it)."""
    return (_current.get() or _ENGLISH).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return (_current.get() or _ENGLISH).ngettext(singular, plural, count)


@contextmanager
def use_language(language: str | None) -> Iterator[None]:
    """Give messages in `language` (zh, en) inside the block."""
    token = _current.set(translations(language))
    try:
        yield
    finally:
        _current.reset(token)


def translations(language: str | None) -> gettext.NullTranslations:
    # The catalogs arrive with the message sweep; until then every language reads English.
    return gettext.NullTranslations()
