"""Scheduler registry: YAML names to scheduler factories.

Built-in schedulers register themselves with :func:`register`; a user's own
scheduler is named in YAML as ``"package.module:ClassName"`` and loaded with
:func:`importlib.import_module`. Mirrors Gymnasium's registration: one
place maps names to entry points.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

from qcloudsim.schedulers.base import Scheduler

S = TypeVar("S", bound=type[Scheduler])

_REGISTRY: dict[str, type[Scheduler]] = {}


class UnknownSchedulerError(ValueError):
    """Raised for a scheduler name that is neither registered nor importable."""


def register(name: str) -> Callable[[S], S]:
    """Class decorator registering a scheduler under ``name``."""

    def decorator(cls: S) -> S:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"scheduler name {name!r} is already registered to {_REGISTRY[name]}")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorator


def scheduler_names() -> tuple[str, ...]:
    """Registered scheduler names, sorted."""
    _load_builtins()
    return tuple(sorted(_REGISTRY))


def scheduler_class(name: str) -> type[Scheduler]:
    """The class registered as ``name`` or loaded from ``"module:Class"``.

    Raises:
        UnknownSchedulerError: With the allowed names (and close matches).
    """
    _load_builtins()
    if name in _REGISTRY:
        return _REGISTRY[name]
    if ":" in name:
        return _import_path(name)
    if name in _MISSING_EXTRAS:
        raise UnknownSchedulerError(_MISSING_EXTRAS[name])
    close = difflib.get_close_matches(name, _REGISTRY, n=3)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    raise UnknownSchedulerError(
        f"unknown scheduler {name!r}{hint}; allowed: {', '.join(sorted(_REGISTRY))}, "
        "or 'package.module:ClassName' for your own"
    )


def make_scheduler(name: str, **params: Any) -> Scheduler:
    """Instantiate the scheduler ``name`` with keyword ``params``.

    Raises:
        UnknownSchedulerError: Unknown name, or parameters the class rejects.
    """
    cls = scheduler_class(name)
    try:
        return cls(**params)
    except TypeError as exc:
        raise UnknownSchedulerError(f"scheduler {name!r} rejected its parameters {params}: {exc}") from exc


def _import_path(path: str) -> type[Scheduler]:
    module_name, _, attr = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UnknownSchedulerError(f"cannot import scheduler module {module_name!r}: {exc}") from exc
    cls = getattr(module, attr, None)
    if cls is None:
        raise UnknownSchedulerError(f"module {module_name!r} has no attribute {attr!r}")
    if not (isinstance(cls, type) and issubclass(cls, Scheduler)):
        raise UnknownSchedulerError(
            f"{path!r} is not a subclass of qcloudsim.schedulers.base.Scheduler"
        )
    return cls


_BUILTIN_MODULES = (
    "qcloudsim.schedulers.fcfs",
    "qcloudsim.schedulers.ordering",
    "qcloudsim.schedulers.fairshare",
    "qcloudsim.schedulers.qsra",
    "qcloudsim.schedulers.placement",
    "qcloudsim.schedulers.cutting",
)


_OPTIONAL_MODULES: dict[str, tuple[tuple[str, ...], str]] = {
    "qcloudsim.rl.scheduler": (("drl",), "rl"),
}
"""Scheduler modules that need an optional extra: module -> (scheduler names, extra)."""

_MISSING_EXTRAS: dict[str, str] = {}
"""Scheduler name -> why it is unavailable (the extra to install and the missing package)."""


def _load_builtins() -> None:
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
    for module, (names, extra) in _OPTIONAL_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError as exc:
            for name in names:
                _MISSING_EXTRAS[name] = (
                    f"scheduler {name!r} needs the {extra!r} extra: pip install 'qcloudsim[{extra}]' "
                    f"(missing: {exc.name or exc})"
                )
