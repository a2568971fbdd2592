"""Options of the `qms` MkDocs plugin (`plugins: - qms: {...}` in mkdocs.yml)."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config, ValidationError

from checks.evaluating.periods import MAX_TREND_MONTHS, check_as_of
from checks.i18n import _
from checks.loading.data import DataLimits

# What the plugin can generate; all of it by default.
GENERATE = (
    "dashboard",  # the home page: counts, trend chart, KPI tiles, what is due
    "policies",  # document control, revision history and clause badges on policy pages
    "checkpoints",  # checkpoints/index.md (and checkpoints/all/2.md...) and one page per checkpoint
    "evidence",  # evidence/index.md, one page per record, attachments and data files
    "roles",  # roles/index.md and one page per role
    "raci",  # raci.md, the responsibility matrix
    "kpis",  # kpis.md, values per period with charts
    "plan",  # plan.md, every scheduled month of the plans with its status
    "nonconformities",  # nonconformities.md, the register
    "traceability",  # traceability.md (and traceability/2.md...), clause -> checkpoint -> evidence -> status
    "status",  # status.json and badges/*.svg at the site root
    "calendar",  # calendar.ics and calendar/<role>.ics at the site root: what is due, to subscribe to
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
            value = value.isoformat()
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(_("expected a date as YYYY-MM-DD, got {value}").format(value=repr(value))) from None
        problem = check_as_of(day)
        if problem:
            raise ValidationError(problem)
        return day.isoformat()


class Bounded(opt.BaseConfigOption[int]):
    """A whole number within bounds: a negative count or a trend of 100,000 months is a
    configuration error with a message, not an error deep in the build."""

    def __init__(self, low: int, high: int, default: int) -> None:
        super().__init__()
        self.low, self.high, self.default = low, high, default

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            message = _("expected a whole number from {low} to {high}, got {value}")
            raise ValidationError(message.format(low=self.low, high=self.high, value=repr(value)))
        return value


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
    trend_months = Bounded(0, MAX_TREND_MONTHS, default=12)
    # The dashboard lists what is due within this many days of the evaluation date.
    due_days = Bounded(0, 3660, default=60)
    # Rows per page of the checkpoint index and of the traceability matrix (split over pages).
    page_rows = Bounded(10, 100_000, default=150)
    # Rows of each data file shown on its evidence page (0: none).
    data_preview_rows = Bounded(0, 10_000, default=10)
    # Data files larger than these are refused with a message (see `qms --max-workbook-mb`).
    max_workbook_mb = Bounded(1, 1 << 20, default=DataLimits.max_workbook_mb)
    max_workbook_rows = Bounded(1, 1 << 30, default=DataLimits.max_workbook_rows)
    max_csv_mb = Bounded(1, 1 << 20, default=DataLimits.max_csv_mb)
    # Raw HTML in the bodies of policies, records and pages is sanitized (scripts, event
    # handlers, javascript: URLs and iframes removed); false only for a trusted repository.
    sanitize_html = opt.Type(bool, default=True)
