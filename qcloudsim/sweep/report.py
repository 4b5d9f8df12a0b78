"""Sweep summaries and comparisons as compact tables for people (terminal, Markdown) or tools (CSV, JSON).

Only the swept values, the run count and the key metrics are shown, each
metric as ``mean ± half-width`` of its 95 % interval, with 3 significant
digits; the full tables stay in the sweep folder.
"""

from __future__ import annotations

import math

import pandas as pd

SHOWN_METRICS = (
    "completion_mean_s", "fidelity_mean", "wait_mean_s", "utilization_busy_mean",
    "slowdown_mean", "jain_user_slowdown", "deadline_hit_rate",
)
"""Metrics shown in a sweep summary, when present and not all NaN, most important first
(a narrow terminal shows the first ones)."""

SHORT_NAMES = {
    "completion_mean_s": "completion (s)", "wait_mean_s": "wait (s)", "utilization_busy_mean": "utilization",
    "fidelity_mean": "fidelity", "slowdown_mean": "slowdown", "jain_user_slowdown": "Jain",
    "deadline_hit_rate": "deadline hit",
}
"""Column titles of the metrics."""

FORMATS = ("table", "csv", "markdown", "json")


def significant(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, thousands separated; ``–`` for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - magnitude, 0)
    return f"{value:,.{decimals}f}"


def mean_pm(mean: float, low: float, high: float) -> str:
    """``"mean ± half"`` (the half-width of a clipped interval is its larger side)."""
    if math.isnan(low) or math.isnan(high):
        return significant(mean)
    return f"{significant(mean)} ± {significant(max(mean - low, high - mean), 2)}"


def shown_metrics(summary: pd.DataFrame) -> list[str]:
    """The :data:`SHOWN_METRICS` present in ``summary`` with at least one value."""
    return [m for m in SHOWN_METRICS if m in summary.columns and summary[m].notna().any()]


def short_column(column: str) -> str:
    """A swept column's last path part (``workload_arrivals_rate_per_s`` -> ``rate_per_s``), for display."""
    if column == "scheduler_name":
        return "scheduler"
    for prefix in ("workload_arrivals_", "workload_trace_", "workload_", "scheduler_params_", "models_"):
        if column.startswith(prefix) and len(column) > len(prefix):
            return column[len(prefix):]
    return column


def summary_numbers(summary: pd.DataFrame, swept: list[str]) -> pd.DataFrame:
    """Swept values, runs, and mean / ci95_low / ci95_high of the shown metrics (for CSV and JSON)."""
    columns = [*swept, "runs"]
    for metric in shown_metrics(summary):
        columns += [metric, f"{metric}_ci95_low", f"{metric}_ci95_high"]
    return summary[[c for c in columns if c in summary.columns]]


def summary_text(summary: pd.DataFrame, swept: list[str]) -> pd.DataFrame:
    """Swept values, runs, and ``mean ± half-width`` per shown metric, as strings (for people)."""
    out = pd.DataFrame({short_column(c): summary[c].map(_cell) for c in swept})
    out["runs"] = summary["runs"].astype(int).astype(str)
    for metric in shown_metrics(summary):
        out[SHORT_NAMES[metric]] = [
            mean_pm(m, lo, hi)
            for m, lo, hi in zip(summary[metric], summary[f"{metric}_ci95_low"], summary[f"{metric}_ci95_high"],
                                 strict=True)
        ]
    return out


def comparison_text(comparisons: pd.DataFrame, swept: list[str]) -> pd.DataFrame:
    """One row per compared level and setting: the paired difference with the baseline per metric.

    A cell reads ``+12.3 ± 8.2*``: the mean paired difference and the
    half-width of its 95 % interval; ``*`` marks an interval that excludes 0.
    """
    if comparisons.empty:
        return pd.DataFrame()
    factor = comparisons["factor"].iloc[0]
    others = [c for c in swept if c != factor and c in comparisons.columns]
    rows = []
    for key, group in comparisons.groupby([*others, "level"], sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        row = {short_column(c): _cell(v) for c, v in zip([*others, "level"], key, strict=True)}
        row["pairs"] = str(int(group["pairs"].max()))
        for _, item in group.iterrows():
            if item["metric"] in SHORT_NAMES and not math.isnan(item["diff_mean"]):
                row[f"Δ {SHORT_NAMES[item['metric']]}"] = _difference(item)
        rows.append(row)
    out = pd.DataFrame(rows).fillna("–")
    return out.rename(columns={"level": f"{short_column(factor)} vs {_cell(comparisons['baseline'].iloc[0])}"})


def _difference(item: pd.Series) -> str:
    low, high = item["diff_ci95_low"], item["diff_ci95_high"]
    text = _signed(item["diff_mean"])
    if math.isnan(low):
        return text
    marker = "*" if low > 0 or high < 0 else ""
    return f"{text} ± {significant((high - low) / 2, 2)}{marker}"


def _signed(value: float) -> str:
    text = significant(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return significant(value)
    return str(value)


def fit_columns(frame: pd.DataFrame, keep: int, width: int, padding: int = 3) -> tuple[pd.DataFrame, list[str]]:
    """The first ``keep`` columns, then as many more (in order) as fit ``width`` characters unwrapped.

    Returns:
        The narrowed frame and the names of the columns left out.
    """
    def need(column: str) -> int:
        return max([len(str(column)), *(len(str(v)) for v in frame[column])]) + padding

    columns = list(frame.columns)
    used = sum(need(c) for c in columns[:keep])
    shown, dropped = columns[:keep], list[str]()
    for column in columns[keep:]:
        if not dropped and used + need(column) <= width:
            shown.append(column)
            used += need(column)
        else:
            dropped.append(column)
    return frame[shown], dropped


def render(frame: pd.DataFrame, fmt: str) -> str:
    """``frame`` as CSV, Markdown (pipe table) or JSON records.

    Raises:
        ValueError: An unknown format (``table`` is drawn by the CLI with rich).
    """
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "markdown":
        return frame.to_markdown(index=False) + "\n"
    if fmt == "json":
        return frame.to_json(orient="records", indent=2) + "\n"
    raise ValueError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
