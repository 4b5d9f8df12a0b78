from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcloudsim.engine.queue import JobQueue, QueueSet
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile

PROFILE = ghz_profile(2)


def _job(i: int, pinned: str | None = None) -> Job:
    return Job.new(id=i, arrival_s=float(i), profile=PROFILE, pinned_device=pinned)


def test_fifo_head_and_removal_from_middle():
    queue = JobQueue()
    jobs = [_job(i) for i in range(5)]
    for job in jobs:
        queue.append(job)
    assert queue.head() is jobs[0] and len(queue) == 5
    queue.remove(jobs[2])
    assert [j.id for j in queue] == [0, 1, 3, 4]
    queue.remove(jobs[0])
    assert queue.head() is jobs[1] and len(queue) == 3
    assert jobs[2] not in queue and jobs[3] in queue


def test_requeued_job_is_listed_once():
    """Regression: a job removed from the middle and requeued was revived twice (lazy deletion)."""
    queue = JobQueue()
    jobs = [_job(i) for i in range(4)]
    for job in jobs:
        queue.append(job)
    queue.remove(jobs[2])  # started: its stale entry stays in the deque
    queue.requeue(jobs[2])  # interrupted and put back at the head
    assert [j.id for j in queue] == [2, 0, 1, 3]
    assert len(queue) == 4 and queue.head() is jobs[2]
    queue.remove(jobs[2])
    assert [j.id for j in queue] == [0, 1, 3]


def test_per_device_queues_keep_pinned_jobs_apart_and_merge_in_order():
    queues = QueueSet("per_device", ("a", "b"))
    jobs = [_job(0, "a"), _job(1, None), _job(2, "b"), _job(3, "a"), _job(4, "zzz")]
    for job in jobs:
        queues.add(job)
    assert [j.id for j in queues.by_device["a"]] == [0, 3]
    assert [j.id for j in queues.by_device["b"]] == [2]
    assert [j.id for j in queues.shared] == [1, 4]  # unknown targets wait in the shared queue
    assert [j.id for j in queues] == [0, 1, 2, 3, 4] and len(queues) == 5
    queues.remove(jobs[0])
    queues.requeue(jobs[0])
    assert [j.id for j in queues][0] == 0 and queues.view.head() is jobs[0]


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 200)), max_size=300))
def test_matches_a_reference_list(ops):
    queue, reference, next_id = JobQueue(), [], 0
    for action, pick in ops:
        if action == 0 or not reference:
            job = _job(next_id)
            next_id += 1
            queue.append(job)
            reference.append(job)
        elif action == 1:
            job = reference.pop(pick % len(reference))
            queue.remove(job)
        else:  # take one out and put it back at the head (an interrupted run)
            job = reference.pop(pick % len(reference))
            queue.remove(job)
            queue.requeue(job)
            reference.insert(0, job)
        assert [j.id for j in queue] == [j.id for j in reference]
        assert len(queue) == len(reference)
        assert queue.head() is (reference[0] if reference else None)
