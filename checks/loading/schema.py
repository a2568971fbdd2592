"""The JSON Schemas shipped with the package, and schema validation of documents."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..i18n import N_, _, ngettext
from ..model import KINDS, FieldPath, Issue
from .loader import RawDocument, to_json_compatible
from .suggestions import did_you_mean

_FORMATS = jsonschema.FormatChecker(["date"])
_DOLLAR = re.compile(r"(?<!\\)\$")  # an unescaped $


def _whole_pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Any:
    """`pattern` as JSON Schema (ECMA-262) reads it: `$` is the end of the string. Python's
    `$` also matches before a final line break, so "cp-x\\n" would pass the id rule (the
    compiled quick check already reads it this way: both must agree)."""
    if validator.is_type(instance, "string") and not re.search(_DOLLAR.sub(r"\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Draft202012 = jsonschema.validators.extend(Draft202012Validator, {"pattern": _whole_pattern})


@cache
def _text(name: str) -> str:
    return resources.files("checks").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")


def schema_names() -> tuple[str, ...]:
    """Every schema the package ships: one per kind, plus any result documents."""
    folder = resources.files("checks").joinpath("schemas")
    suffix = ".schema.json"
    return tuple(sorted(p.name.removesuffix(suffix) for p in folder.iterdir() if p.name.endswith(suffix)))


def schema_text(name: str) -> str:
    """The schema of a kind exactly as shipped, for editors."""
    return _text(name)


def load_schema(name: str) -> dict[str, Any]:
    return copy.deepcopy(_schema(name))


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads(_text(name))


class DocumentValidator:
    """Validates documents against one schema: a compiled validator (fastjsonschema) says
    quickly whether a document is valid; only invalid ones go through jsonschema, whose
    errors make the messages. The quick path is used only when every keyword of the
    schema means the same in draft 7 (what fastjsonschema implements) and in 2020-12.

    `parts`, when given, are schemas that together mean the same as `schema` (a document
    is valid against it exactly when it is valid against each part); they are compiled
    one by one and shared, as compiling is slow and most of a schema is often common."""

    def __init__(self, schema: dict[str, Any], parts: list[dict[str, Any]] | None = None) -> None:
        self.full = _Draft202012(schema, format_checker=_FORMATS)
        quick = [_compiled(part) for part in parts or [schema]]
        self.quick = None if None in quick else quick

    def is_valid(self, data: Any) -> bool:
        if self.quick is not None:
            try:
                for check in self.quick:
                    check(data)
                return True
            except fastjsonschema.JsonSchemaException:
                return False
        return self.full.is_valid(data)


_SAME_IN_DRAFT_7 = frozenset(
    [
        "$schema",
        "$id",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "contains",
        "pattern",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "$defs",  # a container of schemas that `$ref` names; neither draft validates with it
        "$ref",  # alone (see _draft7_safe): draft 7 ignores a $ref's siblings, 2020-12 applies them
    ]
)


def _draft7_safe(schema: Any) -> bool:
    if isinstance(schema, list):
        return all(_draft7_safe(s) for s in schema)
    if not isinstance(schema, dict):
        return True
    if "$ref" in schema and len(schema) > 1:
        return False
    for key, value in schema.items():
        if key not in _SAME_IN_DRAFT_7:
            return False
        if key in ("properties", "patternProperties", "$defs"):
            if not all(_draft7_safe(v) for v in value.values()):
                return False
        elif key == "items" and isinstance(value, list):
            return False  # tuple items mean something else in 2020-12
        elif (
            isinstance(value, (dict, list))
            and key not in ("enum", "const", "required", "examples", "default")
            and not _draft7_safe(value)
        ):
            return False
    return True


def _valid_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
        return len(value) == 10
    except ValueError:
        return False


def _compile(schema: dict[str, Any]) -> Any:
    if not _draft7_safe(schema):
        return None
    quick = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
    quick["$schema"] = "http://json-schema.org/draft-07/schema#"
    try:
        # use_default=False: validating must not fill `default` values into the document.
        return fastjsonschema.compile(quick, formats={"date": _valid_date}, use_default=False)
    except Exception:  # any schema it cannot compile is simply validated the slow way
        return None


class _ByRepr:
    """A slow function of a schema-like value, worked out once per distinct value: kept by
    the value's repr, which tells apart what JSON would not (a date and its ISO string).
    Cleared when full, as a long `mkdocs serve` sees many versions of its types."""

    def __init__(self, compute: Callable[[Any], Any], size: int = 1024) -> None:
        self.compute, self.size = compute, size
        self.kept: dict[str, Any] = {}

    def __call__(self, value: Any) -> Any:
        key = repr(value)
        if key not in self.kept:
            if len(self.kept) >= self.size:
                self.kept.clear()
            self.kept[key] = self.compute(value)
        return self.kept[key]


_compiled = _ByRepr(_compile)


@cache
def _validator(name: str) -> DocumentValidator:
    return DocumentValidator(_schema(name))


_TYPE_KEYWORDS = ("allOf", "anyOf", "oneOf", "if", "then", "else", "dependentRequired")


def evidence_schema(type_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The schema of a record of one evidence type: the base fields plus the type's."""
    schema = load_schema("evidence")
    schema["$id"] = f"urn:quality-manual:schema:evidence:{type_id}"
    schema["title"] = f"evidence record of type {type_id}"
    schema["properties"].update(copy.deepcopy(fields.get("properties", {})))
    schema["required"] = list(dict.fromkeys(schema["required"] + list(fields.get("required", []))))
    for keyword in _TYPE_KEYWORDS:
        if keyword in fields:
            schema[keyword] = copy.deepcopy(fields[keyword])
    return schema


def evidence_validator(type_id: str, fields: dict[str, Any]) -> DocumentValidator:
    """A validator of the records of one evidence type (`fields` checked by `check_type_fields`).

    Its quick check is in two parts: the base fields, compiled once for all types, and
    the type's own fields, which also close the record to unknown keys (compiled once
    per distinct `fields`). Compiling the whole schema of every type took longer than
    validating all their records."""
    schema = evidence_schema(type_id, fields)
    base = _schema("evidence")["properties"]
    own_properties = fields.get("properties", {})
    if set(own_properties) & set(base):  # a base field redefined: only the whole schema says how
        return DocumentValidator(schema)
    own = {
        "properties": {**{name: {} for name in base}, **own_properties},
        "required": list(fields.get("required", [])),
        "additionalProperties": False,
    }
    own.update({keyword: fields[keyword] for keyword in _TYPE_KEYWORDS if keyword in fields})
    return DocumentValidator(schema, parts=[_open_evidence_schema(), own])


@cache
def open_evidence_validator() -> DocumentValidator:
    """For records whose type is unknown: the base fields, and any others."""
    return DocumentValidator(_open_evidence_schema())


@cache
def _open_evidence_schema() -> dict[str, Any]:
    schema = load_schema("evidence")
    schema["additionalProperties"] = True  # the fields of a type are not known here
    return schema


def check_type_fields(fields: Any) -> str | None:
    """Why an evidence type's `fields` is not a usable schema, or None.

    Checking a schema is slow and every load asks twice per type (for its records, and
    for the type itself), so verdicts are kept by the exact value."""
    verdict: str | None = _fields_verdicts(fields)
    return verdict


def _check_type_fields(fields: Any) -> str | None:
    if not isinstance(fields, dict):
        return _("must be a JSON Schema object")
    try:
        Draft202012Validator.check_schema(fields)
    except jsonschema.SchemaError as exc:
        return _("not a valid JSON Schema: {reason}").format(reason=exc.message)
    if fields.get("type", "object") != "object":
        return _("must describe an object (type: object)")
    props = fields.get("properties", {})
    clash = sorted(set(props) & set(_schema("evidence")["properties"]))
    if clash:
        return _("redefines base evidence fields: {fields}").format(fields=", ".join(clash))
    return None


_fields_verdicts = _ByRepr(_check_type_fields)


def validator_for(schema: dict[str, Any]) -> DocumentValidator:
    """A validator for a schema made at run time (build it once, use it for many documents)."""
    return DocumentValidator(schema)


def validate_document(doc: RawDocument, schema: dict[str, Any] | DocumentValidator | None = None) -> list[Issue]:
    """Every schema problem of one document, each with a field path and line."""
    data = to_json_compatible(doc.data)
    if schema is None:
        kind = data.get("kind")
        if kind not in KINDS:
            hint = did_you_mean(str(kind), KINDS)
            message = (
                _("missing field 'kind'")
                if kind is None
                else _("unknown kind '{kind}'{hint}").format(kind=kind, hint=hint)
            )
            return [doc.source.issue(("kind",) if kind is not None else (), message)]
        validator = _validator(kind)
    elif isinstance(schema, DocumentValidator):
        validator = schema
    else:
        validator = validator_for(schema)
    if validator.is_valid(data):  # the common case, many times faster than collecting errors
        return []
    issues = []
    for error in sorted(validator.full.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        issues.extend(_issues_for(doc, error))
    if not issues:  # the two validators disagree: never let the quick "no" pass in silence
        issues.append(doc.source.issue((), _("does not match the schema of its kind (see `qms schema`)")))
    return sorted(set(issues), key=lambda i: (i.line or 0, i.field, i.message))


def _issues_for(doc: RawDocument, error: ValidationError) -> list[Issue]:
    path: FieldPath = tuple(error.absolute_path)
    source = doc.source
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = list(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        message = _("unknown field '{key}'{hint}")
        return [source.issue(path + (key,), message.format(key=key, hint=did_you_mean(key, allowed))) for key in extra]
    if error.validator == "required" and isinstance(error.validator_value, list):
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        return [source.issue(path + (key,), _("missing required field '{key}'").format(key=key)) for key in missing]
    if error.validator in ("oneOf", "anyOf") and path and path[0] == "requires":
        return [source.issue(path, _("a rule needs exactly one of evidence, nonconformities or kpi"))]
    return [source.issue(path, _message(error))]


_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _message(error: ValidationError) -> str:
    text = _plain_message(error)
    if isinstance(error.instance, bool) and error.validator in ("type", "enum", "const", "pattern"):
        text = _("{problem} (YAML reads yes/no/on/off/true/false as a boolean; put the word in quotes)").format(
            problem=text
        )
    return text


def _plain_message(error: ValidationError) -> str:
    value = error.instance
    if value is None and error.validator == "type":
        return _("has no value; expected {type}").format(type=_types(error.validator_value))
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    match error.validator:
        case "type":
            expected, got = error.validator_value, _json_type(value)
            facts = {"expected": _types(expected), "got": _types(got), "value": shown}
            if expected == "string" and got in ("number", "boolean"):
                return _("expected {expected}, got {got} {value} (quote it)").format(**facts)
            return _("expected {expected}, got {got} {value}").format(**facts)
        case "enum":
            choices = error.validator_value if isinstance(error.validator_value, list) else []
            return _("{value} is not one of {choices}").format(value=shown, choices=", ".join(map(str, choices)))
        case "const":
            expected = json.dumps(error.validator_value, ensure_ascii=False)
            return _("must be {expected}, not {value}").format(expected=expected, value=shown)
        case "format":
            named = _(error.validator_value) if error.validator_value in _FORMAT_NAMES else error.validator_value
            return _("{value} is not a valid {format} (use YYYY-MM-DD)").format(value=shown, format=named)
        case "pattern" if error.validator_value == _ID_PATTERN:
            wide = any(0xFF01 <= ord(c) <= 0xFF5E or c == "\u3000" for c in str(value))
            if wide:
                return _(
                    "{value} is not an id: use ASCII letters, digits, '.', '_' and '-', starting with a letter or "
                    "digit (it contains full-width characters)"
                ).format(value=shown)
            return _(
                "{value} is not an id: use ASCII letters, digits, '.', '_' and '-', starting with a letter or digit"
            ).format(value=shown)
        case "pattern":
            described = error.schema.get("description") if isinstance(error.schema, dict) else None
            if described:
                return _("{value} is not valid here: expected {form}").format(value=shown, form=_(described))
            return _("{value} does not match the expected form {pattern}").format(
                value=shown, pattern=error.validator_value
            )
        case "minLength" | "minProperties":
            return _("must not be empty")
        case "minimum":
            return _("{value} is less than the minimum {limit}").format(value=shown, limit=error.validator_value)
        case "maximum":
            return _("{value} is more than the maximum {limit}").format(value=shown, limit=error.validator_value)
        case "uniqueItems":
            return _("{value} has repeated items").format(value=shown)
        case "anyOf" | "oneOf":
            return _("{value} is none of the allowed forms").format(value=shown)
        case "minItems":
            count = error.validator_value
            return ngettext("needs at least {count} item", "needs at least {count} items", count).format(count=count)
        case _:
            return error.message


# JSON Schema's type names and those _json_type gives, translated where a message shows them.
_TYPE_NAMES = (
    N_("string"),
    N_("number"),
    N_("integer"),
    N_("boolean"),
    N_("array"),
    N_("object"),
    N_("list"),
    N_("mapping"),
    N_("null"),
)
_FORMAT_NAMES = (N_("date"), N_("date-time"))


def _types(names: Any) -> str:
    """A type name, or several joined by "or", in the current language."""
    listed = names if isinstance(names, list) else [names]
    return _(" or ").join(_(n) if n in _TYPE_NAMES else str(n) for n in listed)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "mapping"


def extract_pattern_descriptions(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Any:
    """A Babel extractor (babel.cfg): the descriptions of patterns in the shipped schemas, which
    the messages above show as what was expected."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "pattern" in node and isinstance(node.get("description"), str):
                yield node["description"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for text in dict.fromkeys(walk(json.load(fileobj))):
        yield 1, None, text, []
