"""Clauses: the numbered headings of a policy's Markdown body."""

from __future__ import annotations

import re

from ..model import Clause

_HEADING = re.compile(r"^(#{1,6})[ \t]+(\d+(?:\.\d+)*)\.?(?:[ \t]+(.*?))?[ \t#]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def parse_clauses(body: str, first_line: int = 1) -> tuple[dict[str, Clause], list[tuple[int, str]]]:
    """Map section number -> Clause, plus (line, number) of any duplicated number.

    Headings inside fenced code blocks are not clauses. Each clause's text runs
    to the next heading of any level, so a change to 7.3 alone does not touch 7.3.1.
    """
    clauses: dict[str, Clause] = {}
    duplicates: list[tuple[int, str]] = []
    open_: tuple[str, str, int, int] | None = None  # number, title, level, line
    text: list[str] = []
    in_code = False

    def close() -> None:
        if open_ is not None:
            number, title, level, line = open_
            clauses[number] = Clause(number, title, level, line, "\n".join(text).strip())

    for offset, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if match is None:
            if line.startswith("#") and not in_code and re.match(r"^#{1,6}[ \t]", line):
                close()
                open_ = None
                text = []
            else:
                text.append(line)
            continue
        close()
        number = match.group(2)
        line_no = first_line + offset
        if number in clauses or (open_ is not None and open_[0] == number):
            duplicates.append((line_no, number))
            open_ = None
            text = []
            continue
        open_ = (number, (match.group(3) or "").strip(), len(match.group(1)), line_no)
        text = []
    close()
    return clauses, duplicates
