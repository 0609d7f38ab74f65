"""Background jobs: queued with their input by a request, claimed by one worker, progress
reported as they go, a result at the end (depot.domain.jobs has the life cycle).

The input lives in the database (job_payloads, in pieces), not in a file of the process that
took the request: with several gunicorn workers on several machines, any of them may claim
the job, and one that dies before claiming it leaves the job to the others.
"""
from __future__ import annotations

import secrets
import tempfile
import threading
from datetime import datetime, timedelta
from typing import IO, Any, BinaryIO

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from depot.domain.jobs import JOB, STALE_SECONDS, JobAction, JobStatus
from depot.domain.roles import may
from depot.errors import ConflictError, DepotError, NotFoundError, PermissionDeniedError
from depot.i18n import N_
from depot.models import Job, JobPayload, User

PIECE = 1 << 20
ABANDONED = N_("the worker running this job stopped; the rows counted as done were imported")
_jobs = Job.__table__
_payloads = JobPayload.__table__

# Events set when this process queues a job, so its worker thread starts at once rather than
# at its next poll (depot/job_runner.py listens).
_bells: set[threading.Event] = set()


def listen(bell: threading.Event) -> None:
    _bells.add(bell)


def unlisten(bell: threading.Event) -> None:
    _bells.discard(bell)


def queue_job(session: Session, kind: str, data: BinaryIO, *, total: int,
              created_by: int | None, now: datetime) -> Job:
    """A new queued job whose input is the whole of `data`, kept in the database; `created_by`
    is the id of the user who may follow it (besides admins)."""
    job_id = secrets.token_urlsafe(16)
    session.execute(insert(_jobs).values(
        id=job_id, kind=kind, status=JOB.next_status(None, JobAction.QUEUE).value, done=0,
        total=total, created_by=created_by, created_at=now))
    data.seek(0)
    seq = 0
    while piece := data.read(PIECE):  # one piece at a time: the file never sits in memory
        session.execute(insert(_payloads).values(job_id=job_id, seq=seq, data=piece))
        seq += 1
    session.commit()
    for bell in list(_bells):
        bell.set()
    return get_job(session, job_id)


def get_job(session: Session, job_id: str, *, actor: User | None = None) -> Job:
    """The job; with `actor`, only for the one who queued it or an admin."""
    job = session.get(Job, job_id[:40]) if job_id else None
    if job is None:
        raise NotFoundError("no job %(job)s", code="job_not_found", job=job_id[:40])
    if actor is not None and job.created_by != actor.id and not may(actor.role, "admin"):
        raise PermissionDeniedError("only the person who started a job, or an admin, may "
                                    "follow it", code="forbidden")
    return job


def claim_next(session: Session, *, now: datetime) -> Job | None:
    """Take the oldest queued job for this worker, or None. The claim is a compare-and-set on
    the status: of several workers asking at once, one gets each job."""
    abandon_stale(session, now=now)
    queued, running = JobStatus.QUEUED.value, JOB.next_status(JobStatus.QUEUED,
                                                              JobAction.CLAIM).value
    candidates = list(session.scalars(select(_jobs.c.id).where(_jobs.c.status == queued)
                                      .order_by(_jobs.c.created_at).limit(10)))
    session.commit()
    for job_id in candidates:
        claimed = session.execute(
            update(_jobs).where(_jobs.c.id == job_id, _jobs.c.status == queued)
            .values(status=running, started_at=now, heartbeat_at=now)).rowcount
        session.commit()
        if claimed:
            return get_job(session, job_id)
    return None


def abandon_stale(session: Session, *, now: datetime) -> list[str]:
    """Fail the running jobs whose worker stopped beating (a process that died)."""
    running = JobStatus.RUNNING.value
    stale = session.execute(
        select(_jobs.c.id, _jobs.c.heartbeat_at, _jobs.c.result)
        .where(_jobs.c.status == running,
               _jobs.c.heartbeat_at < now - timedelta(seconds=STALE_SECONDS))).all()
    failed = []
    for job_id, beat, result in stale:
        ended = session.execute(
            update(_jobs).where(_jobs.c.id == job_id, _jobs.c.status == running,
                                _jobs.c.heartbeat_at == beat)
            .values(status=JOB.next_status(JobStatus.RUNNING, JobAction.ABANDON).value,
                    finished_at=now,
                    result={**(result or {}), "failure": _failure("job_abandoned", ABANDONED, {})}
                    )).rowcount
        if ended:
            session.execute(delete(_payloads).where(_payloads.c.job_id == job_id))
            failed.append(job_id)
    session.commit()
    return failed


def payload(session: Session, job_id: str) -> IO[bytes]:
    """The job's input as a temporary file (closing it removes it)."""
    out = tempfile.TemporaryFile()
    seq = 0
    while (piece := session.scalar(select(_payloads.c.data).where(
            _payloads.c.job_id == job_id, _payloads.c.seq == seq))) is not None:
        out.write(piece)
        seq += 1
    session.commit()
    out.seek(0)
    return out


def beat(session: Session, job_id: str, done: int, progress: dict[str, Any], *,
         now: datetime) -> None:
    """Record progress in the caller's transaction (commit with the work it describes).
    ConflictError when the job is no longer this worker's (it was taken for dead)."""
    moved = session.execute(
        update(_jobs).where(_jobs.c.id == job_id, _jobs.c.status == JobStatus.RUNNING.value)
        .values(done=done, heartbeat_at=now, result=progress)).rowcount
    if not moved:
        raise ConflictError("job %(job)s is no longer running", code="job_not_running",
                            job=job_id)


def finish(session: Session, job_id: str, result: dict[str, Any], *, now: datetime) -> None:
    _end(session, job_id, JobAction.FINISH, result, now)


def fail(session: Session, job_id: str, error: BaseException, partial: dict[str, Any], *,
         now: datetime) -> None:
    """End the job as failed, saying why: a DepotError's own sentence, else a plain one."""
    if isinstance(error, DepotError):
        failure = _failure(error.code, error.template, error.details)
    else:
        failure = _failure("job_failed", N_("the job failed: %(reason)s"),
                           {"reason": type(error).__name__})
    _end(session, job_id, JobAction.FAIL, {**partial, "failure": failure}, now)


def _end(session: Session, job_id: str, action: JobAction, result: dict[str, Any],
         now: datetime) -> None:
    session.rollback()
    session.execute(
        update(_jobs).where(_jobs.c.id == job_id, _jobs.c.status == JobStatus.RUNNING.value)
        .values(status=JOB.next_status(JobStatus.RUNNING, action).value, result=result,
                finished_at=now))
    session.execute(delete(_payloads).where(_payloads.c.job_id == job_id))
    session.commit()


def _failure(code: str, template: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "template": template, "details": _plain(details)}


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, int | float | str | bool | type(None) | list) else str(v)
            for k, v in details.items()}
