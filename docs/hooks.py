"""MkDocs hooks of the qcloudsim site (``hooks:`` in ``mkdocs.yml``).

The notebooks live in ``notebooks/`` (the README and the test suite point
there), outside ``docs/``. This hook adds each ``notebooks/*.ipynb`` to the
site as ``notebooks/NAME.ipynb``, before mkdocs-jupyter turns notebooks into
pages, and makes ``mkdocs serve`` reload when one changes. The notebooks are
rendered with the outputs they were saved with (``python
notebooks/build_notebooks.py`` executes and saves them); the build never runs them.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


@event_priority(100)  # before mkdocs-jupyter's on_files, which wraps the .ipynb files as pages
def on_files(files: Files, config) -> Files:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        uri = f"notebooks/{path.name}"
        if files.get_file_from_path(uri) is None:
            files.append(File(uri, str(ROOT), config["site_dir"], config["use_directory_urls"]))
    return files


def on_serve(server, config, builder):
    server.watch(str(NOTEBOOKS))
    return server
