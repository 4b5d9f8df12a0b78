from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcloudsim.engine.queue import JobQueue
from qcloudsim.workload.job import Job, JobStatus
from tests.conftest import ghz_profile

PROFILE = ghz_profile(2)


def _job(i: int) -> Job:
    return Job(id=i, arrival_s=float(i), profile=PROFILE)


def test_fifo_head_and_removal_from_middle():
    queue = JobQueue()
    jobs = [_job(i) for i in range(5)]
    for job in jobs:
        queue.append(job)
    assert queue.head() is jobs[0] and len(queue) == 5
    queue.remove(jobs[2], JobStatus.RUNNING)
    assert [j.id for j in queue] == [0, 1, 3, 4]
    queue.remove(jobs[0], JobStatus.RUNNING)
    assert queue.head() is jobs[1] and len(queue) == 3
    assert jobs[2] not in queue and jobs[3] in queue


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 200)), max_size=300))
def test_matches_a_reference_list(ops):
    queue, reference, next_id = JobQueue(), [], 0
    for add, pick in ops:
        if add or not reference:
            job = _job(next_id)
            next_id += 1
            queue.append(job)
            reference.append(job)
        else:
            job = reference.pop(pick % len(reference))
            queue.remove(job, JobStatus.RUNNING)
        assert [j.id for j in queue] == [j.id for j in reference]
        assert len(queue) == len(reference)
        assert queue.head() is (reference[0] if reference else None)
