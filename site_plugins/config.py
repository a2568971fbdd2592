from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class QmsConfig(Config):
    enabled = opt.Type(bool, default=True)
    # The manual's root folder (holding policy/ and evidence/); default: beside mkdocs.yml.
    root = opt.Optional(opt.Type(str))
