"""Read source files: Markdown with YAML front matter, or plain YAML.

Every problem comes back as an `Issue` naming the file and line; nothing here
raises for bad content.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..i18n import N_, _
from ..model import FieldPath, Issue, Source, format_field

try:  # the C loader is several times faster on large manuals
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64  # no manual needs more; deeper values would only strain the recursion below
_DEEP_INDENT = re.compile(rf"^ {{{MAX_DEPTH},}}", re.M)
SOURCE_SUFFIXES = (".md", ".yaml", ".yml")
MANUAL_FOLDERS = ("policy", "evidence")
SITE_CONFIGS = ("mkdocs.yml", "mkdocs.yaml")
FENCE = re.compile(r"^---[ \t]*$")
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_KEY_LINE = re.compile(r"^(id|kind)\s*:")


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.MappingNode: _MAP, yaml.SequenceNode: _SEQ}
# First characters of the plain scalars that may be something other than a string
# ('' is the empty scalar, null).
_IMPLICIT_FIRST = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)
_PLAIN_RESOLVER = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=4096)
def _resolve_plain(value: str) -> str:
    """PyYAML's own resolution of a plain scalar; remembered, since values such as
    dates and field names repeat in every file."""
    return str(_PLAIN_RESOLVER.resolve(yaml.ScalarNode, value, (True, False)))


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps impossible dates such as 2025-13-01 as strings.

    PyYAML would raise a bare ValueError for them; as strings they reach the
    schema, which reports them with a field path and a line.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """The tags PyYAML's resolver gives, without its regular expressions for the
        many values that cannot match one (the parser asks for every node)."""
        if kind is yaml.ScalarNode and implicit[0] and value[:1] in _IMPLICIT_FIRST:
            return _resolve_plain(value)
        return _DEFAULT_TAGS[kind]


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


@dataclass(frozen=True)
class RawDocument:
    """A parsed source file before schema validation."""

    source: Source
    data: dict[str, Any]


@dataclass(frozen=True)
class LoadResult:
    document: RawDocument | None = None
    page: Source | None = None  # Markdown without an object in it
    issues: tuple[Issue, ...] = ()
    broken_id: str | None = None  # the id a file that could not be read seems to declare


_ID_LINE = re.compile(r"^id[ \t]*:[ \t]*['\"]?([A-Za-z0-9][A-Za-z0-9._-]*)['\"]?[ \t\r]*(?:#.*)?$", re.M)


@dataclass
class SourceWalk:
    """What a walk of the sources saw besides them: nothing it passes over is lost in silence."""

    skipped: list[Path] = field(default_factory=list)  # regular files it did not read as sources
    issues: list[Issue] = field(default_factory=list)  # links to folders it would not follow


def iter_source_files(root: Path, walk: SourceWalk | None = None) -> Iterator[Path]:
    """Every candidate source file under policy/ and evidence/, in a stable order: that of
    sorted paths (folder by folder). Hidden files and folders are skipped. Links to files are
    followed; so are links to folders inside the manual's folder (each folder is walked once),
    while a link to a folder outside it is reported in `walk`. Files that are not sources are
    listed in `walk`, for `checks.loading.lookalikes` to look at."""
    walk = walk if walk is not None else SourceWalk()
    real_root = os.path.realpath(root)
    walked: set[str] = set()  # real paths of the folders walked: a link to one of them adds nothing
    for top in MANUAL_FOLDERS:
        base = root / top
        if base.is_dir():
            yield from _walk_sources(base, root, real_root, walked, walk)


def _walk_sources(folder: Path, root: Path, real_root: str, walked: set[str], walk: SourceWalk) -> Iterator[Path]:
    real = os.path.realpath(folder)
    if real in walked:
        return
    walked.add(real)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: os.path.normcase(e.name))  # as paths sort
    except PermissionError:  # as pathlib's glob: an unreadable folder has nothing to offer
        return
    for entry in entries:
        if entry.name.startswith("."):
            if entry.is_file(follow_symlinks=False):
                walk.skipped.append(folder / entry.name)
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk_sources(folder / entry.name, root, real_root, walked, walk)
        elif entry.is_symlink() and entry.is_dir():
            target = os.path.realpath(entry.path)
            if target == real_root or target.startswith(os.path.join(real_root, "")):
                yield from _walk_sources(folder / entry.name, root, real_root, walked, walk)
            else:
                rel = relpath(folder / entry.name, root)
                message = _("symbolic link to a folder outside the manual ({target}); its files are not loaded")
                walk.issues.append(Issue(rel, None, "-", message.format(target=os.readlink(entry.path))))
        elif entry.name.lower().endswith(SOURCE_SUFFIXES) and entry.is_file():
            yield folder / entry.name
        elif entry.is_file():
            walk.skipped.append(folder / entry.name)
        elif entry.is_symlink():
            message = _("symbolic link to nothing ({target}); nothing is loaded from it")
            walk.issues.append(
                Issue(
                    relpath(folder / entry.name, root),
                    None,
                    "-",
                    message.format(target=os.readlink(entry.path)),
                    "warning",
                )
            )


def part_of_manual(path: Path, root: Path) -> bool:
    """Whether writing `path` would change what the manual is: a file under policy/ or
    evidence/ (sources, attachments, data, or a new file the loader would read) or the
    site's configuration. Links are followed, so a link to a source counts as one."""
    where, root = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    folders = [Path(os.path.realpath(root / name)) for name in MANUAL_FOLDERS]
    return any(where == f or where.is_relative_to(f) for f in folders) or where in [root / n for n in SITE_CONFIGS]


def relpath(path: Path, root: Path) -> str:
    # The common case, a path whose text starts with the root's, costs far less than relative_to.
    text, root_text = str(path), str(root)
    if root_text != os.sep and text.startswith(root_text + os.sep):
        return text[len(root_text) + 1 :].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, rel: str) -> tuple[str | None, Issue | None]:
    """Decode a source file as UTF-8 (a BOM is dropped; line ends are left to `load_text`)."""
    try:
        # os calls rather than pathlib's: a third of the cost, on tens of thousands of small files
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            size = os.fstat(fd).st_size
            if size > MAX_FILE_BYTES:
                message = _("file is {size} bytes, over the {limit} MiB limit for a source file")
                return None, Issue(rel, None, "-", message.format(size=size, limit=MAX_FILE_BYTES // (1024 * 1024)))
            raw = _read_to_end(fd, size)
        finally:
            os.close(fd)
    except OSError as exc:
        return None, Issue(rel, None, "-", _("cannot read file: {reason}").format(reason=exc.strerror))
    if b"\x00" in raw:
        return None, Issue(rel, None, "-", _("binary file where text is expected"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Issue(rel, line, "-", _("file is not UTF-8 text (save it as UTF-8)"))
    return text, None


def _read_to_end(fd: int, size: int) -> bytes:
    raw = os.read(fd, size + 1)  # a byte more than its size: a file that grew meanwhile is read to its end
    if len(raw) <= size:
        return raw
    chunks = [raw]
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def split_front_matter(text: str) -> tuple[str | None, str, int] | int:
    """Return (front matter, body, body start line), or the line of an unclosed fence.

    Front matter is None when the file does not start with a fence.
    """
    first_end = text.find("\n")
    if not FENCE.match(text if first_end < 0 else text[:first_end]):
        return None, text, 1
    closing = _CLOSING_FENCE.search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        return 1
    yaml_text = text[first_end + 1 : closing.start()].removesuffix("\n")
    body = text[closing.end() + 1 :]
    return yaml_text, body, text.count("\n", 0, closing.end()) + 2


class _NeedsDetail(Exception):
    """The quick parse met something to report: parse again, node by node."""


# Tags of the scalars `_quick_data` builds itself, with PyYAML's constructors.
_QUICK_SCALARS = {
    tag: _Loader.yaml_constructors[tag]
    for tag in (
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
    )
}


def _quick_data(loader: Any, node: yaml.Node) -> Any:
    """The data of a composed node, as PyYAML's constructor would give it, built directly
    (PyYAML's general constructor costs twice the parse). Anything `parse_yaml` must
    report (duplicate or non-string keys) or that this does not build (merge keys,
    explicit tags such as !!set) raises _NeedsDetail, for the detailed parse."""
    cls, tag = node.__class__, node.tag
    if cls is yaml.ScalarNode:
        if tag == _STR:
            return node.value
        construct = _QUICK_SCALARS.get(tag)
        if construct is not None:
            return construct(loader, node)
    elif cls is yaml.MappingNode and tag == _MAP:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag != _STR or key_node.value in mapping:
                raise _NeedsDetail()
            mapping[key_node.value] = _quick_data(loader, value_node)
        return mapping
    elif cls is yaml.SequenceNode and tag == _SEQ:
        return [_quick_data(loader, item) for item in node.value]
    raise _NeedsDetail()


class LazyLines(Mapping[FieldPath, int]):
    """The line of every key and item of a YAML text, worked out only when a message
    needs one (most files never have a problem)."""

    def __init__(self, text: str, first_line: int) -> None:
        self._text, self._first_line = text, first_line
        self._lines: dict[FieldPath, int] | None = None

    def _map(self) -> dict[FieldPath, int]:
        if self._lines is None:
            _, self._lines, _ = _detailed_parse(self._text, "", self._first_line)
        return self._lines

    def __getitem__(self, key: FieldPath) -> int:
        if len(key) == 1 and self._lines is None:  # a top-level key: a scan of the text will do
            match = re.search(rf"^{re.escape(str(key[0]))}[ \t]*:", self._text, re.M)
            if match is not None:
                return self._text.count("\n", 0, match.start()) + self._first_line
        return self._map()[key]

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
            return True
        except (KeyError, TypeError):
            return False

    def __iter__(self) -> Iterator[FieldPath]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())


def parse_yaml(text: str, rel: str, first_line: int) -> tuple[Any, Mapping[FieldPath, int], list[Issue]]:
    """Parse one YAML document; lines of keys and items come with it (lazily).

    `first_line` is the file line of the YAML's first line. Duplicate keys are
    errors: YAML's last-one-wins would silently drop a value.
    """
    if "&" not in text and not _maybe_deep(text):
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = None if node is None else _quick_data(loader, node)
            return data, LazyLines(text, first_line), []
        except (_NeedsDetail, yaml.YAMLError, RecursionError, ValueError):
            pass  # parse again, node by node, for the exact messages
        finally:
            loader.dispose()
    # Anchors (aliases), possibly deep nesting, or a problem: the detailed parse reports it.
    return _detailed_parse(text, rel, first_line)


def _maybe_deep(text: str) -> bool:
    """Whether values could nest more than MAX_DEPTH levels: each level needs a bracket
    or at least one more space of indentation."""
    if text.count("[") + text.count("{") >= MAX_DEPTH:
        return True
    return _DEEP_INDENT.search(text) is not None


def _detailed_parse(text: str, rel: str, first_line: int) -> tuple[Any, dict[FieldPath, int], list[Issue]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        lines: dict[FieldPath, int] = {}
        issues: list[Issue] = []
        _walk(node, (), first_line, lines, issues, rel)
        if issues:
            return None, lines, issues
        try:
            return loader.construct_document(node), lines, []
        except ValueError:  # PyYAML's constructors raise it for some values, e.g. `0x_`
            return None, lines, [_unreadable(node, (), first_line, rel)]
    except (yaml.YAMLError, RecursionError) as exc:
        # PyYAML's own limits (its C scanner refuses 1,000 levels since 6.0.3; its Python
        # composer recurses) must not decide the message: the level is found here.
        if _maybe_deep(text) and (deep := _too_deep(text, rel, first_line)) is not None:
            return None, {}, [deep]
        return None, {}, [_yaml_error(exc, text, rel, first_line)]
    finally:
        loader.dispose()


def _yaml_error(exc: BaseException, text: str, rel: str, first_line: int) -> Issue:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        problem = yaml_problem(exc.problem or exc.context or "")
        if "\t" in text and "tab" in str(exc.problem or exc.context):
            problem = _("{problem} (use spaces, not tabs, to indent YAML)").format(problem=problem)
        return Issue(rel, line, "-", _("invalid YAML: {problem}").format(problem=problem))
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + first_line
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        problem = _("{problem} ({what})").format(problem=yaml_problem(exc.reason), what=what)
        return Issue(rel, line, "-", _("invalid YAML: {problem}").format(problem=problem))
    if isinstance(exc, RecursionError):
        return Issue(rel, first_line, "-", _("invalid YAML: nested too deeply"))
    return Issue(rel, first_line, "-", _("invalid YAML: {problem}").format(problem=str(exc).splitlines()[0]))


# PyYAML's own wording of the slips people make, for the catalogs; anything else is shown as PyYAML words it.
_YAML_PROBLEMS = (
    # libyaml (the C parser the loader uses)
    N_("mapping values are not allowed in this context"),
    N_("block sequence entries are not allowed in this context"),
    N_("could not find expected ':'"),
    N_("did not find expected key"),
    N_("did not find expected node content"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected comment or line break"),
    N_("did not find expected <document start>"),
    N_("found character that cannot start any token"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("found unexpected end of stream"),
    N_("found unexpected ':'"),
    N_("found unknown escape character"),
    N_("found undefined alias"),
    N_("found duplicate anchor"),
    N_("control characters are not allowed"),
    N_("invalid leading UTF-8 octet"),
    N_("expected a single document in the stream"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
    N_("while parsing a flow sequence"),
    N_("while parsing a flow mapping"),
    N_("while parsing a node"),
    N_("while scanning a simple key"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a plain scalar"),
    N_("while scanning a block scalar"),
    N_("while scanning an alias"),
    N_("while scanning an anchor"),
    N_("while scanning for the next token"),
    # PyYAML's pure-Python parser
    N_("mapping values are not allowed here"),
    N_("found character '\\t' that cannot start any token"),
    N_("expected <block end>, but found '<block mapping start>'"),
    N_("expected <block end>, but found '<block sequence start>'"),
    N_("expected <block end>, but found '-'"),
    N_("expected <block end>, but found '<scalar>'"),
    N_("expected ',' or ']', but got '<stream end>'"),
    N_("expected ',' or '}', but got '<stream end>'"),
    N_("special characters are not allowed"),
    N_("invalid YAML"),
)


def yaml_problem(problem: str) -> str:
    """PyYAML's description of a problem, in the current language where the catalogs have it."""
    return _(problem or "invalid YAML")


def _too_deep(text: str, rel: str, first_line: int) -> Issue | None:
    """The first node nested more than MAX_DEPTH levels, found from PyYAML's pure-Python
    parser events (a state machine: no recursion and no nesting limit of its own)."""
    # One frame per open collection: [is a mapping, key or index of its current child,
    # whether its next event is a key].
    frames: list[list[Any]] = []
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frames.pop()
                continue
            if frames:
                top = frames[-1]
                if top[2]:  # a key of the open mapping
                    if not isinstance(event, yaml.ScalarEvent):
                        return None  # a collection as a key: refused elsewhere, with its own message
                    top[1], top[2] = event.value, False
                    continue
                if top[0]:
                    top[2] = True  # after this value, the mapping's next key
                else:
                    top[1] += 1
            if len(frames) > MAX_DEPTH:
                field = format_field(tuple(frame[1] for frame in frames[:3])) + "..."
                line = event.start_mark.line + first_line
                return Issue(rel, line, field, _("nested more than {depth} levels deep").format(depth=MAX_DEPTH))
            if isinstance(event, yaml.MappingStartEvent):
                frames.append([True, None, True])
            elif isinstance(event, yaml.SequenceStartEvent):
                frames.append([False, -1, False])
    except yaml.YAMLError:
        return None
    return None


def _unreadable(node: yaml.Node, path: FieldPath, offset: int, rel: str) -> Issue:
    """The first value that PyYAML's constructors cannot read, found node by node."""
    if isinstance(node, yaml.ScalarNode):
        return Issue(
            rel,
            node.start_mark.line + offset,
            format_field(path) if path else "-",
            _("invalid YAML: {value} cannot be read as {type} (put it in quotes)").format(
                value=repr(node.value), type=node.tag.rsplit(":", 1)[-1]
            ),
        )
    children = (
        [((key.value,), value) for key, value in node.value]
        if isinstance(node, yaml.MappingNode)
        else [((index,), item) for index, item in enumerate(node.value)]
    )
    for step, child in children:
        try:
            _Loader("").construct_object(child, deep=True)
        except ValueError:
            return _unreadable(child, path + step, offset, rel)
    return Issue(rel, node.start_mark.line + offset, format_field(path) if path else "-", _("invalid YAML value"))


def _walk(
    node: yaml.Node,
    path: FieldPath,
    offset: int,
    lines: dict[FieldPath, int],
    issues: list[Issue],
    rel: str,
    seen_nodes: set[int] | None = None,
) -> None:
    lines[path] = node.start_mark.line + offset
    if len(path) > MAX_DEPTH:
        message = _("nested more than {depth} levels deep").format(depth=MAX_DEPTH)
        if not any(i.message == message for i in issues):
            issues.append(Issue(rel, lines[path], format_field(path[:3]) + "...", message))
        return
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        # An alias gives back the same node: refused, since aliases can nest into
        # exponentially large (or circular) values.
        seen_nodes = set() if seen_nodes is None else seen_nodes
        if id(node) in seen_nodes:
            message = _("YAML aliases (*name) are not supported; write the value out")
            if not any(i.message == message for i in issues):  # once per file is enough
                issues.append(Issue(rel, lines[path], format_field(path), message))
            return
        seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            line = key_node.start_mark.line + offset
            child = path + (str(key),)
            if key in seen:
                issues.append(
                    Issue(
                        rel,
                        line,
                        format_field(child),
                        _("duplicate key '{key}' (first at line {line})").format(key=key, line=seen[key]),
                    )
                )
                continue
            seen[key] = line
            tag = key_node.tag.rsplit(":", 1)[-1]
            if isinstance(key_node, yaml.ScalarNode) and tag != "str":
                issues.append(
                    Issue(
                        rel,
                        line,
                        format_field(child),
                        _("key '{key}' is read by YAML as a {type}; put it in quotes").format(key=key, type=tag),
                    )
                )
                continue
            _walk(value_node, child, offset, lines, issues, rel, seen_nodes)
            lines[child] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), offset, lines, issues, rel, seen_nodes)


def load_file(path: Path, root: Path) -> LoadResult:
    """Read one source file into a raw document, a plain page, or issues."""
    rel = relpath(path, root)
    text, problem = read_text(path, rel)
    if problem is not None or text is None:
        return LoadResult(issues=(problem,) if problem else ())
    result = load_text(text, path, rel)
    if result.issues and result.document is None and (declared := _ID_LINE.search(text)):
        # Its references are held back like those to any object that failed validation:
        # a YAML slip in one file must not read as "unknown role" in fifty others.
        result = dataclasses.replace(result, broken_id=declared.group(1))
    return result


def load_text(text: str, path: Path, rel: str) -> LoadResult:
    """Parse the decoded text of a source file (also used to check an edit before writing it)."""
    text = text.lstrip("\ufeff")
    if "\r" in text:  # CRLF (Windows editors) and lone CR become \n once, here
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_markdown = path.suffix.lower() == ".md"
    body: str | None = None
    body_line = 1
    if is_markdown:
        split = split_front_matter(text)
        if isinstance(split, int):
            return LoadResult(issues=(Issue(rel, split, "-", _("front matter has no closing '---' line")),))
        yaml_text, body, body_line = split
        if yaml_text is None:
            first = text.split("\n", 1)[0]
            if _KEY_LINE.match(first):
                return LoadResult(issues=(Issue(rel, 1, "-", _("front matter must start with a '---' line")),))
            return LoadResult(page=Source(path, rel, body=text), issues=_unloaded_page(text, rel))
        first_line = 2
    else:
        if not text.strip():
            return LoadResult(issues=(Issue(rel, 1, "-", _("empty file")),))
        yaml_text, first_line = text, 1
    data, lines, issues = parse_yaml(yaml_text, rel, first_line)
    if issues:
        return LoadResult(issues=tuple(issues))
    if is_markdown and (data is None or (isinstance(data, dict) and "kind" not in data and "id" not in data)):
        # Markdown front matter for MkDocs only (title, hide, ...): a page, not an object.
        page = Source(path, rel, body=body, lines=lines, body_line=body_line)
        return LoadResult(page=page, issues=_object_keys_in_other_case(data, page))
    if not isinstance(data, dict):
        found = _("nothing") if data is None else type(data).__name__
        message = _("expected a mapping of fields, found {found}").format(found=found)
        return LoadResult(issues=(Issue(rel, first_line, "-", message),))
    source = Source(path, rel, body=body, lines=lines, body_line=body_line)
    return LoadResult(document=RawDocument(source, data))


def _unloaded_page(text: str, rel: str) -> tuple[Issue, ...]:
    """A warning for a Markdown file without front matter that was meant to be an object:
    emptied, or with its fence broken (the fields are read as the page's text)."""
    if not text.strip():
        return (Issue(rel, None, "-", _("empty file: neither an object nor a page with text"), "warning"),)
    if looks_like_object(text):
        message = _(
            "looks like front matter (id and kind) but the file does not start with a '---' line: it is "
            "read as a plain page, not an object"
        )
        return (Issue(rel, 1, "-", message, "warning"),)
    return ()


def _object_keys_in_other_case(data: Any, page: Source) -> tuple[Issue, ...]:
    """A warning for front matter keys such as `Id:` or `KIND:`: keys are lower case, and
    without `id` and `kind` the file is a plain page."""
    if not isinstance(data, dict):
        return ()
    message = _(
        "'{key}' is not '{lower}' (keys are lower case): without id and kind the file is read as a plain "
        "page, not an object"
    )
    return tuple(
        page.issue((key,), message.format(key=key, lower=key.lower()), "warning")
        for key in data
        if isinstance(key, str) and key.lower() in ("id", "kind") and key not in ("id", "kind")
    )


_LEADING_KEY = re.compile(r"^(id|kind)[ \t]*:[ \t]*\S", re.M)
_LEADING_END = re.compile(r"^(#|```|~~~)", re.M)


def looks_like_object(text: str) -> bool:
    """Whether the start of a text (before its first heading or code fence, within 4 KB) has
    an `id:` line and a `kind:` line, as an object's fields do."""
    head = text[:4096]
    end = _LEADING_END.search(head)
    keys = {m.group(1) for m in _LEADING_KEY.finditer(head, 0, end.start() if end else len(head))}
    return keys == {"id", "kind"}


_PLAIN = frozenset([str, int, float, bool, type(None)])


def to_json_compatible(value: Any) -> Any:
    """Dates become ISO strings so JSON Schema can check them like any string.

    Only mappings and lists with a date somewhere inside are copied; the rest is
    returned as it is (most of a manual holds no dates), so callers must not change it.
    """
    if isinstance(value, dict):
        copied = value
        for key, item in value.items():
            if key.__class__ is not str:
                return {str(k): to_json_compatible(v) for k, v in value.items()}
            if item.__class__ not in _PLAIN and (new := to_json_compatible(item)) is not item:
                if copied is value:
                    copied = dict(value)
                copied[key] = new
        return copied
    if isinstance(value, list):
        copied_list = value
        for index, item in enumerate(value):
            if item.__class__ not in _PLAIN and (new := to_json_compatible(item)) is not item:
                if copied_list is value:
                    copied_list = list(value)
                copied_list[index] = new
        return copied_list
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
