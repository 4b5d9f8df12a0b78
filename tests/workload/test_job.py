"""Job records."""

from __future__ import annotations


def test_new_submission_is_the_same_as_the_constructor():
    from qcloudsim.circuits.families import family_profile
    from qcloudsim.workload.job import Submission, new_submission

    profile = family_profile("ghz", 3)
    fields = (7, 1.5, profile, 100, 2, "u", "g", 1, 9.0, None, None, None)
    assert len(fields) == len(Submission._fields)
    made = new_submission(fields)
    assert type(made) is Submission
    assert made == Submission(7, 1.5, profile, 100, 2, "u", "g", 1, 9.0)
    assert made.deadline_s == 9.0 and made.recorded is None
