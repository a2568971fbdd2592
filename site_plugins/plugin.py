"""The `qms` MkDocs plugin: loads the manual through `checks` and reports its problems."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from checks import LoadedManual, load_manual

from .config import QmsConfig

log = get_plugin_logger(__name__)


class QualityManualPlugin(BasePlugin[QmsConfig]):
    def __init__(self) -> None:
        self.loaded: LoadedManual | None = None

    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        root = self._root(config)
        if not (root / "policy").is_dir():
            raise PluginError(f"qms: no policy/ folder in {root}")
        self.loaded = load_manual(root)
        # Warnings, so that `mkdocs build --strict` fails on an invalid manual
        # while a plain build still shows what it can.
        for issue in self.loaded.issues:
            log.warning(str(issue))
        return config

    def _root(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        return (base / self.config.root).resolve() if self.config.root else base
