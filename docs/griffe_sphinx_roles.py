"""Griffe extension: Sphinx roles in qcloudsim's docstrings become mkdocstrings cross-references.

The docstrings are Google style but name other objects with Sphinx roles,
``:func:`summarize``` or ``:class:`~qcloudsim.results.Results```. Rendered
as is, a role shows up as literal text. This extension, loaded by
``mkdocs.yml`` (``plugins.mkdocstrings.handlers.python.options.extensions``),
rewrites every role before rendering:

* the target is resolved the way Python would: an absolute dotted path, or a
  name in the scope of the object whose docstring holds it (its members,
  its parents', the module's imports);
* a target inside qcloudsim that exists becomes a link to its API entry
  (an *optional* autorefs reference: plain code when the object has no
  entry in the site, for example a private helper);
* a target inside qcloudsim that does not exist (a typo, a renamed
  function) is logged as a warning, so ``mkdocs build --strict`` fails;
* anything else (the standard library, numpy, scipy, qiskit) is shown as
  code, without a link.

Docstrings of private objects (``_name``) are left alone: the API pages do
not render them.

The tilde form (``:func:`~a.b.c```) shows only the last component, as in Sphinx.
Inside code (a reST literal block after ``::``, or a fenced block) a role
becomes its plain title, and a paragraph's closing ``::`` becomes ``:``, so the
indented block after it renders as code in Markdown.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import griffe

PACKAGE = "qcloudsim"

# The "mkdocs." prefix makes MkDocs count the warnings (and fail a --strict build).
logger = logging.getLogger("mkdocs.plugins.griffe_sphinx_roles")

ROLE = re.compile(
    r":(?:py:)?(?P<role>func|class|meth|attr|data|mod|exc|obj|const|type)s?:"
    r"`(?P<body>[^`]+)`"
)
TITLED = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^>]+)>$")


def _lookup(pkg: griffe.Module, path: str) -> griffe.Object | griffe.Alias | None:
    """The object at a dotted path inside ``pkg``, following aliases; ``None`` if there is none."""
    if path == pkg.path:
        return pkg
    if not path.startswith(pkg.path + "."):
        return None
    try:
        return pkg[path[len(pkg.path) + 1 :]]
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def _resolve(obj: griffe.Object | griffe.Alias, target: str) -> str | None:
    """The full path a role's target names, seen from ``obj``'s docstring; ``None`` if unknown."""
    if target.startswith(PACKAGE + ".") or target == PACKAGE:
        return target
    if target.startswith("."):  # Sphinx's relative form: look in the current module.
        return f"{obj.module.path}{target}"
    head, _, rest = target.partition(".")
    scope: Any = obj if obj.is_module or obj.is_class else obj.parent
    try:
        base = scope.resolve(head)
    except (griffe.NameResolutionError, AttributeError):
        return None
    return f"{base}.{rest}" if rest else base


def _private(path: str) -> bool:
    """Whether a dotted path has a private component (``_x``; ``__init__``-style names are public)."""
    return any(part.startswith("_") and not part.endswith("__") for part in path.split("."))


def _title(match: re.Match[str]) -> tuple[str, str]:
    """``(shown text, target)`` of a role: ``title <target>``, ``~a.b`` (shows ``b``) or ``a.b``."""
    body = match["body"].strip()
    titled = TITLED.match(body)
    if titled:
        return titled["title"], titled["target"].strip()
    target = body.lstrip("!")
    short = target.startswith("~")
    target = target.lstrip("~")
    title = target.rsplit(".", 1)[-1] if short else target
    if match["role"] in ("func", "meth") and not title.endswith(")"):
        title += "()"
    return title, target


class SphinxRoles(griffe.Extension):
    """Rewrite ``:role:`target``` in every docstring of the package into autorefs cross-references."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # noqa: ARG002
        if pkg.path != PACKAGE:
            return
        for obj in self._walk(pkg):
            if _private(obj.path):
                continue  # never rendered (the API pages filter "_" names), so not checked either
            if obj.docstring is not None and ":" in obj.docstring.value:
                obj.docstring.value = self._rewrite(pkg, obj, obj.docstring.value)

    def _rewrite(self, pkg: griffe.Module, obj: griffe.Object, text: str) -> str:
        """Roles in prose become references; roles in code become plain titles; ``::`` becomes ``:``."""
        prose = lambda m: self._replace(pkg, obj, m)  # noqa: E731
        plain = lambda m: _title(m)[0]  # noqa: E731
        out: list[str] = []
        fenced, literal_indent = False, None
        for line in text.split("\n"):
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            if literal_indent is not None:
                if stripped and indent <= literal_indent:
                    literal_indent = None  # the literal block ended; this line is prose again
                else:
                    out.append(ROLE.sub(plain, line))
                    continue
            if stripped.startswith(("```", "~~~")):
                fenced = not fenced
                out.append(line)
                continue
            if fenced:
                out.append(ROLE.sub(plain, line))
                continue
            if stripped.endswith("::"):
                line = line.rstrip()[:-1] if stripped != "::" else ""
                literal_indent = indent
            out.append(ROLE.sub(prose, line))
        return "\n".join(out)

    def _walk(self, obj: griffe.Object, seen: set[str] | None = None):
        seen = set() if seen is None else seen
        if obj.path in seen:
            return
        seen.add(obj.path)
        yield obj
        for member in obj.members.values():
            if member.is_alias:
                continue
            yield from self._walk(member, seen)

    def _replace(self, pkg: griffe.Module, obj: griffe.Object, match: re.Match[str]) -> str:
        title, target = _title(match)
        code = f"<code>{html.escape(title)}</code>"
        path = _resolve(obj, target)
        if path is None:
            if target.split(".")[0] in {PACKAGE}:
                logger.warning("%s: broken cross-reference %s", obj.path, match[0])
            return code
        if not (path == PACKAGE or path.startswith(PACKAGE + ".")):
            return code  # another package: shown as code, not linked
        found = _lookup(pkg, path)
        if found is None:
            logger.warning("%s: cross-reference %s names no object (%s)", obj.path, match[0], path)
            return code
        try:
            path = found.canonical_path if found.is_alias else found.path
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            pass
        return f'<autoref identifier="{html.escape(path)}" optional>{code}</autoref>'
