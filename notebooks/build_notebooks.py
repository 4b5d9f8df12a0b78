"""Writes the notebooks in this folder from their cell sources, executes them and saves them with outputs.

    python notebooks/build_notebooks.py               # build, execute (about a minute on 2 cores), save
    python notebooks/build_notebooks.py --no-execute  # build only, without outputs

Run it after editing a cell here, or after a change that alters what the
notebooks print or plot. The notebooks are committed **with their outputs**,
so the documentation site (mkdocs-jupyter, which never executes them) shows
the tables and figures; the test suite executes them again from scratch and
checks that they are saved with outputs. Execution uses nbclient with the
repository root as working folder and writes the notebooks' results to a
temporary folder (``QCLOUDSIM_NOTEBOOK_OUT``). Cell ids are fixed and timing
metadata is not recorded, so a rebuild changes only what the code changed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TIMEOUT_S = 600

SETUP = """import os
from pathlib import Path

# Run from the repository root; results go to QCLOUDSIM_NOTEBOOK_OUT (default: results/notebooks).
ROOT = Path.cwd() if (Path.cwd() / "configs").exists() else Path.cwd().parent
OUT = Path(os.environ.get("QCLOUDSIM_NOTEBOOK_OUT", ROOT / "results" / "notebooks"))
OUT.mkdir(parents=True, exist_ok=True)"""

SMALL_STUDY = [
    new_markdown_cell(
        "# A small scheduler study\n\n"
        "Runs `configs/small_study.yaml`: four schedulers (FCFS, SJF, fair-share, QSRA-style) "
        "at three arrival rates with three replications each, on three real IBM devices. "
        "Then it plots the mean completion time with its 95% confidence interval, "
        "and the completion-time distributions."
    ),
    new_code_cell(SETUP),
    new_code_cell(
        "from qcloudsim.config.loader import load_config\n"
        "from qcloudsim.sweep import run_sweep\n\n"
        "config = load_config(ROOT / 'configs' / 'small_study.yaml')\n"
        "outcome = run_sweep(config, OUT / 'small_study', workers=2, progress=False)\n"
        "print(f'{outcome.computed} runs computed, {outcome.reused} reused')"
    ),
    new_code_cell(
        "summary = outcome.summary\n"
        "summary[['scheduler_name', 'workload_arrivals_rate_per_s', 'runs', 'completion_mean_s',\n"
        "         'completion_mean_s_ci95_low', 'completion_mean_s_ci95_high', 'fidelity_mean',\n"
        "         'jain_user_slowdown']].round(3)"
    ),
    new_code_cell(
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n\n"
        "from qcloudsim.plots import completion_cdf_by, metric_vs_load\n\n"
        "fig, axes = plt.subplots(1, 2, figsize=(12, 4), constrained_layout=True)\n"
        "metric_vs_load(axes[0], summary, 'workload_arrivals_rate_per_s', 'completion_mean_s', hue='scheduler_name')\n"
        "jobs = pd.read_parquet(OUT / 'small_study' / 'jobs.parquet')\n"
        "completion_cdf_by(axes[1], jobs[jobs['workload_arrivals_rate_per_s'] == 0.9], by='scheduler_name')\n"
        "fig.savefig(OUT / 'small_study.png')"
    ),
    new_code_cell(
        "# Sanity checks the test suite relies on: every run produced every job.\n"
        "assert (outcome.runs['jobs_submitted'] == 120).all()\n"
        "assert set(summary['scheduler_name']) == {'fcfs', 'sjf', 'fairshare', 'qsra'}"
    ),
]

TRACE_REPLAY = [
    new_markdown_cell(
        "# Replaying a trace: simulated vs recorded times\n\n"
        "Replays `traces/sample_ibm_style.csv` (a synthetic IBM-Quantum-style export, CC0) on "
        "three real devices, with service times from the runtime model. Then it compares the "
        "simulated run and queue times with the ones the trace recorded."
    ),
    new_code_cell(SETUP),
    new_code_cell(
        "from qcloudsim.config.schema import ExperimentConfig\n"
        "from qcloudsim.experiment import run\n\n"
        "config = ExperimentConfig.model_validate({\n"
        "    'name': 'trace_replay',\n"
        "    'fleet': ['ibm_brisbane', 'ibm_kyiv', 'ibm_sherbrooke'],\n"
        "    'workload': {'trace': {'path': str(ROOT / 'traces' / 'sample_ibm_style.csv'),\n"
        "                           'device_map': {'ibm_brisbane': 'ibm_brisbane', 'ibm_kyiv': 'ibm_kyiv',\n"
        "                                          'ibm_sherbrooke': 'ibm_sherbrooke'}}},\n"
        "})\n"
        "results = run(config)\n"
        "results.write(OUT / 'trace_replay', plot=False)\n"
        "jobs = results.jobs\n"
        "jobs[['job_id', 'recorded_device', 'device', 'recorded_run_s', 'run_s', 'recorded_queue_s', 'wait_s']].head()"
    ),
    new_code_cell(
        "import pandas as pd\n\n"
        "pd.DataFrame(results.summary['recorded_vs_simulated']).T"
    ),
    new_code_cell(
        "import matplotlib.pyplot as plt\n\n"
        "done = jobs[jobs['status'] == 'completed']\n"
        "fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), constrained_layout=True)\n"
        "for ax, (sim, rec, label) in zip(axes, [('run_s', 'recorded_run_s', 'run time (s)'),\n"
        "                                         ('wait_s', 'recorded_queue_s', 'queue time (s)')], strict=True):\n"
        "    ax.loglog(done[rec].clip(lower=1e-3), done[sim].clip(lower=1e-3), '.', alpha=0.5)\n"
        "    lims = [1e-3, max(done[rec].max(), done[sim].max())]\n"
        "    ax.plot(lims, lims, 'k--', lw=1)\n"
        "    ax.set_xlabel(f'recorded {label}')\n"
        "    ax.set_ylabel(f'simulated {label}')\n"
        "fig.savefig(OUT / 'trace_replay.png')"
    ),
    new_markdown_cell(
        "The sample's recorded times are synthetic (see `traces/README.md`), so the agreement "
        "above says how to read a real export, not how good the model is. The runtime model's "
        "check against 7,449 real IBM jobs is in `docs/models.md`. Simulated queue times are "
        "near zero because the simulated fleet serves only this trace, not IBM's whole user base."
    ),
    new_code_cell(
        "comparison = results.summary['recorded_vs_simulated']\n"
        "assert comparison['run']['n'] == len(done) == 400\n"
        "assert {'recorded_run_s', 'recorded_queue_s', 'recorded_device'} <= set(jobs.columns)"
    ),
]


def build(name: str, cells: list) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with fixed cell ids (``<name>-<index>``) and no outputs."""
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{Path(name).stem.replace('_', '-')}-{index}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def execute(notebook: nbformat.NotebookNode, out_dir: Path) -> None:
    """Run every cell in place (working folder: the repository root); stop at the first error."""
    from nbclient import NotebookClient

    saved = {key: os.environ.get(key) for key in ("QCLOUDSIM_NOTEBOOK_OUT", "PYTHONWARNINGS")}
    os.environ["QCLOUDSIM_NOTEBOOK_OUT"] = str(out_dir)
    # tqdm.auto warns in a kernel without ipywidgets; the saved outputs should not carry it
    os.environ["PYTHONWARNINGS"] = "ignore:IProgress not found"
    try:
        NotebookClient(
            notebook, timeout=TIMEOUT_S, kernel_name="python3", record_timing=False,
            resources={"metadata": {"path": str(ROOT)}},
        ).execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    notebook.metadata.pop("widgets", None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without outputs")
    args = parser.parse_args(argv)
    for name, cells in (("small_study.ipynb", SMALL_STUDY), ("trace_replay.ipynb", TRACE_REPLAY)):
        notebook = build(name, cells)
        if not args.no_execute:
            with tempfile.TemporaryDirectory(prefix="qcloudsim-notebook-") as out_dir:
                execute(notebook, Path(out_dir))
        nbformat.validate(notebook)
        nbformat.write(notebook, HERE / name)
        print(HERE / name)


if __name__ == "__main__":
    main()
