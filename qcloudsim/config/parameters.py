"""Strict checks of scheduler and policy-level parameters against their constructors' annotations.

Scheduler ``params`` and ``{name: ..., <params>}`` levels are free-form in
the schema; here each value is validated (strictly, with any
``Annotated[..., Field(...)]`` bounds) against the type hint of the
parameter it is passed to, so ``window: 'x'`` is an error naming the
parameter before any run starts.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError


@functools.lru_cache(maxsize=128)
def _parameter_adapters(cls: type) -> dict[str, TypeAdapter]:
    """Strict validators of ``cls.__init__``'s annotated keyword parameters (empty if unresolvable)."""
    init = typing.cast(Any, cls).__init__
    try:
        hints = typing.get_type_hints(init, include_extras=True)
    except Exception:  # noqa: BLE001 - a plug-in's annotations may not resolve; its constructor still checks
        return {}
    config = ConfigDict(strict=True, allow_inf_nan=False, arbitrary_types_allowed=True)
    adapters: dict[str, TypeAdapter] = {}
    for name, parameter in inspect.signature(init).parameters.items():
        if name == "self" or name not in hints or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        try:
            adapters[name] = TypeAdapter(hints[name], config=config)
        except Exception:  # noqa: BLE001 - an annotation pydantic cannot express is left to the constructor
            continue
    return adapters


def check_parameters(owner: str, cls: type, params: Mapping[str, Any]) -> None:
    """Check ``params`` against the annotations of ``cls.__init__``, strictly.

    A parameter annotated ``int`` must be an integer (not ``true``, not
    ``'3'``), ``float`` a finite number, ``bool`` ``true``/``false``; bounds
    given with ``Annotated[..., Field(...)]`` are enforced too. Unknown names
    are left to the constructor, which rejects them.

    Args:
        owner: What the parameters belong to, for the message (e.g. ``"scheduler 'sjf'"``).
        cls: The class the parameters are passed to.
        params: The parameters.

    Raises:
        ValueError: Naming the parameter, what was expected and what was given.
    """
    adapters = _parameter_adapters(cls)
    for name, value in params.items():
        adapter = adapters.get(name)
        if adapter is None:
            continue
        try:
            adapter.validate_python(value)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in error["loc"] if not str(p).startswith(("function-", "constrained-")))
            detail = f" at {where}" if where else ""
            raise ValueError(f"{owner}: parameter {name!r}{detail}: {error['msg']} (got {value!r})") from None


def check_level(kind: str, spec: str | Mapping[str, Any] | None) -> None:
    """Check the parameters of a policy level given as a mapping (``{name: ..., <params>}``)."""
    if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
        return
    from qcloudsim.schedulers.levels import MULTIPLEXING, ORDERS, PLACEMENTS

    registries: dict[str, Mapping[str, type]] = {"order": ORDERS, "placement": PLACEMENTS, "multiplexing": MULTIPLEXING}
    registry = registries[kind]
    cls = registry.get(spec["name"])
    if cls is not None:
        params = {k: v for k, v in spec.items() if k not in ("name", "ledger")}
        check_parameters(f"{kind} {spec['name']!r}", cls, params)
