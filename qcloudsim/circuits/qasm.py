"""Profile OpenQASM 2 and OpenQASM 3 files.

The language version is read from the mandatory ``OPENQASM <version>;``
header (comments and blank lines before it are allowed):

* ``OPENQASM 2.x`` -> ``qiskit.qasm2.load`` with the legacy custom
  instructions and classical functions (so files written for the old
  ``qiskit.QuantumCircuit.from_qasm_file`` parse unchanged) and the file's
  directory on the include path.
* ``OPENQASM 3.x`` -> ``qiskit.qasm3.load`` (needs ``qiskit_qasm3_import``).

Every failure - missing file, missing or unsupported header, parse error, or a
circuit that cannot be profiled - raises :class:`CircuitFileError` whose
message names the file and, where the parser reports one, the line.

References:
    OpenQASM 2: https://arxiv.org/abs/1707.03429;
    OpenQASM 3: https://openqasm.com/;
    Qiskit ``qiskit.qasm2`` / ``qiskit.qasm3``:
    https://docs.quantum.ibm.com/api/qiskit/qasm2
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.limits import MAX_QUBITS

if TYPE_CHECKING:
    from qiskit.circuit import QuantumCircuit

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_HEADER = re.compile(r"\s*OPENQASM\s+([0-9]+(?:\.[0-9]+)?)\s*;")
_LINE_PATTERNS = (
    re.compile(r"(?:^|:)\s*(\d+),(\d+):"),  # qiskit: "file:5,0: msg" / "5,0: msg"
    re.compile(r"\bL(\d+):C(\d+)\b"),  # openqasm3 reference parser: "L5:C3: msg"
    re.compile(r"\bline (\d+)\b"),
)


class CircuitFileError(ValueError):
    """A circuit file could not be read, parsed or profiled.

    Attributes:
        path: The offending file.
        line: 1-based line reported by the parser, or ``None``.
    """

    def __init__(self, path: str | os.PathLike[str], detail: str | None = None, line: int | None = None):
        if detail is None:  # rebuilt from its message (SimPy re-raises process errors so)
            self.path, self.line = "", None
            super().__init__(str(path))
            return
        self.path = str(path)
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {detail}")


def profile_from_qasm(path: str | os.PathLike[str]) -> CircuitProfile:
    """Load an OpenQASM 2 or 3 file and profile it.

    Args:
        path: The ``.qasm`` file.

    Returns:
        The profile, named after the file stem, with ``source="qasm:<path>"``.

    Raises:
        CircuitFileError: If the file is missing, has no (or an unknown)
            ``OPENQASM`` header, does not parse, or cannot be profiled.
    """
    from qcloudsim.circuits.from_qiskit import profile_from_circuit

    file = Path(path)
    circuit = load_qasm(file)
    try:
        return profile_from_circuit(circuit, name=file.stem, source=f"qasm:{path}")
    except ValueError as exc:
        raise CircuitFileError(file, str(exc)) from exc


def load_qasm(path: str | os.PathLike[str]) -> QuantumCircuit:
    """Parse an OpenQASM 2 or 3 file into a ``QuantumCircuit``.

    Args:
        path: The file.

    Returns:
        The parsed circuit.

    Raises:
        CircuitFileError: See :func:`profile_from_qasm`.
    """
    file = Path(path)
    text = _read_text(file)
    major = qasm_version(text, file)
    check_register_sizes(text, file)
    try:
        if major == 2:
            return _load_qasm2(file)
        return _load_qasm3(file)
    except Exception as exc:  # parser boundary: any failure is a file error
        detail = _describe(exc)
        raise CircuitFileError(
            file, f"OpenQASM {major} parse error: {detail}", _line_of(exc)
        ) from exc


def qasm_version(text: str, path: str | os.PathLike[str] = "<string>") -> int:
    """Major OpenQASM version (2 or 3) declared by the header of ``text``.

    Args:
        text: Program source.
        path: File name used in error messages.

    Returns:
        ``2`` or ``3``.

    Raises:
        CircuitFileError: If the header is missing or names another version.
    """
    stripped = _COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    match = _HEADER.match(stripped)
    if match is None:
        line = stripped[: len(stripped) - len(stripped.lstrip())].count("\n") + 1
        raise CircuitFileError(path, "missing 'OPENQASM <version>;' header", line)
    version = match.group(1)
    major = int(version.split(".")[0])
    if major not in (2, 3):
        line = stripped[: match.start(1)].count("\n") + 1
        raise CircuitFileError(
            path, f"unsupported OpenQASM version {version!r} (supported: 2.x, 3.x)", line
        )
    return major


_REGISTER = re.compile(r"\b(?:qreg\s+\w+\s*\[\s*(\d+)\s*\]|qubit\s*\[\s*(\d+)\s*\])")
"""A quantum register declaration and its size: ``qreg q[5];`` (OpenQASM 2) or ``qubit[5] q;`` (3)."""


def check_register_sizes(text: str, path: str | os.PathLike[str] = "<string>") -> None:
    """Refuse a program whose quantum registers hold more than :data:`~qcloudsim.limits.MAX_QUBITS` qubits.

    Checked on the source before parsing: a parser would try to build the
    huge register (and hang or run out of memory).

    Raises:
        CircuitFileError: Naming the line where the total passes the bound.
    """
    stripped = _COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    total = 0
    for match in _REGISTER.finditer(stripped):
        total += int(match.group(1) or match.group(2))
        if total > MAX_QUBITS:
            line = stripped[: match.start()].count("\n") + 1
            raise CircuitFileError(
                path, f"quantum registers declare {total:,} qubits, more than the largest circuit "
                f"qcloudsim simulates ({MAX_QUBITS:,}; qcloudsim.limits.MAX_QUBITS)", line,
            )


def _read_text(file: Path) -> str:
    """Read a file as UTF-8 text, mapping I/O problems to :class:`CircuitFileError`."""
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CircuitFileError(file, "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CircuitFileError(file, f"cannot read file: {exc}") from exc


def _load_qasm2(file: Path) -> QuantumCircuit:
    import qiskit.qasm2

    return qiskit.qasm2.load(
        file,
        include_path=(file.parent, "."),
        include_input_directory=None,
        custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS,
        custom_classical=qiskit.qasm2.LEGACY_CUSTOM_CLASSICAL,
    )


def _load_qasm3(file: Path) -> QuantumCircuit:
    import qiskit.qasm3

    return qiskit.qasm3.load(str(file))


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` followed by its causes/contexts (cycle-safe)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _describe(exc: BaseException) -> str:
    """A readable message from the exception chain (message text or offending token)."""
    for item in _exception_chain(exc):
        text = str(getattr(item, "message", None) or item).strip()
        if text and text != "None":
            return text
        token = _offending_token(item)
        if token is not None:
            return f"syntax error at {getattr(token, 'text', '?')!r}"
    return type(exc).__name__


def _offending_token(item: BaseException) -> object | None:
    """The ANTLR offending token carried by a (wrapped) recognition exception."""
    token = getattr(item, "offendingToken", None)
    inner = item.args[0] if item.args else None
    return token or getattr(inner, "offendingToken", None)


def _line_of(exc: BaseException) -> int | None:
    """Best-effort 1-based line number from a parser exception chain."""
    for item in _exception_chain(exc):
        token = _offending_token(item)
        line = getattr(token, "line", None) if token is not None else None
        if line:
            return int(line)
        for pattern in _LINE_PATTERNS:
            match = pattern.search(str(getattr(item, "message", None) or item))
            if match:
                return int(match.group(1))
    return None
