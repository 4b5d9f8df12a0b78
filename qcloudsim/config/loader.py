"""Load a YAML experiment file into an :class:`ExperimentConfig` with clear errors.

A :class:`ConfigError` message names the file, the line, the field path and
what was expected, e.g.::

    configs/x.yaml, line 14, field 'scheduler.name': unknown scheduler 'fcs'
    (did you mean 'fcfs'?); allowed: fcfs, or 'package.module:ClassName' ...
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from qcloudsim.config.schema import ExperimentConfig

Loc = tuple[str | int, ...]


class ConfigError(ValueError):
    """A user mistake in a configuration file (reported without a traceback)."""


def load_config(path: str | Path, overrides: dict[str, Any] | None = None) -> ExperimentConfig:
    """Read, parse and validate an experiment file.

    Relative ``qasm`` paths in the mix are resolved against the file's folder.

    Args:
        path: YAML file.
        overrides: Top-level keys to replace after reading (e.g. ``{"seed": 3}``).

    Raises:
        ConfigError: Missing file, YAML syntax error, or invalid content.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{where}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level, got {type(data).__name__}")
    if overrides:
        data = {**data, **overrides}
    _resolve_paths(data, path.parent)
    lines = _line_map(node)
    try:
        return ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, path, lines)) from None


def _resolve_paths(data: dict, base: Path) -> None:
    workload = data.get("workload")
    trace = workload.get("trace") if isinstance(workload, dict) else None
    if isinstance(trace, dict) and isinstance(trace.get("path"), str):
        path = Path(trace["path"])
        trace["path"] = str(path if path.is_absolute() else base / path)
    fleet = data.get("fleet")
    if isinstance(fleet, list):
        for entry in fleet:
            history = entry.get("history") if isinstance(entry, dict) else None
            if isinstance(history, dict) and isinstance(history.get("path"), str):
                path = Path(history["path"])
                history["path"] = str(path if path.is_absolute() else base / path)
    mix = data.get("workload", {}).get("mix") if isinstance(data.get("workload"), dict) else None
    if isinstance(mix, list):
        for entry in mix:
            if isinstance(entry, dict) and isinstance(entry.get("qasm"), str):
                qasm = Path(entry["qasm"])
                entry["qasm"] = str(qasm if qasm.is_absolute() else base / qasm)


def _line_map(node: yaml.Node | None) -> dict[Loc, int]:
    """Map each key path in the YAML document to its 1-based line."""
    lines: dict[Loc, int] = {}

    def walk(current: yaml.Node, loc: Loc) -> None:
        lines[loc] = current.start_mark.line + 1
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                child = loc + (str(key.value),)
                lines[child] = key.start_mark.line + 1
                walk(value, child)
                lines[child] = key.start_mark.line + 1
        elif isinstance(current, yaml.SequenceNode):
            for index, value in enumerate(current.value):
                walk(value, loc + (index,))

    if node is not None:
        walk(node, ())
    return lines


_UNION_TAGS: dict[str, frozenset[str]] = {
    "fleet": frozenset({"catalog-device", "custom-device"}),
    "workload": frozenset({"synthetic", "trace"}),
    "arrivals": frozenset({"poisson", "mmpp", "diurnal"}),
    "stopping": frozenset({"fixed", "curve", "trace"}),
}
"""Discriminator tags pydantic inserts after a union field (for lists: after the index)."""


def clean_loc(loc: Loc) -> Loc:
    """Drop pydantic's union tags and validator markers from an error location.

    A tag is dropped only right after the union field that produces it (or
    the list index under it), and never twice in a row, so a real field
    that shares a tag's name (``workload.trace``) is kept.
    """
    out: list[str | int] = []
    dropped = False
    for part in loc:
        if isinstance(part, str) and part.startswith(("function-", "constrained-")):
            continue
        if isinstance(part, str) and out and not dropped:
            owner = out[-1] if isinstance(out[-1], str) else (out[-2] if len(out) > 1 else None)
            if isinstance(owner, str) and part in _UNION_TAGS.get(owner, ()):
                dropped = True
                continue
        dropped = False
        out.append(part)
    return tuple(out)


def format_validation_error(exc: ValidationError, path: Path, lines: dict[Loc, int]) -> str:
    """One line per problem: file, line, dotted field path and message."""
    seen: set[str] = set()
    out: list[str] = []
    for error in exc.errors(include_url=False):
        loc = clean_loc(tuple(error["loc"]))
        field = ".".join(str(p) for p in loc) or "(top level)"
        line = _nearest_line(loc, lines)
        message = _message(error, loc)
        text = f"{path}{f', line {line}' if line else ''}, field '{field}': {message}"
        if text not in seen:
            seen.add(text)
            out.append(text)
    if len(out) > 1:
        return f"{len(out)} problems in {path}:\n  " + "\n  ".join(out)
    return out[0]


def _nearest_line(loc: Loc, lines: dict[Loc, int]) -> int | None:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def _message(error: dict, loc: Loc) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = allowed_keys(loc[:-1])
        hint = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"unknown key '{loc[-1]}'{hint}"
    if kind == "missing":
        return "required setting is missing"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    if kind not in ("value_error", "assertion_error") and "input" in error and not isinstance(error["input"], (dict, list)):
        message += f" (got {error['input']!r})"
    return message


def allowed_keys(loc: Loc) -> list[str]:
    """Field names accepted at ``loc`` of an :class:`ExperimentConfig` document."""
    models = _models_at(ExperimentConfig, loc)
    names: set[str] = set()
    for model in models:
        names.update(model.model_fields)
    return sorted(names)


def _models_at(annotation: Any, loc: Loc) -> list[type[BaseModel]]:
    candidates = _unwrap(annotation)
    if not loc:
        return [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
    head, rest = loc[0], loc[1:]
    found: list[type[BaseModel]] = []
    for cand in candidates:
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            if isinstance(head, str) and head in cand.model_fields:
                found += _models_at(cand.model_fields[head].annotation, rest)
        elif isinstance(head, int):
            for arg in typing.get_args(cand):
                found += _models_at(arg, rest)
    return found


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out += _unwrap(arg)
        return out
    return [annotation]
