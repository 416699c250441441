"""Kits for plugin authors: ``csvc plugin new`` writes a working plugin project from Jinja2 templates.

The templates live in ``templates/plugin/``. In their paths, ``__package__`` becomes the plugin's package,
``__instrument__`` its instrument id, a leading ``dot-`` a ``.`` (so that packaging keeps the file), and the
``.j2`` suffix is dropped.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

import attrs
import jinja2

from csvc_core.errors import BadInput
from csvc_core.sectors import PARTNERSHIP

TEMPLATES = Path(str(files(__name__))) / "templates" / "plugin"
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_SECTOR = re.compile(r"^[a-z][a-z0-9_]*$")


@attrs.frozen
class PluginSpec:
    """The names of one plugin project, all derived from the short name the author chose."""

    name: str  # entry-point and pluggy name: ``dv_hotline``
    distribution: str  # ``csvc-dv-hotline``
    package: str  # ``csvc_dv_hotline``
    instrument: str  # ``dv-hotline-screen``
    sector: str
    new_sector: bool  # the plugin declares its sector (csvc does not know it yet)
    csvc_version: str

    @property
    def folder(self) -> str:
        return self.distribution


def plugin_spec(
    name: str, sector: str | None = None, known_sectors: Iterable[str] = (PARTNERSHIP,)
) -> PluginSpec:
    """Check the short name and sector and derive every other name; :class:`BadInput` names the bad value."""
    short = name.strip().lower()
    for prefix in ("csvc-", "csvc_"):
        if short.startswith(prefix):
            short = short[len(prefix) :]
    if not _NAME.match(short) or len(short) > 40:
        raise BadInput(key="error.scaffold.name", name=name)
    ident = short.replace("-", "_")
    chosen = sector if sector is not None else ident
    if not _SECTOR.match(chosen):
        raise BadInput(key="error.scaffold.sector", sector=chosen)
    return PluginSpec(
        name=ident,
        distribution="csvc-" + short.replace("_", "-"),
        package="csvc_" + ident,
        instrument=short.replace("_", "-") + "-screen",
        sector=chosen,
        new_sector=chosen not in set(known_sectors),
        csvc_version=_csvc_version(),
    )


def refuse_taken_name(spec: PluginSpec) -> None:
    """:class:`BadInput` naming the distribution that already installs a plugin of this name."""
    from csvc_core.entrypoints import entry_points
    from csvc_core.plugins import ENTRY_POINT_GROUP

    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name == spec.name:
            owner = f"{entry_point.dist} {entry_point.version or ''}".strip()
            raise BadInput(key="error.scaffold.taken", name=spec.name, owner=owner)


def _csvc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("csvc")
    except PackageNotFoundError:
        return "0.1.0"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # the templates write Python, TOML and Markdown, never HTML
    )


def render_plugin(spec: PluginSpec) -> dict[str, str]:
    """Relative path -> text of every file of the project."""
    environment = _environment()
    rendered: dict[str, str] = {}
    for template in sorted(TEMPLATES.rglob("*")):
        if not template.is_file() or "__pycache__" in template.parts:
            continue
        relative = template.relative_to(TEMPLATES).as_posix()
        target = relative.replace("__package__", spec.package).replace("__instrument__", spec.instrument)
        target = re.sub(r"(^|/)dot-", r"\1.", target.removesuffix(".j2"))
        rendered[target] = environment.get_template(relative).render(spec=spec)
    return rendered


def write_plugin(spec: PluginSpec, parent: Path) -> Path:
    """Write the project into ``parent/<distribution>``, whole or not at all; refuses a non-empty folder."""
    target = parent / spec.folder
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BadInput(key="error.scaffold.exists", path=target)
    if parent.exists() and not parent.is_dir():
        raise BadInput(key="error.scaffold.not_a_folder", path=parent)
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.folder}-", dir=parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a project folder is an ordinary one
        for relative, text in render_plugin(spec).items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
