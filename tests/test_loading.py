"""The shortcuts of the loader and the schema check give what the plain ways give."""

from __future__ import annotations

import datetime as dt
import gc
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import load_manual
from checks.evaluating.evaluate import evaluate
from checks.loading.build import resolve_relative
from checks.loading.loader import (
    SOURCE_SUFFIXES,
    RawDocument,
    SourceWalk,
    _Loader,
    _read_to_end,
    iter_source_files,
    parse_yaml,
    read_text,
    relpath,
    to_json_compatible,
)
from checks.loading.schema import (
    DocumentValidator,
    check_type_fields,
    evidence_schema,
    evidence_validator,
    open_evidence_validator,
    validate_document,
)
from checks.memory import collector_paused
from checks.model import Source

TRICKY_SCALARS = [
    *["yes", "Yes", "YES", "no", "No", "NO", "y", "Y", "n", "N", "true", "True", "TRUE", "false", "False"],
    *["on", "On", "ON", "off", "Off", "OFF", "o", "t", "f", "nope", "onward", "type", "title", "owner"],
    *["null", "Null", "NULL", "nULL", "~", "", "none", "None", "=", "<<", "!", "&", "*"],
    *["0", "00", "012", "0o17", "0x1F", "0xg", "0b101", "0b2", "1_000", "1,000", "+1", "-1", "+", "-", "--"],
    *["1:20", "190:20:30", "1e3", "1.0e+3", "6.8523015e+5", "685.230_15e+03", "-.5", "+.5", ".5", "."],
    *[".inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN", "inf", "nan", "1.", "1.2.3"],
    *["2025-01-05", "2025-1-5", "2025-13-01", "2025-02-30", "2025-01-05 10:00:00", "2025-01-05T10:00:00Z"],
    *["2025-01-05t10:00:00.5-05:00", "2025-01-05 10:00:00 +8", "20250105", "2025-01", "2025"],
    *["7.3.1", "QP-001#7.3.1", "P1Y", "cp-00923", "-cp", "..", "9a", "0.0.1", "1_", "_1"],
]


def _tags(node: yaml.Node) -> list[str]:
    tags = [node.tag]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            tags += _tags(key) + _tags(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            tags += _tags(item)
    return tags


def _compose(loader_class: type, text: str) -> yaml.Node:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


@pytest.mark.parametrize("value", TRICKY_SCALARS)
def test_tags_are_pyyaml_s(value: str) -> None:
    """Plain, quoted and block scalars, as keys, values and items, get PyYAML's tags."""
    quoted = value.replace("'", "''")
    text = (
        f"a: {value}\nb: '{quoted}'\nc: [{value}]\nd:\n  - {value}\n{value or 'x'}: 1\n"
        f"e: |\n  {value}\nf: !!str {value}\ng: ! {value}\nh: {{k: {value}}}\n"
    )
    try:
        expected = _tags(_compose(yaml.CSafeLoader, text))
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            _compose(_Loader, text)
        return
    assert _tags(_compose(_Loader, text)) == expected


@pytest.mark.parametrize("value", TRICKY_SCALARS)
def test_quick_parse_gives_pyyaml_s_data(value: str) -> None:
    text = f"a: {value}\nb: [{value}, {{c: {value}}}]\n"
    data, _, issues = parse_yaml(text, "f.yaml", 1)
    try:
        expected = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        assert issues
        return
    except ValueError:  # an impossible date: kept as a string
        assert data["a"] == value
        return
    if issues:  # e.g. a key that YAML reads as a number: the detailed parse reports it
        return
    assert data == expected
    assert [type(v) for v in data["b"]] == [type(v) for v in expected["b"]]


@pytest.mark.parametrize(
    "text",
    [
        "a: !!set {x, y}\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!omap [x: 1, y: 2]\n",
        "a: !!pairs [x: 1, x: 2]\n",
        "a: !!float 1\nb: !!int '7'\nc: !!bool yes\nd: !!null ''\ne: !!timestamp 2025-01-05\n",
        "a: !!map {x: 1}\nb: !!seq [1]\n",
    ],
)
def test_explicit_tags_give_pyyaml_s_data(text: str) -> None:
    data, _, issues = parse_yaml(text, "f.yaml", 1)
    assert not issues
    assert data == yaml.load(text, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "a: duplicate key 'a' (first at line 1)"),
        ("b:\n  c: 1\n  c: 2\n", "b.c: duplicate key 'c' (first at line 2)"),
        ("yes: 1\n", "yes: key 'yes' is read by YAML as a bool; put it in quotes"),
        ("base: {x: 1}\nb:\n  <<: {y: 1}\n", "b.<<: key '<<' is read by YAML as a merge; put it in quotes"),
        ("a: =\n", "-: invalid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:value'"),
        ("a: !foo x\n", "-: invalid YAML: could not determine a constructor for the tag '!foo'"),
        ("a: *x\n", "-: invalid YAML: found undefined alias"),
    ],
)
def test_what_the_quick_parse_cannot_build_is_reported_as_before(text: str, message: str) -> None:
    _, _, issues = parse_yaml(text, "f.yaml", 1)
    assert [f"{i.field}: {i.message}" for i in issues] == [message]


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12), st.dates()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), json_values, min_size=1, max_size=6))
def test_quick_parse_matches_pyyaml_on_dumped_data(value: dict[str, object]) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    data, _, issues = parse_yaml(text, "f.yaml", 1)
    assert not issues
    assert data == yaml.load(text, Loader=yaml.CSafeLoader)


def _old_iter_source_files(root: Path) -> list[Path]:
    """The walk as it was (sorted rglob), to compare with."""
    found = []
    for top in ("policy", "evidence"):
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if any(part.startswith(".") for part in path.relative_to(base).parts):
                continue
            if path.suffix.lower() in SOURCE_SUFFIXES and path.is_file():
                found.append(path)
    return found


def test_source_walk_order_and_skips(tmp_path: Path) -> None:
    names = [
        "policy/a.md",
        "policy/a/z.md",
        "policy/a-b.md",
        "policy/a.b/c.yaml",
        "policy/A.MD",
        "policy/b.YML",
        "policy/notes.txt",
        "policy/.hidden.md",
        "policy/.git/x.md",
        "policy/sub/.cache/y.md",
        "policy/sub/deeper/one.yml",
        "policy/sub/deeper/two.yaml",
        "policy/sub.md",
        "evidence/2025/t/r1.md",
        "evidence/2025/t/r1.txt",
        "evidence/2025-x/r.md",
        "evidence/2025/t/.r2.md",
    ]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x: 1\n")
    (tmp_path / "policy" / "dir.md").mkdir()  # a folder with a source suffix
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.md").write_text("x: 1\n")
    os.symlink(tmp_path / "outside" / "o.md", tmp_path / "policy" / "link.md")  # followed: a file
    os.symlink(tmp_path / "outside", tmp_path / "policy" / "linked")  # followed: a folder inside the manual
    os.symlink(tmp_path / "policy", tmp_path / "policy" / "sub" / "loop")  # a folder walked already
    os.symlink(tmp_path / "missing.md", tmp_path / "policy" / "dangling.md")
    walk = SourceWalk()
    walked = list(iter_source_files(tmp_path, walk))
    # As the sorted rglob it replaced, plus the folder link it now follows.
    assert [p for p in walked if "linked" not in p.parts] == _old_iter_source_files(tmp_path)
    assert [relpath(p, tmp_path) for p in walk.skipped] == [
        "policy/.hidden.md",
        "policy/notes.txt",
        "evidence/2025/t/.r2.md",
        "evidence/2025/t/r1.txt",
    ]
    missing = tmp_path / "missing.md"
    assert [str(i) for i in walk.issues] == [
        f"policy/dangling.md: -: warning: symbolic link to nothing ({missing}); nothing is loaded from it"
    ]
    assert [relpath(p, tmp_path) for p in walked] == [
        "policy/A.MD",
        "policy/a/z.md",  # folder by folder: ("a", "z.md") < ("a-b.md",)
        "policy/a-b.md",
        "policy/a.b/c.yaml",
        "policy/a.md",
        "policy/b.YML",
        "policy/link.md",
        "policy/linked/o.md",
        "policy/sub/deeper/one.yml",
        "policy/sub/deeper/two.yaml",
        "policy/sub.md",
        "evidence/2025/t/r1.md",
        "evidence/2025-x/r.md",
    ]


def test_relpath(tmp_path: Path) -> None:
    for path, root in [
        (tmp_path / "a" / "b.md", tmp_path),
        (tmp_path / "a", tmp_path / "a"),
        (Path("/x/y.md"), Path("/")),
        (Path("/elsewhere/y.md"), tmp_path),
        (Path("/ab/c.md"), Path("/a")),
    ]:
        try:
            expected = path.relative_to(root).as_posix()
        except ValueError:
            expected = path.as_posix()
        assert relpath(path, root) == expected


@pytest.mark.parametrize("size", [0, 1, 3, 70_000, 300_000])
def test_source_files_are_read_whole(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf" + "质".encode() * (size // 3))
    assert read_text(path, "a.md") == (path.read_text(encoding="utf-8-sig"), None)
    fd = os.open(path, os.O_RDONLY)
    try:  # a file that grew after its size was taken is still read to its end
        assert _read_to_end(fd, max(size // 2, 0)) == path.read_bytes()
    finally:
        os.close(fd)


def test_json_view_converts_dates_and_leaves_the_data_alone() -> None:
    data = {"id": "r", "date": dt.date(2025, 1, 5), "plain": {"a": [1, "x"]}, "rows": [{"at": dt.date(2025, 2, 1)}]}
    view = to_json_compatible(data)
    assert view == {"id": "r", "date": "2025-01-05", "plain": {"a": [1, "x"]}, "rows": [{"at": "2025-02-01"}]}
    assert data["date"] == dt.date(2025, 1, 5) and data["rows"] == [{"at": dt.date(2025, 2, 1)}]
    assert view["plain"] is data["plain"]  # nothing to convert: not copied
    assert to_json_compatible({1: dt.datetime(2025, 1, 5, 10, 0), None: [dt.date(2025, 1, 1)]}) == {
        "1": "2025-01-05T10:00:00",
        "None": ["2025-01-01"],
    }


FIELDS = {
    "type": "object",
    "properties": {
        "participants": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "score": {"type": "integer", "minimum": 0, "maximum": 100, "default": 50},
        "when": {"type": "string", "format": "date"},
    },
    "required": ["participants"],
    "if": {"properties": {"score": {"const": 0}}, "required": ["score"]},
    "then": {"required": ["when"]},
}
RECORDS = [
    {},
    {"participants": ["a"]},
    {"participants": []},
    {"participants": ["a"], "score": 101},
    {"participants": ["a"], "score": "90"},
    {"participants": ["a"], "score": 0},
    {"participants": ["a"], "score": 0, "when": "2025-02-30"},
    {"participants": ["a"], "score": 0, "when": dt.date(2025, 2, 3)},
    {"participants": ["a"], "unknown": 1, "extra": {"free": True}},
    {"participants": ["a"], "date": "2025-13-01", "satisfies": ["bad id"], "attachments": [{"path": ""}]},
    {"participants": ["a"], "period": "2025-Q5", "confirmed": {"cp-1": "xyz"}},
    {"participants": ["a"], "kind": "policy", "id": True, "date": dt.date(2025, 1, 5)},
]


def _record(extra: dict[str, object]) -> RawDocument:
    data = {"id": "r-1", "kind": "evidence", "title": "t", "type": "t1", "date": dt.date(2025, 1, 5), "owner": "qa"}
    data.update(extra)
    return RawDocument(Source(Path("/m/evidence/r.md"), "evidence/r.md"), data)


@pytest.mark.parametrize("fields", [FIELDS, {}, {"type": "object", "properties": {"x": {"type": "string"}}}])
def test_evidence_validator_says_what_the_whole_schema_says(fields: dict[str, object]) -> None:
    validator = evidence_validator("t1", fields)
    whole = DocumentValidator(evidence_schema("t1", fields))
    assert validator.quick is not None and len(validator.quick) == 2  # the shortcut is in use
    for extra in RECORDS:
        doc = _record(extra)
        view = to_json_compatible(doc.data)
        assert validator.is_valid(view) == whole.full.is_valid(view), extra
        assert validate_document(doc, validator) == validate_document(doc, evidence_schema("t1", fields)), extra


def test_validation_fills_in_no_defaults() -> None:
    doc = _record({"participants": ["a"], "date": "2025-01-05"})  # no date object: the data itself is checked
    assert validate_document(doc, evidence_validator("t1", FIELDS)) == []
    assert "score" not in doc.data


def test_evidence_validator_without_a_shortcut() -> None:
    # Keywords that differ between draft 7 and 2020-12 leave only the slow way, as before.
    fields = {"type": "object", "properties": {"a": {"type": "string"}}, "dependentRequired": {"a": ["owner"]}}
    validator = evidence_validator("t1", fields)
    assert validator.quick is None
    assert validate_document(_record({"a": "x"}), validator) == []
    # A type that redefines a base field is refused by check_type_fields; were it used
    # anyway, the whole schema decides.
    clash = {"type": "object", "properties": {"owner": {"type": "integer"}}}
    assert check_type_fields(clash) == "redefines base evidence fields: owner"
    assert not evidence_validator("t1", clash).is_valid(to_json_compatible(_record({}).data))


def test_records_of_unknown_types_keep_their_messages() -> None:
    doc = _record({"anything": 1, "owner": "bad owner"})
    problems = validate_document(doc, open_evidence_validator())
    assert [f"{i.field}: {i.message}" for i in problems] == [
        "owner: \"bad owner\" is not an id: use ASCII letters, digits, '.', '_' and '-', "
        "starting with a letter or digit"
    ]


def test_type_field_verdicts_tell_dates_from_strings() -> None:
    as_string = {"type": "object", "properties": {"d": {"type": "string", "default": "2025-01-05"}}}
    as_date = {"type": "object", "properties": {"d": {"type": dt.date(2025, 1, 5)}}}
    assert check_type_fields(as_string) is None
    assert check_type_fields(as_date) is not None
    assert check_type_fields(as_string) is None  # remembered, and still right
    assert check_type_fields(None) == "must be a JSON Schema object"


def test_resolve_relative_with_known_folders(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "a.txt").write_text("a")
    (real / "sub" / "b.txt").write_text("b")
    (tmp_path / "elsewhere.txt").write_text("e")
    os.symlink(real, tmp_path / "linked")
    os.symlink(tmp_path / "elsewhere.txt", real / "link.txt")
    folders: dict[Path, Path] = {}
    for folder in (tmp_path / "linked", real):
        source = Source(folder / "r.md", "r.md")
        for written in ("a.txt", "link.txt", "missing.txt", "sub/b.txt", "../real/a.txt", "..", ".", "a.txt\\x"):
            expected = (folder / written).resolve()
            assert resolve_relative(source, written, folders) == expected, written
            assert resolve_relative(source, written) == expected, written
    assert folders == {tmp_path / "linked": real, real: real}


@pytest.mark.parametrize("enabled", [True, False])
def test_load_and_evaluate_leave_the_collector_as_it_was(minimal: Path, enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        loaded = load_manual(minimal)
        assert loaded.valid
        assert gc.isenabled() == enabled
        assert evaluate(loaded.manual, dt.date(2025, 12, 31)).checkpoints
        assert gc.isenabled() == enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_settled_run_freezes_what_it_made_before_the_collector_comes_back(minimal: Path) -> None:
    was = gc.isenabled()
    gc.enable()
    try:
        with collector_paused(settle=True):
            assert not gc.isenabled()
            loaded = load_manual(minimal)
            frozen = gc.get_freeze_count()
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen  # the manual is among them
        assert all(obj is not loaded.manual for obj in gc.get_objects())  # frozen: out of the collector's lists
    finally:
        gc.unfreeze()
        gc.enable() if was else gc.disable()


def _nested(depth: int, style: str) -> str:
    if style == "flow":
        return "id: x\nextra: {deep: " + "[" * depth + "]" * depth + "}\n"
    lines = ["id: x", "extra:", "  deep:"]
    lines += [" " * (2 + 2 * level) + "- " + ("v" if level == depth - 1 else "") for level in range(depth)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("style", ["flow", "block"])
@pytest.mark.parametrize("depth", [70, 998, 1000, 5000])
def test_deep_nesting_gets_the_project_s_message_whatever_pyyaml_limits(depth: int, style: str) -> None:
    # libyaml (PyYAML >= 6.0.3) refuses 1,000 levels itself, and the Python composer
    # recurses: neither may decide the message.
    _, _, issues = parse_yaml(_nested(depth, style), "x.yaml", 1)
    assert [(i.line, i.field, i.message) for i in issues] == [
        (2 if style == "flow" else 67, "extra.deep[0]...", "nested more than 64 levels deep")
    ]


def test_a_linked_folder_of_records_inside_the_manual_is_loaded(minimal: Path) -> None:
    """A year of evidence kept elsewhere in the manual's folder and linked in: its records count."""
    archive = minimal / "archive"
    (minimal / "evidence/2025").rename(archive)
    (minimal / "evidence/2025").symlink_to(Path("../archive"))
    loaded = load_manual(minimal)
    assert loaded.issues == []  # the attachment beside its record too: reached through evidence/
    assert sorted(loaded.manual.evidence) == ["IAR-2025", "MR-2025"]
    assert sorted(loaded.manual.nonconformities) == ["NC-2025-01"]
    assert loaded.manual.evidence["IAR-2025"].source.rel == "evidence/2025/audit/IAR-2025.md"


def test_a_linked_folder_outside_the_manual_is_refused(minimal: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (minimal / "evidence/2025").rename(elsewhere)
    (minimal / "evidence/2025").symlink_to(elsewhere)
    loaded = load_manual(minimal)
    assert not loaded.valid
    assert [str(i) for i in loaded.errors] == [
        f"evidence/2025: -: symbolic link to a folder outside the manual ({elsewhere}); its files are not loaded"
    ]
