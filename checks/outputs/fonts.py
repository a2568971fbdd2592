"""The CJK font the exports use, found through fontconfig (never downloaded).

WeasyPrint embeds the glyphs a PDF uses from the font fontconfig gives it; Word
documents name the family, for Word to find on the reader's machine.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..i18n import _

# Families in order of preference; any font fontconfig says covers Simplified Chinese will do.
PREFERRED = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")


class FontMissing(Exception):
    """No font on this machine can show Chinese; the message says what to install."""


@dataclass(frozen=True)
class Font:
    family: str
    path: Path


@cache
def cjk_font() -> Font:
    """The first installed font that covers Simplified Chinese."""
    if shutil.which("fc-match") is None:
        raise FontMissing(_("fontconfig (fc-match) is not installed; install fontconfig and fonts-noto-cjk"))
    for pattern in (*PREFERRED, ":lang=zh-cn"):
        found = _match(pattern)
        if found is not None:
            return found
    raise FontMissing(_("no font covering Chinese is installed; install fonts-noto-cjk"))


def _match(pattern: str) -> Font | None:
    try:
        done = subprocess.run(
            ["fc-match", "--format", "%{family[0]}\n%{file}\n%{lang}", pattern],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    family, path, langs = [*done.stdout.split("\n", 2), "", ""][:3]
    # fc-match always answers with something: keep it only if it really covers Chinese.
    if "zh-cn" not in langs.split("|") or not Path(path).is_file():
        return None
    if pattern in PREFERRED and family != pattern:
        return None
    return Font(family=family, path=Path(path))
