"""Edit a file's YAML front matter in place, touching only the values that change.

Edits are splices at the positions PyYAML reports for each node, so the body,
comments, key order and quoting of everything else stay byte for byte. Only
block-style mappings and sequences can be extended; flow style (`[a, b]`) is
refused with a clear message rather than rewritten.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..i18n import _

_PLAIN = re.compile(r"^[A-Za-z0-9\u3400-\u9fff\uff00-\uffef][\w.\-/\u3400-\u9fff\uff00-\uffef·（）()、，。 ]*$")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


class EditError(Exception):
    """The front matter cannot be edited this way; the message says why."""


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as `value` (dates plain, odd strings quoted)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    looks_numeric = re.fullmatch(r"[-+.\d_eE:]+", text) is not None
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not looks_numeric and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


@dataclass
class FrontMatter:
    """The front matter of one Markdown file, as text plus its parsed node tree."""

    before: str  # the BOM and opening fence line
    yaml_text: str
    after: str  # the closing fence and the body, untouched

    @classmethod
    def parse(cls, text: str) -> FrontMatter:
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        body = text[len(bom) :]
        first_end = body.find("\n")
        if first_end < 0 or body[:first_end].rstrip("\r").rstrip() != "---":
            raise EditError(_("the file does not start with a '---' front matter fence"))
        start = first_end + 1
        match = re.compile(r"^---[ \t]*\r?$", re.M).search(body, start)
        if match is None:
            raise EditError(_("front matter has no closing '---' line"))
        return cls(bom + body[:start], body[start : match.start()], body[match.start() :])

    @property
    def text(self) -> str:
        return self.before + self.yaml_text + self.after

    def _root(self) -> yaml.MappingNode:
        node = yaml.compose(self.yaml_text, Loader=yaml.SafeLoader)
        if not isinstance(node, yaml.MappingNode):
            raise EditError(_("front matter is not a mapping"))
        return node

    def _find(self, path: tuple[str | int, ...]) -> yaml.Node | None:
        node: yaml.Node | None = self._root()
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, yaml.SequenceNode) or part >= len(node.value) or part < -len(node.value):
                    return None
                node = node.value[part]
            else:
                if not isinstance(node, yaml.MappingNode):
                    return None
                node = next((v for k, v in node.value if k.value == part), None)
            if node is None:
                return None
        return node

    def _newline(self) -> str:
        return "\r\n" if "\r\n" in self.yaml_text else "\n"

    def set(self, path: tuple[str | int, ...], value: Any) -> None:
        """Set a scalar at `path`, replacing its text or adding the key to its mapping."""
        node = self._find(path)
        if node is not None:
            if not isinstance(node, yaml.ScalarNode):
                raise EditError(_("{field} is not a single value").format(field=_show(path)))
            self._splice(node.start_mark.index, node.end_mark.index, scalar(value))
            return
        parent = self._find(path[:-1]) if len(path) > 1 else self._root()
        if parent is None and len(path) == 2:  # a new top-level mapping with one key
            root = self._root()
            indent = root.value[0][0].start_mark.column
            nl = self._newline()
            lines = f"{' ' * indent}{path[0]}:{nl}{' ' * (indent + 2)}{path[1]}: {scalar(value)}"
            self._insert(self._line_end(root.value[-1][1].end_mark.index), lines)
            return
        if parent is None:
            raise EditError(_("cannot create {field}").format(field=_show(path)))
        if not isinstance(parent, yaml.MappingNode):
            raise EditError(_("{field} is not a mapping").format(field=_show(path[:-1])))
        self._add_key(parent, str(path[-1]), scalar(value))

    def _add_key(self, mapping: yaml.MappingNode, key: str, rendered: str) -> None:
        if mapping.flow_style:
            raise EditError(_("cannot add '{key}' to a flow-style mapping; write it in block style").format(key=key))
        if not mapping.value:
            raise EditError(_("cannot add '{key}' to an empty mapping").format(key=key))
        indent = mapping.value[0][0].start_mark.column
        at = self._line_end(mapping.value[-1][1].end_mark.index)
        self._insert(at, " " * indent + f"{key}: {rendered}")

    def append_item(self, path: tuple[str, ...], item: dict[str, Any]) -> None:
        """Append a mapping to the block sequence at `path` (created if absent)."""
        node = self._find(path)
        nl = self._newline()
        if node is None:
            root = self._root()
            indent = root.value[0][0].start_mark.column
            lines = [" " * indent + f"{path[-1]}:"] + _item_lines(item, indent + 2)
            at = self._line_end(root.value[-1][1].end_mark.index)
            self._insert(at, nl.join(lines))
            return
        if not isinstance(node, yaml.SequenceNode):
            raise EditError(_("{field} is not a list").format(field=_show(path)))
        if node.flow_style or not node.value:
            raise EditError(
                _("cannot append to {field}: write it as a block list ('- ' items)").format(field=_show(path))
            )
        first = node.value[0]
        dash = self.yaml_text.rfind("-", 0, first.start_mark.index)
        line_start = self.yaml_text.rfind("\n", 0, dash) + 1
        dash_column = dash - line_start
        at = self._line_end(node.value[-1].end_mark.index)
        self._insert(at, nl.join(_item_lines(item, dash_column)))

    def _line_end(self, index: int) -> int:
        """Where a new line goes after the node ending at `index`."""
        if index > 0 and self.yaml_text[index - 1] == "\n":
            return index  # block nodes end at the start of the next line
        end = self.yaml_text.find("\n", index)
        return len(self.yaml_text) if end < 0 else end + 1

    def _insert(self, at: int, lines: str) -> None:
        nl = self._newline()
        prefix = "" if at == 0 or self.yaml_text[at - 1] == "\n" else nl
        self._splice(at, at, prefix + lines + nl)

    def _splice(self, start: int, end: int, text: str) -> None:
        self.yaml_text = self.yaml_text[:start] + text + self.yaml_text[end:]


def _item_lines(item: dict[str, Any], dash_column: int) -> list[str]:
    lines = []
    for index, (key, value) in enumerate(item.items()):
        lead = " " * dash_column + ("- " if index == 0 else "  ")
        lines.append(f"{lead}{key}: {scalar(value)}")
    return lines


def _show(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)
