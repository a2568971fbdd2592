"""Compliance logic of the quality manual: load, validate, evaluate. Knows nothing about MkDocs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("quality-manual")  # one version, in pyproject.toml
except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
    __version__ = "0+unknown"

from .evaluating.kpis import Measure
from .evaluating.periods import Period, period_from_label
from .loading.localcode import load_function
from .loading.manual import LoadedManual, load_manual
from .model import Issue, Manual
from .results import Outcome

# The function API of a manual's own code (README, "Your own KPIs and checks"): what a KPI
# function returns (Measure) and gets (Period), what a check returns (Outcome), and what
# the manual's tests use to load its functions and its content.
__all__ = [
    "Issue",
    "LoadedManual",
    "Manual",
    "Measure",
    "Outcome",
    "Period",
    "load_function",
    "load_manual",
    "period_from_label",
]
