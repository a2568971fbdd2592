"""`qms init`: a new, minimal, valid manual from the packaged template."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from .. import __version__
from .editors import vscode_settings, write_schemas
from .fsio import new_folder_mode

# Package data cannot hold dotfiles reliably, so they are stored without the dot.
_RENAMES = {"gitignore": ".gitignore", "gitkeep": ".gitkeep", "pre-commit-config.yaml": ".pre-commit-config.yaml"}


class TargetNotEmpty(Exception):
    pass


def init_manual(target: Path, *, date: dt.date, language: str = "zh", site_name: str = "质量手册") -> list[Path]:
    """Write the template into `target`, which must be missing or empty.

    Files are assembled in a temporary sibling folder and moved into place in
    one rename, so an interrupted run leaves nothing half-made.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TargetNotEmpty(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    values = {"{date}": date.isoformat(), "{language}": language, "{site_name}": site_name, "{version}": __version__}
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.init-"))
    try:
        staging.chmod(new_folder_mode())  # mkdtemp makes it 0700
        written = _copy(resources.files("checks").joinpath("templates", "init"), staging, values)
        written += _editor_files(staging)
        if target.exists():
            target.rmdir()  # empty, checked above; rename needs the name free
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / p.relative_to(staging) for p in written]


SCHEMA_FOLDER = "schemas"


def _editor_files(staging: Path) -> list[Path]:
    """The kinds' schemas, and VS Code's settings that put them on the kinds' folders."""
    written = write_schemas(staging / SCHEMA_FOLDER)
    settings = staging / ".vscode" / "settings.json"
    settings.parent.mkdir(mode=new_folder_mode())
    settings.write_text(vscode_settings(SCHEMA_FOLDER), encoding="utf-8")
    return [*written, settings]


def _copy(source: Traversable, dest: Path, values: dict[str, str]) -> list[Path]:
    written = []
    for item in sorted(source.iterdir(), key=lambda t: t.name):
        if item.name == "__pycache__":  # left by running the template's own tests in place
            continue
        name = _RENAMES.get(item.name, item.name)
        if item.is_dir():
            (dest / name).mkdir()
            written += _copy(item, dest / name, values)
            continue
        text = item.read_text("utf-8")
        for token, value in values.items():
            text = text.replace(token, value)
        (dest / name).write_text(text, encoding="utf-8")
        written.append(dest / name)
    return written
