"""The plugin manager: core defaults, then every ``csvc.plugins`` entry point, loaded one at a time.

A plugin that fails to import, register or validate is recorded (name, version, error) and left out; the
others go on. ``CSVC_STRICT_PLUGINS=1`` re-raises instead, for plugin authors. ``CSVC_DISABLE_PLUGINS`` is a
comma-separated list of entry-point names to skip.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, NamedTuple

import pluggy

from csvc_core import hookspecs
from csvc_core.entrypoints import distribution_version, entry_points

ENTRY_POINT_GROUP = "csvc.plugins"
CORE_PLUGIN = "csvc_core"


class PluginFailure(NamedTuple):
    """A plugin left out: its name, version and the error, one line."""

    name: str
    version: str | None
    error: str


class PluginInfo(NamedTuple):
    """A registered plugin and the hooks it implements."""

    name: str
    version: str | None
    hooks: tuple[str, ...]


class CsvcPluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers the plugins that failed or were disabled."""

    def __init__(self) -> None:
        super().__init__("csvc")
        self.add_hookspecs(hookspecs)
        self.failures: list[PluginFailure] = []
        self.disabled: list[str] = []
        self.versions: dict[str, str | None] = {}
        #: bumped at each (un)registration: callers may cache what they derive from the hook implementations.
        self.generation = 0

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        self.generation += 1
        return super().register(plugin, name)

    def unregister(self, plugin: Any | None = None, name: str | None = None) -> Any | None:
        self.generation += 1
        return super().unregister(plugin, name)

    def plugin_infos(self) -> list[PluginInfo]:
        """Every registered plugin with the hooks it implements, sorted by name."""
        infos = []
        for name, plugin in self.list_name_plugin():
            if plugin is None:
                continue
            hooks = sorted(caller.name for caller in self.get_hookcallers(plugin) or ())
            infos.append(PluginInfo(name=name, version=self.versions.get(name), hooks=tuple(hooks)))
        return sorted(infos, key=lambda info: info.name)

    def register_checked(self, plugin: Any, name: str, version: str | None) -> bool:
        """Register ``plugin``; on any error record it, leave the plugin out and return False.

        Refused: a hook that no hookspec declares (a misspelt ``csvc_scroe``, caught by ``check_pending``),
        arguments a hookspec does not offer, and hook wrappers (csvc calls plugins one by one).
        """
        try:
            self.register(plugin, name=name)
            wrappers = [
                impl.function.__name__
                for caller in self.get_hookcallers(plugin) or ()
                for impl in caller.get_hookimpls()
                if impl.plugin is plugin and (impl.hookwrapper or impl.wrapper)
            ]
            if wrappers:
                raise pluggy.PluginValidationError(
                    plugin, f"hook wrappers are not supported: {', '.join(sorted(wrappers))}"
                )
            self.check_pending()
        except Exception as exc:
            if self.is_registered(plugin):
                self.unregister(plugin)
            self._fail(name, version, exc)
            return False
        self.versions[name] = version
        return True

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load and register each entry point of ``group`` in name order, one at a time."""
        disabled = {
            name.strip() for name in os.environ.get("CSVC_DISABLE_PLUGINS", "").split(",") if name.strip()
        }
        seen: set[tuple[str, str]] = set()
        for entry_point in sorted(entry_points(group=group), key=lambda ep: (ep.name, ep.value)):
            if (entry_point.name, entry_point.value) in seen:
                continue  # the same distribution found twice on sys.path
            seen.add((entry_point.name, entry_point.value))
            version = entry_point.version
            if entry_point.name in disabled:
                self.disabled.append(entry_point.name)
                continue
            if self.has_plugin(entry_point.name):
                self._fail(entry_point.name, version, ValueError("another plugin already has this name"))
                continue
            try:
                plugin = entry_point.load()
            except (Exception, SystemExit) as exc:  # a plugin's import must never stop csvc
                self._fail(entry_point.name, version, exc)
                continue
            self.register_checked(plugin, entry_point.name, version)

    def _fail(self, name: str, version: str | None, exc: BaseException) -> None:
        if strict_plugins():
            raise exc
        message = f"{type(exc).__name__}: {exc}".strip().replace("\n", " ")
        self.failures.append(PluginFailure(name=name, version=version, error=message))


def strict_plugins() -> bool:
    return os.environ.get("CSVC_STRICT_PLUGINS", "").lower() in ("1", "true", "yes")


def new_plugin_manager(load_entry_points: bool = True) -> CsvcPluginManager:
    """A fresh manager with the core defaults and, unless told otherwise, the installed plugins."""
    from csvc_core import defaults

    manager = CsvcPluginManager()
    manager.register_checked(defaults, CORE_PLUGIN, distribution_version("csvc"))
    if load_entry_points:
        manager.load_entry_points()
    return manager


@lru_cache(maxsize=1)
def get_plugin_manager() -> CsvcPluginManager:
    """The process-wide manager (tests build their own with :func:`new_plugin_manager`)."""
    return new_plugin_manager()
