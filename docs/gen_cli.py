"""The command-line reference, generated from the typer app: every command's ``--help``.

Used two ways:

* as an MkDocs hook (``hooks:`` in ``mkdocs.yml``): the marker
  ``<!-- qcloudsim-cli-reference -->`` in ``docs/reference/cli.md`` is replaced
  at build time by one section per command, so the page always matches the
  installed CLI;
* as a script: ``python docs/gen_cli.py`` prints the same Markdown.

Each section holds the command's summary and its ``--help`` text at 80
columns, in click's plain layout: the same options, arguments, defaults and
help texts as typer's boxed layout in a terminal, without cutting long values.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

MARKER = "<!-- qcloudsim-cli-reference -->"
WIDTH = 80


def _commands(command, ctx) -> Iterator[tuple[list[str], object, object]]:
    """``(path, command, context)`` for the root and every subcommand, depth first, in definition order."""
    yield _path(ctx), command, ctx
    for name, sub in getattr(command, "commands", {}).items():  # a group (typer ships its own click)
        if not getattr(sub, "hidden", False):
            yield from _commands(sub, type(ctx)(sub, info_name=name, parent=ctx, terminal_width=WIDTH,
                                                max_content_width=WIDTH))


def _path(ctx) -> list[str]:
    names = []
    while ctx is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return names[::-1][1:]


def _help(command, ctx) -> str:
    """The command's ``--help`` in click's plain layout (typer's rich boxes cut long values at this width)."""
    base = next(c for c in type(command).__mro__ if c.__name__ == "Command" and "click" in c.__module__)
    formatter = ctx.make_formatter()
    base.format_help(command, ctx, formatter)
    text = "\n".join(line.rstrip() for line in formatter.getvalue().strip("\n").splitlines())
    import qcloudsim

    package_dir = Path(qcloudsim.__file__).resolve().parent
    # defaults inside the installed package, not this machine's path
    return text.replace(str(package_dir.parent), "...")


def cli_markdown(heading_level: int = 2) -> str:
    """One Markdown section per command: heading, summary, ``--help`` in a code block."""
    import typer

    from qcloudsim.cli import app

    root = typer.main.get_command(app)
    ctx = root.context_class(root, info_name="qcloudsim", terminal_width=WIDTH, max_content_width=WIDTH)
    sections = []
    for path, command, command_ctx in _commands(root, ctx):
        name = " ".join(["qcloudsim", *path])
        summary = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
        level = "#" * min(heading_level + max(len(path) - 1, 0), 6)
        sections.append(
            f"{level} `{name}`\n\n{summary}\n\n```text\n$ {name} --help\n{_help(command, command_ctx)}\n```\n"
        )
    return "\n".join(sections)


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 - MkDocs hook signature
    """MkDocs hook: fill the marker of the CLI reference page."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, cli_markdown())


if __name__ == "__main__":
    sys.stdout.write(cli_markdown())
