"""The message catalogs (checks/locale) are complete and current: every message the code marks
has a Chinese translation with the same placeholders, the template lists exactly what the code
marks, and each compiled .mo is what its .po compiles to (the .mo files are committed)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import REPO

LOCALE = REPO / "checks" / "locale"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sr]|%[sr]")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What `pybabel extract` (README) finds in the code now."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    done = subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract", "-F", "babel.cfg"]
        + ["-o", str(pot), "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return _read(pot)


def test_the_template_lists_what_the_code_marks(extracted: Catalog) -> None:
    template = _read(LOCALE / "messages.pot")
    missing, gone = _ids(extracted) - _ids(template), _ids(template) - _ids(extracted)
    assert not missing and not gone, f"run the extract and update commands of the README: new {missing}, gone {gone}"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_catalog_holds_every_message(extracted: Catalog, language: str) -> None:
    catalog = _read(LOCALE / language / "LC_MESSAGES" / "messages.po")
    missing = _ids(extracted) - _ids(catalog)
    assert not missing, f"run the update command of the README: {missing}"


def test_every_message_has_a_chinese_translation_with_its_placeholders() -> None:
    catalog = _read(LOCALE / "zh" / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {message.id!r}")
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        for string in strings:
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(string))):
                problems.append(f"placeholders differ: {source!r} -> {string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_compiled_catalogs_are_current(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, _read(folder / "messages.po"))
    assert (folder / "messages.mo").read_bytes() == compiled.getvalue(), "run the compile command of the README"


def test_no_message_is_marked_inside_an_f_string() -> None:
    """`f"{_('...')}"` translates at run time but extraction cannot see it, so the catalogs
    would never have it: mark messages outside f-strings."""
    marked_inside = re.compile(r"\{(?:_|N_|ngettext)\(")
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for folder in ("checks", "site_plugins")
        for path in sorted((REPO / folder).rglob("*.py"))
        if "templates" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if marked_inside.search(line)
    ]
    assert not found, "\n".join(found)
