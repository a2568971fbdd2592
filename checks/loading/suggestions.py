""""Did you mean" for a key or an id that does not exist: the message that leads to the fix."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from ..i18n import _
from ..model import Manual

_DIGITS = re.compile(r"\d+")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when none is close."""
    choices = list(choices)
    folded = [c for c in choices if c.casefold() == word.casefold()]  # 'OPS-Dept' for 'ops-dept'
    # Letters are mistyped, numbers are meant: QP-09 is not a slip for QP-01.
    letters = _DIGITS.sub("0", word)
    close = folded or difflib.get_close_matches(word, [c for c in choices if _DIGITS.sub("0", c) != letters], n=1)
    return _(" (did you mean '{choice}'?)").format(choice=close[0]) if close else ""


def suggest_id(manual: Manual, kind: str, value: str) -> str:
    """The hint for an unknown id of `kind`: the closest id of that kind."""
    return did_you_mean(value, manual.collection(kind))
