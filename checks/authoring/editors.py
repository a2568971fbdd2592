"""Schemas on disk for editors: `qms schema --write DIR`, and the VS Code settings `qms init`
writes so that the YAML extension (yaml-language-server) checks each kind's files as they are
typed. Markdown front matter (policies, records) is not checked there: `qms validate` is."""

from __future__ import annotations

import json
from pathlib import Path

from ..i18n import _
from ..loading.schema import schema_names, schema_text
from .fsio import new_folder_mode, replace

# The folders a manual keeps each YAML kind in (as `qms init` and this repository do).
KIND_FOLDERS = {
    "checkpoint": "checkpoints",
    "evidence-type": "evidence-types",
    "kpi": "kpis",
    "plan": "plans",
    "project": "projects",
    "role": "roles",
    "waiver": "waivers",
}
_OURS = "urn:quality-manual:schema:"  # the `$id` every shipped schema starts with


class SchemaFolderError(Exception):
    pass


def schema_file(folder: Path, kind: str) -> Path:
    return folder / f"{kind}.schema.json"


def write_schemas(folder: Path) -> list[Path]:
    """Every kind's schema as `KIND.schema.json` in `folder`. A file there that is not one of
    these schemas (an earlier version's is) is a user's: nothing is written then."""
    targets = [schema_file(folder, name) for name in schema_names()]
    for target in targets:
        if target.exists() and not _is_ours(target):
            raise SchemaFolderError(
                _("{path} exists and is not a schema qms wrote; nothing was written").format(path=target)
            )
    if not folder.is_dir():
        folder.mkdir(parents=True, mode=new_folder_mode())
    for name, target in zip(schema_names(), targets, strict=True):
        replace(target, schema_text(name))
    return targets


def vscode_settings(schema_folder: str) -> str:
    """`.vscode/settings.json`: each schema (a path from the workspace's root) on its kind's folder."""
    schemas = {
        f"./{schema_folder}/{kind}.schema.json": [f"policy/{folder}/**/*.yaml", f"policy/{folder}/**/*.yml"]
        for kind, folder in KIND_FOLDERS.items()
    }
    return json.dumps({"yaml.schemas": schemas}, ensure_ascii=False, indent=2) + "\n"


def _is_ours(path: Path) -> bool:
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(found, dict) and str(found.get("$id", "")).startswith(_OURS)
