"""Python files of the manual repository named by `compute:` and `check:`
(`checks/local_kpis.py:first_contact_rate`, a path relative to the manual's root).

A file is loaded by its path, as a module of a private package made for its folder
(`_qms_manual_<digest>`), never through `sys.path`: a manual's own `checks/` folder
cannot shadow the installed engine, nor the engine it, and `import checks` in such a
file is the engine. Files beside it are imported relatively (`from . import helpers`).

The package's name also carries the stamps of the folder's `.py` files, so that an
edited file is loaded again (`mkdocs serve` rebuilds) while an unchanged one is not.
Modules are compiled from their source each time they are loaded: no `__pycache__` is
written into the manual, and none can be read in place of an edit made within the
same second.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import os
import sys
import traceback
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import _
from ..model import Issue, Manual
from .suggestions import did_you_mean

PACKAGE_PREFIX = "_qms_manual_"


def is_local(spec: str) -> bool:
    """Whether `module:function` names a Python file of the manual (`path/file.py:function`)."""
    return spec.partition(":")[0].endswith(".py")


class LocalCodeError(Exception):
    """A Python file of the manual cannot be loaded (a syntax error, an import that fails,
    code that raises as the module runs): `issue` names the file and line."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(f"{issue.path}:{issue.line}: {issue.message}" if issue.line else issue.message)
        self.issue = issue


class LocalReferenceError(Exception):
    """`compute:` or `check:` names a file or function that is not there: the problem
    belongs to the field that names it."""


@dataclass(frozen=True)
class LocalFunction:
    """Where a local `path/file.py:function` lives."""

    root: Path
    written: str  # the path as written, relative to the root
    function: str

    @classmethod
    def parse(cls, root: Path, spec: str) -> LocalFunction:
        written, _sep, function = spec.rpartition(":")
        return cls(root, written, function)

    @property
    def path(self) -> Path:
        return self.root / self.written

    def check_path(self) -> None:
        """Refuse a path that is absolute, leaves the manual or names no file."""
        if Path(self.written).is_absolute() or self.written.startswith("\\"):
            raise LocalReferenceError(
                _("'{path}' must be a path relative to the manual's root").format(path=self.written)
            )
        if not self.path.resolve().is_relative_to(self.root.resolve()):
            raise LocalReferenceError(_("'{path}' points outside the manual").format(path=self.written))
        if not self.path.is_file():
            folder = self.path.parent
            beside = (
                [f"{Path(self.written).parent.as_posix()}/{p.name}" for p in folder.glob("*.py")]
                if folder.is_dir()
                else []
            )
            hint = did_you_mean(self.written, beside)
            raise LocalReferenceError(_("file '{path}' does not exist").format(path=self.written) + hint)


def load_function(root: Path, spec: str) -> Callable[..., Any]:
    """The function `path/file.py:function` of the manual under `root`."""
    ref = LocalFunction.parse(root, spec)
    ref.check_path()
    module = _load_module(ref)
    func = getattr(module, ref.function, None)
    if func is None:
        defined = [name for name, value in vars(module).items() if callable(value) and not name.startswith("_")]
        hint = did_you_mean(ref.function, defined)
        raise LocalReferenceError(
            _("{path} has no function '{function}'").format(path=ref.written, function=ref.function) + hint
        )
    if not callable(func):
        raise LocalReferenceError(
            _("'{function}' in {path} is not a function").format(function=ref.function, path=ref.written)
        )
    return func  # type: ignore[no-any-return]


def check_signature(root: Path, func: Callable[..., Any], arguments: Sequence[str], keywords: bool) -> Issue | None:
    """A problem when `func` cannot take the arguments the engine passes (positionally, or
    by name when `keywords`), reported at the function's own line."""
    try:
        signature = inspect.signature(func)
        if keywords:
            signature.bind(**dict.fromkeys(arguments))
        else:
            signature.bind(*arguments)
    except TypeError as exc:
        code = getattr(func, "__code__", None)
        path = Path(code.co_filename) if code else None
        rel = _relative(path, root) if path else None
        line = code.co_firstlineno if code else None
        message = _("{function} must take ({arguments}): {problem}").format(
            function=getattr(func, "__name__", "function"), arguments=", ".join(arguments), problem=exc
        )
        return Issue(rel or "-", line, "-", message)
    except ValueError:  # a builtin without a signature: nothing to say
        return None
    return None


def code_version(root: Path, spec: str) -> tuple[Any, ...]:
    """What a local function's result depends on besides its inputs: the stamps of the
    `.py` files of its folder (for the caches of `mkdocs serve`); () for a built-in."""
    if not is_local(spec):
        return ()
    return _stamps(LocalFunction.parse(root, spec).path.parent)


def local_folders(manual: Manual) -> set[Path]:
    """The folders of the manual's files that KPIs and checkpoints name (for `mkdocs serve`
    to watch)."""
    specs = [k.compute for k in manual.kpis.values()] + [c.check for c in manual.checkpoints.values() if c.check]
    return {LocalFunction.parse(manual.root, s).path.parent for s in specs if is_local(s)}


def where_raised(exc: BaseException, root: Path, spec: str) -> str | None:
    """`path:line` of the innermost frame of the traceback that is in the folder of the
    local file `spec` names (not in the libraries it calls)."""
    folder = LocalFunction.parse(root, spec).path.resolve().parent
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if _relative(Path(frame.filename), folder) is not None:
            found = f"{_relative(Path(frame.filename), root)}:{frame.lineno}"
    return found


def describe_raise(exc: BaseException, root: Path, spec: str) -> str:
    """What went wrong in a KPI function or check, naming the manual's file and line."""
    if isinstance(exc, (LocalCodeError, LocalReferenceError)):
        return str(exc)
    problem = f"{type(exc).__name__}: {exc}"
    place = where_raised(exc, root, spec) if is_local(spec) else None
    return _("{problem} (at {place})").format(problem=problem, place=place) if place else problem


# --- loading ---------------------------------------------------------------------------


def _stamps(folder: Path) -> tuple[Any, ...]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e.name, e.stat()) for e in listing if e.name.endswith(".py"))
            return tuple((name, st.st_mtime_ns, st.st_size, st.st_ino) for name, st in entries)
    except OSError:
        return ()


def _package_name(folder: Path) -> str:
    where = hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    version = hashlib.sha256(repr(_stamps(folder)).encode()).hexdigest()[:12]
    return f"{PACKAGE_PREFIX}{where}_{version}"


def _load_module(ref: LocalFunction) -> types.ModuleType:
    folder = ref.path.resolve().parent
    package = _package(folder)
    name = f"{package}.{ref.path.stem}"
    try:
        return importlib.import_module(name)
    except SyntaxError as exc:
        path = Path(exc.filename) if exc.filename else ref.path
        rel = _relative(path, ref.root) or ref.written
        problem = _("invalid Python: {problem}").format(problem=exc.msg)
        raise LocalCodeError(Issue(rel, exc.lineno, "-", problem)) from None
    except Exception as exc:  # the module raised as it ran, or an import in it failed
        place = where_raised(exc, ref.root, f"{ref.written}:{ref.function}")
        rel, _sep, line = (place or ref.written).partition(":")
        problem = f"{type(exc).__name__}: {exc}"
        message = _("cannot load: {problem}").format(problem=problem)
        raise LocalCodeError(Issue(rel, int(line) if line else None, "-", message)) from exc


def _package(folder: Path) -> str:
    """The private package of a folder's current files, made (and its older versions
    dropped) when a file of the folder changed."""
    _install_finder()
    name = _package_name(folder)
    if name not in sys.modules:
        stale = name.rpartition("_")[0] + "_"
        for old in [m for m in sys.modules if m.startswith(stale)]:
            del sys.modules[old]
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
        package = importlib.util.module_from_spec(spec)
        package.__path__ = [str(folder)]
        sys.modules[name] = package
    return name


class _SourceLoader(importlib.machinery.SourceFileLoader):
    """Compiles from the source every time and writes no bytecode into the manual."""

    def get_code(self, fullname: str) -> types.CodeType:
        return self.source_to_code(self.get_data(self.path), self.path)  # type: ignore[return-value]


class _ManualCodeFinder(importlib.abc.MetaPathFinder):
    """Finds the modules of the private packages (`_qms_manual_*`) in their folders only."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(PACKAGE_PREFIX) or "." not in fullname or not path:
            return None
        leaf = fullname.rpartition(".")[2]
        for folder in path:
            module = Path(folder) / f"{leaf}.py"
            package = Path(folder) / leaf / "__init__.py"
            if module.is_file():
                return importlib.util.spec_from_file_location(
                    fullname, module, loader=_SourceLoader(fullname, str(module))
                )
            if package.is_file():
                return importlib.util.spec_from_file_location(
                    fullname,
                    package,
                    loader=_SourceLoader(fullname, str(package)),
                    submodule_search_locations=[str(package.parent)],
                )
        return None


def _install_finder() -> None:
    # Python's import system is process-wide: one finder, first, for the private names only.
    if not any(isinstance(f, _ManualCodeFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ManualCodeFinder())


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return None
