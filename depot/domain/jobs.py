"""A background job's life cycle: queued, claimed by one worker, then done or failed.

A job is work too long for one request (a CSV import of more than DEPOT_IMPORT_SYNC_ROWS
rows). The request queues it and answers 202; a worker thread of some app process claims it
(a compare-and-set on the status, so two processes never run it twice), reports progress as
it goes and ends it. A worker that dies leaves its job running with a heartbeat that stops;
after STALE_SECONDS another worker fails it (`abandon`), so a client never polls forever.
"""
from __future__ import annotations

import enum

from depot.domain.machine import Machine


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobAction(enum.StrEnum):
    QUEUE = "queue"
    CLAIM = "claim"
    PROGRESS = "progress"
    FINISH = "finish"
    FAIL = "fail"
    ABANDON = "abandon"


J, JA = JobStatus, JobAction

TRANSITIONS: dict[tuple[JobStatus | None, JobAction], JobStatus] = {
    (None, JA.QUEUE): J.QUEUED,
    (J.QUEUED, JA.CLAIM): J.RUNNING,
    (J.RUNNING, JA.PROGRESS): J.RUNNING,
    (J.RUNNING, JA.FINISH): J.DONE,
    (J.RUNNING, JA.FAIL): J.FAILED,
    (J.RUNNING, JA.ABANDON): J.FAILED,  # its worker stopped sending heartbeats
}

JOB = Machine("a job", JobStatus, JobAction, TRANSITIONS)
JOB.check()

FINISHED = frozenset({J.DONE, J.FAILED})

# A running job whose heartbeat is older than this is taken for dead. Every chunk of an import
# beats, and a chunk takes well under a second, so minutes mean the worker is gone.
STALE_SECONDS = 300
