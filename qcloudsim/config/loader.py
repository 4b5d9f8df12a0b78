"""Load a YAML experiment file into an :class:`ExperimentConfig` with clear errors.

A :class:`ConfigError` message names the file, the line, the field path and
what was expected, e.g.::

    configs/x.yaml, line 14, field 'scheduler.name': unknown scheduler 'fcs'
    (did you mean 'fcfs'?); allowed: fcfs, or 'package.module:ClassName' ...

The YAML reader is PyYAML's safe loader with two changes: a key given twice
in one mapping is an error (PyYAML keeps the last one silently), and numbers
in exponent notation without a decimal point (``1e-3``) are numbers, as in
YAML 1.2, not strings.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from qcloudsim.config.schema import ExperimentConfig
from qcloudsim.config.values import MANY_TAG, ONE_TAG

Loc = tuple[str | int, ...]

MAX_CONFIG_BYTES = 16 * 2**20
"""Largest config file read (16 MiB; a config is a few kB, a long custom device list a few MB)."""

MAX_YAML_NODES = 1_000_000
"""Most values a config may expand to (aliases included): a guard against alias bombs."""


class ConfigError(ValueError):
    """A user mistake in a configuration file (reported without a traceback)."""


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping gives the same key twice.

    Attributes:
        key: The repeated key.
        first_line: 1-based line of the first occurrence.
        line: 1-based line of the second occurrence.
    """

    def __init__(self, key: Any, first: yaml.Node, second: yaml.Node) -> None:
        self.key = key
        self.first_line = first.start_mark.line + 1
        self.line = second.start_mark.line + 1
        super().__init__(
            None, None, f"duplicate key {key!r} (first at line {self.first_line})", second.start_mark
        )


_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")
"""Floats in exponent notation that YAML 1.1 (PyYAML) would read as strings: ``1e-3``, ``1.5E6``."""


class ConfigLoader(yaml.SafeLoader):
    """PyYAML's safe loader that rejects duplicate keys and reads ``1e-3`` as a number."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Build a value; a scalar its tag cannot hold (``!!int 1x``, ``2024-13-45``) is a YAML error."""
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (
            ValueError, TypeError, ArithmeticError, LookupError, AttributeError
        ) as exc:  # PyYAML's own constructors
            tag = node.tag.rsplit(":", 1)[-1]
            shown = str(node.value) if isinstance(node, yaml.ScalarNode) else str(getattr(node, "id", "value"))
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            reason = str(exc) if isinstance(exc, ValueError) else ""  # other errors are PyYAML internals
            reason = f" ({reason if len(reason) <= 80 else reason[:77] + '...'})" if reason else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shown!r} as !!{tag}{reason}", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping; a key given twice in the same mapping raises :class:`DuplicateKeyError`.

        Keys brought in by a merge (``<<: *base``) may be overridden, as YAML allows.
        """
        if isinstance(node, yaml.MappingNode):
            self._check_unique_keys(node)
        return super().construct_mapping(node, deep=deep)

    def _check_unique_keys(self, node: yaml.MappingNode) -> None:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:  # unhashable: the base constructor reports it
                continue
            if first is not key_node:
                raise DuplicateKeyError(key, first, key_node)


for _first in "-+.0123456789":
    ConfigLoader.add_implicit_resolver("tag:yaml.org,2002:float", _EXPONENT_FLOAT, [_first])


def load_config(path: str | Path, overrides: dict[str, Any] | None = None) -> ExperimentConfig:
    """Read, parse and validate an experiment file.

    Relative paths (QASM files, traces, calibration histories, loss traces,
    ``drl`` checkpoints; in the sweep lists too) are resolved against the
    file's folder.

    Args:
        path: YAML file (UTF-8).
        overrides: Top-level keys to replace after reading (e.g. ``{"seed": 3}``).

    Raises:
        ConfigError: Missing or unreadable file, text that is not UTF-8,
            YAML syntax error, duplicate key, or invalid content; the message
            starts with the file name.
    """
    path = Path(path)
    node, data = parse_yaml(read_text(path), path)
    if data is None:
        raise ConfigError(f"{path}: the file is empty; expected a mapping of settings")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level, got {type(data).__name__}")
    if overrides:
        data = {**data, **overrides}
    _resolve_paths(data, path.parent)
    lines = _line_map(node, path)
    try:
        return ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, path, lines)) from None
    except RecursionError:
        raise ConfigError(f"{path}: values are nested too deeply") from None


def read_text(path: Path) -> str:
    """The file's text, decoded as UTF-8.

    Raises:
        ConfigError: Missing, unreadable or oversized file, or bytes that are
            not UTF-8 (the message gives the line and byte offset of the first bad byte).
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, expected a YAML file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 2**20} MiB; is it really a config file?")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}, line {line}: not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None


def parse_yaml(text: str, path: Path) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data.

    Raises:
        ConfigError: YAML syntax error, duplicate key, or nesting too deep.
    """
    loader: ConfigLoader | None = None
    try:
        loader = ConfigLoader(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except DuplicateKeyError as exc:
        raise ConfigError(
            f"{path}, line {exc.line}: duplicate key {exc.key!r} (first at line {exc.first_line})"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}{_yaml_position(exc, text)}: invalid YAML: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid YAML: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return node, data


def _yaml_position(exc: yaml.YAMLError, text: str) -> str:
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return f", line {mark.line + 1}, column {mark.column + 1}"
    position = getattr(exc, "position", None)  # a ReaderError (a character YAML forbids)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        return f", line {line}, column {column}"
    return ""


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        return f"character {chr(exc.character)!r} ({exc.character:#x}) is not allowed in YAML"
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    return f"{problem} ({context})" if context and isinstance(exc, yaml.constructor.ConstructorError) else problem


def _resolve_paths(data: dict, base: Path) -> None:
    workload = data.get("workload")
    trace = workload.get("trace") if isinstance(workload, dict) else None
    if isinstance(trace, dict) and isinstance(trace.get("path"), str):
        trace["path"] = _relative_to(trace["path"], base)
    fleet = data.get("fleet")
    if isinstance(fleet, list):
        for entry in fleet:
            history = entry.get("history") if isinstance(entry, dict) else None
            if isinstance(history, dict) and isinstance(history.get("path"), str):
                history["path"] = _relative_to(history["path"], base)
    mix = workload.get("mix") if isinstance(workload, dict) else None
    if isinstance(mix, list):
        for entry in mix:
            if isinstance(entry, dict) and isinstance(entry.get("qasm"), str):
                entry["qasm"] = _relative_to(entry["qasm"], base)
    hybrid = data.get("hybrid")
    groups = hybrid.get("programs") if isinstance(hybrid, dict) else None
    for group in groups if isinstance(groups, list) else ():
        stopping = group.get("stopping") if isinstance(group, dict) else None
        if isinstance(stopping, dict) and isinstance(stopping.get("path"), str) and stopping["path"] != "builtin":
            stopping["path"] = _relative_to(stopping["path"], base)
    scheduler = data.get("scheduler")
    params = scheduler.get("params") if isinstance(scheduler, dict) else None
    if isinstance(params, dict) and isinstance(params.get("checkpoint"), str):
        params["checkpoint"] = _checkpoint_path(params["checkpoint"], base)
    sweep = data.get("sweep")
    if isinstance(sweep, dict):
        for key, values in sweep.items():
            if isinstance(values, list):
                sweep[key] = [_resolve_swept(str(key), value, base) for value in values]


def _resolve_swept(key: str, value: Any, base: Path) -> Any:
    """A swept value with its paths resolved exactly as :func:`_resolve_paths` resolves the same key outside a sweep.

    The value is placed at its dotted path in an otherwise empty document,
    resolved there, and read back, so one function knows which keys are paths.
    """
    parts = key.split(".")
    if parts[0].isdigit() or any(part.isdigit() and int(part) > 10_000 for part in parts):
        return value  # not a path into the document (the sweep's own check names the key)
    node: Any = value
    for part in reversed(parts):
        node = [{}] * int(part) + [node] if part.isdigit() else {part: node}
    _resolve_paths(node, base)
    for part in parts:
        node = node[int(part)] if part.isdigit() else node[part]
    return node


def _checkpoint_path(text: str, base: Path) -> str:
    """A policy checkpoint relative to the config's folder, like every other path in a config.

    For configs written when checkpoints were relative to the working folder,
    a path found there and not next to the config is kept as it is.
    """
    beside = Path(_relative_to(text, base))
    if beside.exists() or beside.with_suffix(".zip").exists() or not Path(text).exists():
        return str(beside)
    return text


def _relative_to(text: str, base: Path) -> str:
    """``text`` as a path relative to ``base`` unless absolute (an empty path stays empty, to be reported)."""
    if not text.strip():
        return text
    path = Path(text)
    return str(path if path.is_absolute() else base / path)


def _line_map(node: yaml.Node | None, path: Path) -> dict[Loc, int]:
    """Map each key path in the YAML document to its 1-based line.

    Raises:
        ConfigError: The document expands (through aliases) to more than
            :data:`MAX_YAML_NODES` values.
    """
    lines: dict[Loc, int] = {}
    stack: list[tuple[yaml.Node, Loc]] = [(node, ())] if node is not None else []
    visited = 0
    while stack:
        current, loc = stack.pop()
        visited += 1
        if visited > MAX_YAML_NODES:
            raise ConfigError(f"{path}: the document expands to more than {MAX_YAML_NODES} values (aliases?)")
        lines.setdefault(loc, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                child = loc + (str(key.value),)
                lines[child] = key.start_mark.line + 1
                stack.append((value, child))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((value, loc + (index,)) for index, value in enumerate(current.value))
    return lines


_UNION_TAGS: dict[str, frozenset[str]] = {
    "fleet": frozenset({"catalog-device", "custom-device"}),
    "workload": frozenset({"synthetic", "trace"}),
    "arrivals": frozenset({"poisson", "mmpp", "diurnal"}),
    "stopping": frozenset({"fixed", "curve", "trace"}),
}
"""Discriminator tags pydantic inserts after a union field (for lists: after the index)."""

_ANYWHERE_TAGS = frozenset({ONE_TAG, MANY_TAG})
"""Tags of :func:`qcloudsim.config.values.one_or_many` (never a field name: they contain a hyphen)."""


def clean_loc(loc: Loc) -> Loc:
    """Drop pydantic's union tags and validator markers from an error location.

    A tag is dropped only right after the union field that produces it (or
    the list index under it), and never twice in a row, so a real field
    that shares a tag's name (``workload.trace``) is kept.
    """
    out: list[str | int] = []
    dropped = False
    for part in loc:
        if isinstance(part, str) and (part.startswith(("function-", "constrained-"))
                                      or (out and part in _ANYWHERE_TAGS)):
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


MAX_SHOWN_INPUT = 80
"""Longest rendering of a rejected value in a message."""


def _message(error: Mapping[str, Any], loc: Loc) -> str:
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
    if (kind not in ("value_error", "assertion_error") and "input" in error
            and not isinstance(error["input"], (dict, list))):
        shown = repr(error["input"])
        if len(shown) > MAX_SHOWN_INPUT:
            shown = shown[: MAX_SHOWN_INPUT - 3] + "..."
        message += f" (got {shown})"
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
