from __future__ import annotations

import pytest

from qcloudsim.schedulers import Scheduler, make_scheduler, scheduler_class, scheduler_names
from qcloudsim.schedulers.fcfs import FCFSScheduler
from qcloudsim.schedulers.registry import UnknownSchedulerError, register


class MyScheduler(Scheduler):
    def decide(self, snapshot):
        return []


def test_builtin_and_import_path():
    assert "fcfs" in scheduler_names()
    assert isinstance(make_scheduler("fcfs"), FCFSScheduler)
    assert scheduler_class(f"{__name__}:MyScheduler") is MyScheduler


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("fcsf", "did you mean 'fcfs'"),
        ("nope.module:Thing", "cannot import"),
        (f"{__name__}:Missing", "has no attribute"),
        ("pytest:raises", "not a subclass"),
    ],
)
def test_unknown_names_explain(name, message):
    with pytest.raises(UnknownSchedulerError, match=message):
        scheduler_class(name)


def test_bad_parameters_are_reported():
    with pytest.raises(UnknownSchedulerError, match="rejected its parameters"):
        make_scheduler("fcfs", colour="blue")


def test_duplicate_registration_refused():
    with pytest.raises(ValueError, match="already registered"):
        register("fcfs")(MyScheduler)
