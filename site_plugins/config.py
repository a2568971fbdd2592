"""Options of the `qms` MkDocs plugin (`plugins: - qms: {...}` in mkdocs.yml)."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config, ValidationError

# What the plugin can generate; all of it by default.
GENERATE = (
    "dashboard",  # the home page: counts, trend chart, KPI tiles, what is due
    "policies",  # document control, revision history and clause badges on policy pages
    "checkpoints",  # checkpoints/index.md and one page per checkpoint
    "evidence",  # evidence/index.md, one page per record, attachments and data files
    "roles",  # roles/index.md and one page per role
    "raci",  # raci.md, the responsibility matrix
    "kpis",  # kpis.md, values per period with charts
    "plan",  # plan.md, every scheduled month of the plans with its status
    "nonconformities",  # nonconformities.md, the register
    "traceability",  # traceability.md, clause -> checkpoint -> evidence -> status
    "status",  # status.json and badges/*.svg at the site root
    "changes",  # changes/<policy>/<version>.md, clause-level changes of each version (from git)
)


class IsoDate(opt.BaseConfigOption[str | None]):
    """A date written as YYYY-MM-DD (quoted or not); kept as its ISO string."""

    def run_validation(self, value: object) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValidationError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


class QmsConfig(Config):
    enabled = opt.Type(bool, default=True)
    # The manual's root folder (holding policy/ and evidence/); default: beside mkdocs.yml.
    root = opt.Optional(opt.Type(str))
    # The evaluation date. Default: the QMS_AS_OF environment variable, else today.
    as_of = IsoDate()
    # Language of the site's labels (zh, en); default: theme.language. Unknown languages get zh.
    language = opt.Optional(opt.Type(str))
    generate = opt.ListOfItems(opt.Choice(GENERATE), default=list(GENERATE))
    # Month ends shown in the compliance-over-time chart of the dashboard.
    trend_months = opt.Type(int, default=12)
    # The dashboard lists what is due within this many days of the evaluation date.
    due_days = opt.Type(int, default=60)
    # Rows of each data file shown on its evidence page (0: none).
    data_preview_rows = opt.Type(int, default=10)
    # Raw HTML in the bodies of policies, records and pages is sanitized (scripts, event
    # handlers, javascript: URLs and iframes removed); false only for a trusted repository.
    sanitize_html = opt.Type(bool, default=True)
