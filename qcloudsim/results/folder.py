"""Results folders written as a whole, with a manifest that proves them complete.

A run's folder is filled under a temporary sibling name (``.NAME.staging-*``)
and renamed into place, so a reader never sees a mix of an old and a new
run. ``manifest.json``, written last into the staging folder, lists every
file with its size and SHA-256; a folder is complete only when its
manifest is present and every file matches it (:func:`verify`). Files not
in the manifest are never read.

Replacing an existing folder takes two renames (old folder aside, new
folder in) and then deletes the old one. Between the renames the folder
name is briefly absent; a crash there leaves the old folder under
``.NAME.replaced-*``, which the next write of the same folder removes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from qcloudsim.results.io import FILE_MODE, FOLDER_MODE

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1
STAGING_MARK = ".staging-"
REPLACED_MARK = ".replaced-"


class ResultsError(ValueError):
    """A results folder that is missing, incomplete, damaged, or not a results folder."""


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_folder(target: str | Path, fill: Callable[[Path], None], owned: Callable[[Path], bool]) -> Path:
    """Create or replace the folder ``target`` as a whole.

    Args:
        target: The folder to write.
        fill: Writes the folder's files into the (staging) folder it is given.
        owned: True for an existing folder that this kind of result may
            replace. Anything else (a user's folder with other files, a
            file) is never deleted: :class:`ResultsError`.

    Returns:
        ``target``.

    Raises:
        ResultsError: ``target`` is a file, or a folder that is not ours.
    """
    target = Path(target)
    check_target(target, owned)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING_MARK}", dir=target.parent))
    try:
        os.chmod(staging, FOLDER_MODE)
        fill(staging)
        write_manifest(staging)
        _sync(staging)
        if target.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}{REPLACED_MARK}", dir=target.parent))
            os.replace(target, aside)
            os.replace(staging, target)
            _sync_folder(target.parent)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(staging, target)
            _sync_folder(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _sync(folder: Path) -> None:
    """Flush a folder's files and the folder itself to disk (a rename after it survives power loss)."""
    for path in folder.iterdir():
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory
    finally:
        os.close(fd)


def check_target(target: Path, owned: Callable[[Path], bool]) -> None:
    """Raise unless results may be written to ``target`` (call it before long work).

    Raises:
        ResultsError: ``target`` or one of its parents is a file, or
            ``target`` is a folder with files that are not ours.
    """
    for path in (target, *target.parents):
        if path.exists() and not path.is_dir():
            raise ResultsError(f"{path} is a file; expected a folder for the results")
    if target.is_dir() and any(target.iterdir()) and not owned(target):
        raise ResultsError(
            f"{target} exists and is not a qcloudsim results folder; choose another output folder "
            "(results never overwrite other files)"
        )


def _remove_leftovers(target: Path) -> None:
    """Remove staging and replaced folders an interrupted write of ``target`` left behind."""
    for mark in (STAGING_MARK, REPLACED_MARK):
        for leftover in target.parent.glob(f".{target.name}{mark}*"):
            shutil.rmtree(leftover, ignore_errors=True)


def write_manifest(folder: Path) -> Path:
    """Write ``manifest.json`` listing every other file of ``folder`` with size and SHA-256."""
    from qcloudsim import __version__

    files = {
        path.name: {"bytes": path.stat().st_size, "sha256": file_digest(path)}
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name != MANIFEST_FILE and not path.name.startswith(".")
    }
    manifest = {"format": MANIFEST_FORMAT, "qcloudsim": __version__, "files": files}
    path = folder / MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.chmod(path, FILE_MODE)
    return path


def read_manifest(folder: Path) -> dict:
    """The manifest of ``folder``.

    Raises:
        ResultsError: Missing folder, missing or unreadable manifest.
    """
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such results folder")
    path = folder / MANIFEST_FILE
    if not path.exists():
        raise ResultsError(
            f"{folder}: incomplete results folder (no {MANIFEST_FILE}); it was interrupted while being "
            "written, or written by qcloudsim 0.2 or earlier. Run the experiment again"
        )
    try:
        manifest = json.loads(path.read_text())
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ResultsError(f"{path}: damaged manifest (not the JSON qcloudsim writes)") from None
    return manifest


def verify(folder: str | Path, hashes: bool = True) -> dict:
    """Check that ``folder`` is complete: its manifest is present and every file matches it.

    Args:
        folder: A results folder.
        hashes: Also compare SHA-256 digests (else sizes only).

    Returns:
        The manifest.

    Raises:
        ResultsError: Naming the first missing or damaged file.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    for name, entry in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise ResultsError(f"{path}: missing (listed in {MANIFEST_FILE}); the folder is damaged")
        if path.stat().st_size != entry.get("bytes") or (hashes and file_digest(path) != entry.get("sha256")):
            raise ResultsError(f"{path}: damaged (size or SHA-256 differs from {MANIFEST_FILE})")
    return manifest


def is_complete(folder: str | Path) -> bool:
    """True when ``folder`` holds a complete, undamaged result (see :func:`verify`)."""
    try:
        verify(folder)
    except ResultsError:
        return False
    return True
