"""Discovering, loading and calling extractor plugins.

Plugins come from the ``timeline.plugins`` entry-point group, first-party ones
included. Each is loaded on its own: one that fails to import, or raises when
called, is reported (a warning, and ``timeline plugins`` shows it as failed)
and the others carry on.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from importlib.metadata import entry_points
from typing import Any

import pluggy

from timeline import hookspecs
from timeline.models import PluginInfo

ENTRY_POINT_GROUP = "timeline.plugins"
GENERIC = "generic"

log = logging.getLogger(__name__)


class PluginWarning(UserWarning):
    """A plugin failed to load or raised; the page fell back to another plugin."""


class PluginRegistry:
    """The loaded plugins and the way the core calls one of them."""

    def __init__(self, disabled: Iterable[str] = ()) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.disabled = frozenset(disabled)
        self._info: dict[str, PluginInfo] = {}

    @classmethod
    def from_entry_points(cls, disabled: Iterable[str] = ()) -> PluginRegistry:
        """A registry holding every installed plugin that is not disabled."""
        reg = cls(disabled)
        reg.load_entry_points()
        return reg

    def load_entry_points(self) -> None:
        """Import and register each entry point of the group, isolating failures."""
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name in self.disabled:
                self._info[ep.name] = PluginInfo(name=ep.name, module=ep.value, status="disabled")
                continue
            if self.pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
                self.register(plugin, ep.name, module=ep.value)
            except Exception as exc:  # a broken plugin must not stop the others
                self._fail(ep.name, ep.value, f"failed to load: {type(exc).__name__}: {exc}")

    def register(self, plugin: object, name: str, module: str | None = None) -> None:
        """Register a plugin object (a module or any object with ``@hookimpl`` methods)."""
        if name in self.disabled:
            self._info[name] = PluginInfo(name=name, module=module, status="disabled")
            return
        self.pm.register(plugin, name=name)
        self._info[name] = PluginInfo(name=name, module=module or getattr(plugin, "__name__", None), status="loaded")

    def _fail(self, name: str, module: str | None, error: str) -> None:
        self._info[name] = PluginInfo(name=name, module=module, status="failed", error=error)
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)
        warnings.warn(f"timeline plugin {name!r} {error}", PluginWarning, stacklevel=3)
        log.warning("plugin %s %s", name, error)

    def infos(self) -> list[PluginInfo]:
        """Every plugin seen, loaded or not, by name."""
        return [self._info[k] for k in sorted(self._info)]

    def names(self) -> list[str]:
        return [i.name for i in self.infos() if i.status == "loaded"]

    def call_one(self, name: str, hook: str, **kwargs: Any) -> Any:
        """Call ``hook`` on the plugin ``name`` only; None when it does not implement it or raised."""
        caller = getattr(self.pm.hook, hook)
        for impl in caller.get_hookimpls():
            if impl.plugin_name != name:
                continue
            try:
                return impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception as exc:
                self.report(name, f"raised in {hook}: {type(exc).__name__}: {exc}")
                return None
        return None

    def report(self, name: str, problem: str) -> None:
        """Mark plugin ``name`` as failed with ``problem`` and stop calling it."""
        self._fail(name, self._info[name].module if name in self._info else None, problem)

    def recognise(self, **kwargs: Any) -> str | None:
        """The name of the plugin most sure the page is its outlet's (ties go to the first name)."""
        best: tuple[float, str] | None = None
        for impl in list(self.pm.hook.timeline_recognise.get_hookimpls()):
            name = impl.plugin_name
            try:
                value: Any = impl.function(**{k: kwargs[k] for k in impl.argnames})
                if value is None:
                    continue
                score = float(value)
            except Exception as exc:
                self.report(name, f"raised in timeline_recognise: {type(exc).__name__}: {exc}")
                continue
            if best is None or score > best[0] or (score == best[0] and name < best[1]):
                best = (score, name)
        return best[1] if best else None
