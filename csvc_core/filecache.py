"""Checked data files kept between runs: start-up need not read, structure and check them again.

An instrument, the shared vocabulary or a plugin's action catalogue is read (TOML), structured and checked on
first use. The value that passed every check is then kept in the user cache folder (platformdirs' place:
``$XDG_CACHE_HOME/csvc`` or ``~/.cache/csvc`` on Linux), with what it was built from: the file's exact bytes,
the other inputs of the check (factor codes, scoring rules), Python's version and the size and modification
time of csvc's source files that read and check data. A later run uses the kept value only when all of these
are the same; otherwise, and whenever the kept file is missing, unreadable, corrupt or foreign, or the folder
cannot be written, the file is read and checked as if there were no cache. A file with problems is never kept:
its problems are reported at each run.

Kept files are written readable by their owner only, and trusted only when the user owns them and no one
else may write them. They hold plain data (:mod:`marshal`: strings, numbers, tuples, dictionaries) from
which only csvc's own attrs data classes are rebuilt, through their ``__init__``: a file planted in the folder
cannot make csvc run code.
"""

from __future__ import annotations

import marshal
import os
import sys
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from csvc_core.model import Instrument

if TYPE_CHECKING:
    from csvc_core.rules import ScoringRule

T = TypeVar("T")

#: bumped when what is kept changes shape.
FORMAT = 1
APP = "csvc"
#: the modules whose attrs classes a kept value may hold.
DATA_MODULES = frozenset({"csvc_core.model", "csvc_core.action_specs"})
#: csvc's sources that read, structure and check data files: a change to any of them discards kept values.
CHECKING_CODE = (
    "action_check.py",
    "action_specs.py",
    "converter.py",
    "durations.py",
    "errors.py",
    "filecache.py",
    "instruments.py",
    "model.py",
    "rules.py",
    "vocabulary.py",
)


def cache_dir() -> Path:
    """csvc's folder in the user cache folder, where :func:`platformdirs.user_cache_path` puts it.

    On Linux it is found the way platformdirs finds it (an absolute ``$XDG_CACHE_HOME``, else ``~/.cache``)
    without importing platformdirs, which costs more start-up time (tempfile, shutil, lzma, ...) than the
    cache saves; elsewhere, and for an unusual home, platformdirs answers.
    """
    if sys.platform == "linux":
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if os.path.isabs(xdg):
            return Path(xdg, APP)
        home = os.environ.get("HOME", "")
        if os.path.isabs(home):
            return Path(home, ".cache", APP)
    from platformdirs import user_cache_path

    return user_cache_path(APP, appauthor=False)


def source_stamp(files: Iterable[str]) -> tuple[tuple[str, int, int], ...]:
    """``(file, size, mtime_ns)`` of each source file; a file that cannot be read is stamped ``-1, -1``."""
    stamps = []
    for name in files:
        try:
            status = os.stat(name)
            stamps.append((name, status.st_size, status.st_mtime_ns))
        except OSError:
            stamps.append((name, -1, -1))
    return tuple(stamps)


@cache
def _code_stamp() -> tuple[Hashable, ...]:
    folder = os.path.dirname(__file__)
    return (FORMAT, sys.version, source_stamp(os.path.join(folder, name) for name in CHECKING_CODE))


#: the plain values a kept value is made of (lists are taken: a list holds one csvc data object).
_PLAIN = (str, int, float, bool, type(None), bytes)


def _encode(value: Any) -> Any:
    """``value`` as plain data for :mod:`marshal`: an attrs object of :data:`DATA_MODULES` becomes
    ``["module:Class", field values...]``; anything else (a list, another class) raises TypeError."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return tuple(_encode(element) for element in value)
    if kind is frozenset:
        return frozenset(_encode(element) for element in value)
    if kind is dict and all(type(name) in _PLAIN for name in value):
        return {name: _encode(element) for name, element in value.items()}
    if kind.__module__ in DATA_MODULES and attrs.has(kind) and _positional(kind):
        fields = attrs.fields(kind)
        return [f"{kind.__module__}:{kind.__qualname__}", *(_encode(getattr(value, f.name)) for f in fields)]
    raise TypeError(f"{kind.__qualname__} is not kept")


def _positional(kind: type) -> bool:
    """Whether ``kind(*values)`` rebuilds an object from its fields' values, in order."""
    return all(field.init and not field.kw_only for field in attrs.fields(kind))


def _decode(value: Any) -> Any:
    """The value that :func:`_encode` gave, rebuilt: only csvc's own data classes are built (``__init__``)."""
    kind = type(value)
    if kind is list:
        module, _, name = value[0].partition(":")
        found = getattr(sys.modules.get(module), name, None) if module in DATA_MODULES else None
        if not (isinstance(found, type) and attrs.has(found) and _positional(found)):
            raise ValueError(f"{value[0]} is not csvc data")
        return found(*[_decode(element) for element in value[1:]])
    if kind is tuple:
        return tuple([_decode(element) for element in value])
    if kind is dict:
        return {name: _decode(element) for name, element in value.items()}
    if kind is frozenset:
        return frozenset(_decode(element) for element in value)
    if kind in _PLAIN:
        return value
    raise ValueError(f"{kind.__qualname__} is not csvc data")


def _path(kind: str, origin: str) -> Path:
    """Where the value of ``origin`` is kept: a name of its own (two files sharing it only share a slot)."""
    digest = 0x811C9DC5  # FNV-1a of the path, 32 bits: stable from run to run, unlike hash()
    for byte in origin.encode():
        digest = ((digest ^ byte) * 0x01000193) & 0xFFFFFFFF
    return cache_dir() / f"{kind}-{Path(origin).stem}-{digest:08x}.marshal"


def _kept(path: Path, key: tuple[Any, ...], expected: type) -> Any:
    """The value kept at ``path`` under ``key``, or None (no file, another key, anything wrong)."""
    try:
        with path.open("rb") as handle:
            if not _private(os.fstat(handle.fileno())):
                return None
            kept_key, kept = marshal.loads(handle.read())
        if kept_key != key:
            return None
        value = _decode(kept)
    except Exception:  # a missing, truncated, corrupt or foreign file is a miss: the file is read again
        return None
    return value if isinstance(value, expected) else None


def _private(status: os.stat_result) -> bool:
    """Whether a kept file is the user's own and no one else may write it (always so where there are no
    POSIX owners)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or (status.st_uid == getuid() and not status.st_mode & 0o022)


def _keep(path: Path, key: tuple[Any, ...], value: Any) -> None:
    """Write ``key`` and ``value`` to ``path`` whole or not at all; an unwritable folder is left alone."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = marshal.dumps((key, _encode(value)))
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except Exception:  # the cache only saves time: never fail a run for it (nor keep what it cannot)
        with suppress(OSError):
            temporary.unlink(missing_ok=True)


def cached(
    kind: str, origin: str, raw: bytes, inputs: Hashable, expected: type[T], build: Callable[[], T]
) -> T:
    """``build()``, the checked value of file ``origin`` whose bytes are ``raw``, or the value kept by an
    earlier run for the same bytes, ``inputs`` and checking code. ``build`` raises on a file with problems."""
    key = (kind, origin, raw, inputs, _code_stamp())
    path = _path(kind, origin)
    found = _kept(path, key, expected)
    if found is not None:
        return found
    value = build()
    _keep(path, key, value)
    return value


def checked_instrument(path: Path, factors: frozenset[str], rules: Mapping[str, ScoringRule]) -> Instrument:
    """:func:`csvc_core.instruments.load_instrument`, or the instrument an earlier run checked from the same
    bytes against the same factor codes and scoring rules (their class, state and source file)."""

    def build() -> Instrument:
        from csvc_core.instruments import load_instrument

        return load_instrument(path, factors, rules, raw)

    try:
        raw: bytes | None = path.read_bytes()
    except OSError:
        raw = None
    stamp = _rules_stamp(rules)
    if raw is None or stamp is None:
        return build()  # load_instrument says why the file cannot be read; unknown rule code: not kept
    return cached("instrument", str(path), raw, (tuple(sorted(factors)), stamp), Instrument, build)


def _rules_stamp(rules: Mapping[str, ScoringRule]) -> tuple[Hashable, ...] | None:
    """What the checks of each scoring rule depend on, or None when its source file is unknown."""
    stamps: list[Hashable] = []
    for kind, rule in sorted(rules.items()):
        kind_of = type(rule)
        source = getattr(sys.modules.get(kind_of.__module__), "__file__", None)
        if source is None:
            return None
        state = repr(sorted(getattr(rule, "__dict__", {}).items()))
        stamps.append((kind, kind_of.__module__, kind_of.__qualname__, state, source_stamp([source])))
    return tuple(stamps)
