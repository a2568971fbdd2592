"""Messages in the manual's language.

Every sentence a user reads (CLI output, validation messages, status reasons, site
labels) is written in English in the code and marked with `_()`, so that the gettext
catalogs under `checks/locale/` give it in the manual's language. Placeholders are named
and filled after the lookup: `_("{record} is late").format(record=record.id)`, never an
f-string inside `_()`, or the catalog could not find the sentence. `N_()` marks a message
kept in a table and translated where it is shown.

The compiled catalogs (`.mo`) are committed beside their sources (`.po`), so reading one
costs a millisecond and no build step; tests/test_catalogs.py fails when one is stale.
"""

from __future__ import annotations

import contextvars
import functools
import gettext
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import yaml

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
_ENGLISH = gettext.NullTranslations()
_current: contextvars.ContextVar[gettext.NullTranslations | None] = contextvars.ContextVar(
    "qms_translations", default=None
)


def _(message: str) -> str:
    """The message in the current language (English when no catalog has it)."""
    return (_current.get() or _ENGLISH).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return (_current.get() or _ENGLISH).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for the catalogs without translating it here."""
    return message


def current_language() -> str:
    """The language messages are given in now (zh, en): the `Language` of the catalog's header."""
    return language_code((_current.get() or _ENGLISH).info().get("language")) or DEFAULT_LANGUAGE


@contextmanager
def use_language(language: str | None) -> Iterator[None]:
    """Give messages in `language` (zh, en) inside the block."""
    token = activate(language)
    try:
        yield
    finally:
        _current.reset(token)


def activate(language: str | None) -> contextvars.Token[gettext.NullTranslations | None]:
    """Give messages in `language` until `deactivate(token)`: for hooks that open and close a
    language in two events (the site's build), where a `with` block cannot span them."""
    return _current.set(translations(language))


def deactivate(token: contextvars.Token[gettext.NullTranslations | None]) -> None:
    _current.reset(token)


@functools.cache
def translations(language: str | None) -> gettext.NullTranslations:
    """The catalog of `language` ('zh', 'zh-CN', 'en_GB.UTF-8'...); English for anything else."""
    code = language_code(language) or DEFAULT_LANGUAGE
    catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    return catalog  # its header names its language (current_language); without a catalog, English


def language_code(language: str | None) -> str | None:
    """'zh_CN.UTF-8', 'zh-Hans', 'en-GB' -> 'zh', 'zh', 'en'; None for a language without a catalog."""
    code = re.split(r"[-_.@]", (language or "").strip(), maxsplit=1)[0].lower()
    return code if code in LANGUAGES else None


def choose_language(option: str | None, manual_root: Path | None, environ: Mapping[str, str] = os.environ) -> str:
    """The language to speak: `--language`, else the manual's theme.language in mkdocs.yml,
    else the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG as gettext reads them), else English."""
    for candidate in (option, _theme_language(manual_root)):
        code = language_code(candidate)
        if code:
            return code
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            # LANGUAGE is a priority list (zh_CN:en); the first variable set decides, as in gettext.
            for part in value.split(":"):
                code = language_code(part)
                if code:
                    return code
            return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _theme_language(root: Path | None) -> str | None:
    if root is None:
        return None
    try:
        with open(root / "mkdocs.yml", encoding="utf-8") as stream:
            config = yaml.load(stream, Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # mkdocs reports a broken mkdocs.yml; the CLI then speaks the locale's language
    theme = config.get("theme") if isinstance(config, dict) else None
    language = theme.get("language") if isinstance(theme, dict) else None
    return language if isinstance(language, str) else None


class _ConfigLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """mkdocs.yml may hold tags (!!python/name:..., !ENV) a safe load refuses: read them as nothing."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)
