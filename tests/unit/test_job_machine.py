"""A background job's life cycle: queued, claimed once, then done or failed."""
import pytest

from depot.domain.jobs import FINISHED, JOB, JobAction, JobStatus
from depot.errors import InvalidTransitionError

J, JA = JobStatus, JobAction


def test_a_job_is_queued_claimed_and_ends_done_or_failed():
    assert JOB.next_status(None, JA.QUEUE) is J.QUEUED
    assert JOB.next_status(J.QUEUED, JA.CLAIM) is J.RUNNING
    assert JOB.next_status(J.RUNNING, JA.PROGRESS) is J.RUNNING
    assert JOB.next_status(J.RUNNING, JA.FINISH) is J.DONE
    assert {JOB.next_status(J.RUNNING, a) for a in (JA.FAIL, JA.ABANDON)} == {J.FAILED}
    assert FINISHED == {J.DONE, J.FAILED}


@pytest.mark.parametrize("status", [J.RUNNING, J.DONE, J.FAILED])
def test_only_a_queued_job_can_be_claimed(status):
    with pytest.raises(InvalidTransitionError) as info:
        JOB.next_status(status, JA.CLAIM)
    assert info.value.details["status"] == status.value


@pytest.mark.parametrize("status", [J.DONE, J.FAILED])
def test_an_ended_job_takes_no_more_progress_or_results(status):
    assert JOB.allowed(status) == []
    with pytest.raises(InvalidTransitionError):
        JOB.next_status(status, JA.PROGRESS)
