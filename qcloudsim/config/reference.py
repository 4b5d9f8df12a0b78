"""Generate the configuration reference (``docs/config_reference.md``) from the schema.

Every section of :class:`~qcloudsim.config.schema.ExperimentConfig` is listed
with each key's type, default, bounds and description. Descriptions come
from the ``Attributes:`` section of each model's docstring (or a field's
``description``); bounds from the field types, whose limits are the
constants of :mod:`qcloudsim.limits` and :mod:`qcloudsim.config.values`.

Regenerate with::

    python -m qcloudsim.config.reference            # writes docs/config_reference.md
    python -m qcloudsim.config.reference --check    # exit 1 if the file is stale
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel, Discriminator, Tag
from pydantic.fields import FieldInfo

from qcloudsim import limits
from qcloudsim.config import values
from qcloudsim.config.schema import ExperimentConfig

DEFAULT_OUTPUT = Path("docs/config_reference.md")
"""Where the reference is written (relative to the repository root)."""

COMMAND = "python -m qcloudsim.config.reference"
"""The command that regenerates the reference."""

INTRO = f"""\
# Configuration reference

<!-- Generated from qcloudsim/config/schema.py by `{COMMAND}`; do not edit by hand. -->

This file is generated from the pydantic models in `qcloudsim/config/schema.py`:
regenerate it with `{COMMAND}` after changing the schema (a test fails when
it is stale).

An experiment is one YAML file (UTF-8). The rules every file follows:

* **Unknown keys are errors**, and so is a key given twice in one mapping;
  the message names the file, the line and the dotted field, and lists the
  allowed keys.
* **Types are strict.** A string is never read as a number (`jobs: '20'` is
  an error), a boolean never as a number (`jobs: true`), a number never as a
  string or a boolean. The only conversions are those YAML needs: a list
  where a pair is expected (`qubits: [3, 10]`), a string where a path is
  expected, and an integer where a number is expected. `1e-3` is a number
  (as in YAML 1.2).
* **Every number is bounded.** A value outside its bounds is a mistake in
  the file, reported like any other, before anything runs. Without bounds a
  typo can hang a run (`jobs: 1000000000000000000000000000000`), overflow an
  integer (`shots: 1e30`) or make simulated time lose its resolution
  (`rate_per_s: 1e-300` puts every arrival at time 0). The bounds are
  generous: far above what a real quantum cloud or a laptop-sized study
  needs, far below where the model breaks. Physical bounds are the
  constants of `qcloudsim/limits.py`; bounds of settings only the
  configuration has are the constants of `qcloudsim/config/values.py`.
  Both are listed below.
* **Some checks span several keys**: the arrival span `jobs / mean rate`
  must stay within `MAX_TIME_S`; a family's `qubits` must lie in the
  family's own range (e.g. `grover`: 2..12); hybrid programs must arrive
  within `MAX_TIME_S` and submit at most `MAX_JOBS` jobs; a sweep has at
  most `MAX_RUNS` runs; `output.dir` must not be an existing file.
* Scheduler `params` and `{{name: ..., <params>}}` policy levels are checked
  against the scheduler's (or level's) constructor annotations with the
  same strict rules (see `docs/schedulers.md` for each scheduler's
  parameters).
"""


# -- constants and their docstrings -----------------------------------------------------


def constant_docs(module: types.ModuleType) -> dict[str, str]:
    """Docstrings of a module's top-level assignments (the string right after each one)."""
    tree = ast.parse(inspect.getsource(module))
    docs: dict[str, str] = {}
    body = tree.body
    for node, following in zip(body, body[1:], strict=False):
        if not (isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)):
            continue
        if not isinstance(following.value.value, str):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            names = [target] if isinstance(target, ast.Name) else getattr(target, "elts", [])
            for name in names:
                if isinstance(name, ast.Name):
                    docs[name.id] = markdown(" ".join(following.value.value.split()))
    return docs


def _bound_constants(module: types.ModuleType) -> Iterator[tuple[str, Any, str]]:
    docs = constant_docs(module)
    for name, value in vars(module).items():
        if re.fullmatch(r"(MAX|MIN)_[A-Z0-9_]+", name) and isinstance(value, int | float) and name in docs:
            yield name, value, docs[name]


def render_constants() -> str:
    """Tables of the bounds: those of :mod:`qcloudsim.limits`, then the schema's own."""
    out = ["## Bounds", "", "From `qcloudsim/limits.py` (physical and numerical limits):", ""]
    out += ["| Constant | Value | Meaning |", "|---|---|---|"]
    out += [f"| `{name}` | {number(value)} | {text} |" for name, value, text in _bound_constants(limits)]
    out += ["", "From `qcloudsim/config/values.py` (settings only the configuration has):", ""]
    out += ["| Constant | Value | Meaning |", "|---|---|---|"]
    out += [f"| `{name}` | {number(value)} | {text} |" for name, value, text in _bound_constants(values)]
    return "\n".join(out) + "\n"


def render_named_types() -> str:
    """The table of named bounded types (each field's type links here)."""
    docs = constant_docs(values)
    out = ["## Value types", "", "The named types of the tables below (every number has one).", ""]
    out += ["| Type | Values | Bounds | Meaning |", "|---|---|---|---|"]
    for name, annotation in values.NAMED_TYPES.items():
        base, metadata = _split_annotated(annotation)
        out.append(
            f"| <a id=\"type-{name.lower()}\"></a>`{name}` | {_type_text(base)} | "
            f"{bounds_text(metadata) or '—'} | {docs.get(name, '')} |"
        )
    return "\n".join(out) + "\n"


# -- types ------------------------------------------------------------------------------------


def number(value: Any) -> str:
    """A bound as YAML accepts it: exact integers (``4,294,967,295``), short floats (``1e9``, ``1e-6``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", f"{value:g}")


def markdown(text: str) -> str:
    """Docstring markup as Markdown: ````x```` -> ```x```, ``:class:`~a.B``` -> ```a.B```."""
    text = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text)
    return text.replace("``", "`")


def _flatten(metadata: list[Any] | tuple[Any, ...]) -> tuple[Any, ...]:
    out: list[Any] = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            out += _flatten(item.metadata)
        else:
            out.append(item)
    return tuple(out)


def _split_annotated(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """``(base, flattened metadata)`` of ``Annotated[base, ...]`` (nested levels merged)."""
    metadata: tuple[Any, ...] = ()
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation, metadata = args[0], _flatten(args[1:]) + metadata
    return annotation, tuple(m for m in metadata if not isinstance(m, Discriminator | Tag))


def _named(metadata: tuple[Any, ...]) -> str | None:
    """The name of the named type whose metadata this is (the last marker wins), if any."""
    names = [item.name for item in metadata if isinstance(item, values.TypeName)]
    return names[-1] if names else None


def bounds_text(metadata: tuple[Any, ...]) -> str:
    """Readable bounds: ``≥ 1, ≤ 100000`` or ``1..24 items`` (tightest of repeated bounds)."""
    lower: tuple[str, Any] | None = None
    upper: tuple[str, Any] | None = None
    shortest: int | None = None
    longest: int | None = None
    patterns: list[str] = []
    for item in metadata:
        if isinstance(item, annotated_types.Ge | annotated_types.Gt):
            low: Any = item.ge if isinstance(item, annotated_types.Ge) else item.gt
            if lower is None or low >= lower[1]:
                lower = ("≥" if isinstance(item, annotated_types.Ge) else ">", low)
        elif isinstance(item, annotated_types.Le | annotated_types.Lt):
            high: Any = item.le if isinstance(item, annotated_types.Le) else item.lt
            if upper is None or high <= upper[1]:
                upper = ("≤" if isinstance(item, annotated_types.Le) else "<", high)
        elif isinstance(item, annotated_types.MinLen):
            shortest = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            longest = item.max_length
        elif getattr(item, "pattern", None):
            patterns.append(f"matches `{item.pattern}`")
    parts: list[str] = []
    if lower is not None:
        parts.append(f"{lower[0]} {number(lower[1])}")
    if upper is not None:
        parts.append(f"{upper[0]} {number(upper[1])}")
    return ", ".join(parts + _length_text(shortest, longest) + patterns)


def _length_text(shortest: int | None, longest: int | None) -> list[str]:
    if shortest is not None and shortest == longest:
        return [f"length {number(shortest)}"]
    if shortest is not None and longest is not None:
        return [f"length {number(shortest)}..{number(longest)}"]
    if shortest is not None:
        return [f"length ≥ {number(shortest)}"]
    return [f"length ≤ {number(longest)}"] if longest is not None else []


_SCALARS: dict[Any, str] = {int: "integer", float: "number", bool: "true/false", str: "string", Any: "any"}


def _type_text(annotation: Any) -> str:
    """A readable type: ``integer``, ``list of `Shots```, ``one of `a`, `b```, ``[`Time`, `Time`]``."""
    base, metadata = _split_annotated(annotation)
    name = _named(metadata)
    if name is not None:
        return f"[`{name}`](#type-{name.lower()})"
    text = _structure_text(base)
    extra = bounds_text(metadata)
    return f"{text} ({extra})" if extra else text


def _structure_text(annotation: Any) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if isinstance(annotation, type) and issubclass(annotation, PurePath):
        return "path"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if origin is Literal:
        shown = [f"`{a}`" if isinstance(a, str) else f"`{json.dumps(a)}`" for a in args]
        return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)
    if origin in (typing.Union, types.UnionType):
        return " or ".join("`null`" if a is type(None) else _type_text(a) for a in args)
    if annotation is type(None):
        return "`null`"
    if origin is list:
        return f"list of {_type_text(args[0])}"
    if origin is tuple:
        return "[" + ", ".join(_type_text(a) for a in args) + "]"
    if origin is dict:
        return f"mapping of {_type_text(args[0])} to {_type_text(args[1])}"
    return getattr(annotation, "__name__", str(annotation))


def field_type(info: FieldInfo) -> str:
    """The type column of a field (``or null`` when it may be ``null``)."""
    annotation: Any = info.annotation
    nullable = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation):
        nullable = True
        rest = tuple(a for a in typing.get_args(annotation) if a is not type(None))
        annotation = rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007
    metadata = tuple(m for m in _flatten(info.metadata) if not isinstance(m, Discriminator | Tag))
    name = _named(metadata)
    text = f"[`{name}`](#type-{name.lower()})" if name else _type_text(annotation)
    return f"{text} or `null`" if nullable else text


def field_bounds(info: FieldInfo) -> str:
    """The bounds column: the field's own constraints, or those of its one (nullable) type."""
    metadata = _flatten(info.metadata)
    if not any(isinstance(m, annotated_types.BaseMetadata) for m in metadata):
        args = [a for a in typing.get_args(info.annotation) if a is not type(None)]
        if typing.get_origin(info.annotation) in (typing.Union, types.UnionType) and len(args) == 1:
            metadata = _split_annotated(args[0])[1]
    return bounds_text(metadata) or "—"


def field_default(info: FieldInfo) -> str:
    """The default column: ``required``, or the default as YAML would write it."""
    if info.is_required():
        return "**required**"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(section defaults)"
    if isinstance(value, PurePath):
        value = str(value)
    return f"`{json.dumps(value, default=str, ensure_ascii=False)}`"


# -- descriptions ------------------------------------------------------------------------------


def attribute_docs(model: type) -> dict[str, str]:
    """Descriptions from the ``Attributes:`` sections of ``model``'s docstring and its bases'."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        docs.update({k: markdown(v) for k, v in _parse_attributes(cls.__dict__.get("__doc__") or "").items()})
    return docs


def _parse_attributes(doc: str) -> dict[str, str]:
    lines = inspect.cleandoc(doc).splitlines()
    out: dict[str, str] = {}
    inside, current, indent = False, None, None
    for line in lines:
        if line.strip() == "Attributes:":
            inside, current, indent = True, None, None
            continue
        if not inside:
            continue
        if not line.strip():
            if current is not None:
                current = None
            continue
        width = len(line) - len(line.lstrip())
        if width == 0:
            inside = False
            continue
        match = re.match(r"\s*(\w+):\s*(.*)$", line)
        if match and (indent is None or width == indent):
            indent, current = width, match.group(1)
            out[current] = match.group(2)
        elif current is not None:
            out[current] += " " + line.strip()
    return out


def summary(model: type[BaseModel]) -> str:
    """The docstring of ``model`` without its ``Attributes:`` section."""
    text = inspect.cleandoc(model.__doc__ or "")
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        if line.strip() == "Attributes:":
            skipping = True
            continue
        if skipping and (not line.strip() or line.startswith(" ")):
            continue
        skipping = False
        kept.append(line)
    paragraphs = [markdown(" ".join(p.split())) for p in "\n".join(kept).split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs)


def descriptions(model: type[BaseModel]) -> dict[str, str]:
    """Each field's description: its ``description``, else its docstring attribute entry."""
    docs = attribute_docs(model)
    return {name: info.description or docs.get(name, "") for name, info in model.model_fields.items()}


# -- sections ------------------------------------------------------------------------------------


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def sections(root: type[BaseModel] = ExperimentConfig) -> list[tuple[type[BaseModel], list[str]]]:
    """Every model reachable from ``root`` (depth first, in field order) with the key paths it appears at."""
    order: list[type[BaseModel]] = []
    paths: dict[type[BaseModel], list[str]] = {}

    def visit(model: type[BaseModel], path: str) -> None:
        if model in paths:
            if path not in paths[model]:
                paths[model].append(path)
            return
        order.append(model)
        paths[model] = [path]
        for name, info in model.model_fields.items():
            child = (f"{path}.{name}" if path else name) + ("[]" if _is_list_of_models(info.annotation) else "")
            for sub in _models_in(info.annotation):
                visit(sub, child)

    visit(root, "")
    return [(model, paths[model]) for model in order]


def _is_list_of_models(annotation: Any) -> bool:
    base, _ = _split_annotated(annotation)
    if typing.get_origin(base) in (typing.Union, types.UnionType):
        return any(_is_list_of_models(a) for a in typing.get_args(base))
    return typing.get_origin(base) is list and any(True for _ in _models_in(typing.get_args(base)[0]))


def render_section(model: type[BaseModel], paths: list[str]) -> str:
    """A model's heading, summary and table of keys."""
    where = ", ".join(f"`{p}`" for p in paths if p) or "the top level of the file"
    out = [f'<a id="{model.__name__.lower()}"></a>', f"## {model.__name__}", "", f"At {where}.", ""]
    text = summary(model)
    if text:
        out += [text, ""]
    if model.model_config.get("extra") == "allow":
        out += ["Other keys are passed on unchanged (and rejected there when unknown).", ""]
    out += ["| Key | Type | Default | Bounds | Description |", "|---|---|---|---|---|"]
    described = descriptions(model)
    for name, info in model.model_fields.items():
        bounds = field_bounds(info)
        text = described[name].replace("|", "\\|")
        out.append(f"| `{name}` | {field_type(info)} | {field_default(info)} | {bounds} | {text} |")
    return "\n".join(out) + "\n"


def render_reference() -> str:
    """The whole reference (Markdown)."""
    parts = [INTRO, render_constants(), render_named_types()]
    parts += [render_section(model, paths) for model, paths in sections()]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write the reference, or with ``--check`` report whether the file is up to date."""
    parser = argparse.ArgumentParser(prog=COMMAND, description="Generate the configuration reference.")
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT, help="Markdown file to write")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs from the generated text")
    args = parser.parse_args(argv)
    text = render_reference()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale; regenerate with: {COMMAND}", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
