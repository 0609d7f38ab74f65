"""Jobs API: follow a background job (a big CSV import answered 202) to its result."""
from __future__ import annotations

from typing import Any

from depot.domain.jobs import JobStatus
from depot.extensions import db
from depot.models import Job
from depot.services import jobs
from depot.services.unit_import import ImportReport
from depot.web.api.registry import Area
from depot.web.auth import current_actor
from depot.web.common import lang
from depot.words import sentence

area = Area("jobs")
bp = area.bp


@area.get("/jobs/<job_id>", "Follow a background job (a big CSV import)",
          permissions=("import",),
          description="{job, kind, status (queued, running, done, failed), done, total, "
                      "created_at, started_at, finished_at}; once done (or failed) also the "
                      "import's report: created, updated, errors [{line, code, message, "
                      "details}], error_count; a failed job says why under error. Only the "
                      "user who started the job, or an admin, may follow it.")
def get_job_view(job_id: str):
    return job_json(jobs.get_job(db.session, job_id, actor=current_actor()))


def job_json(job: Job) -> dict[str, Any]:
    out: dict[str, Any] = {
        "job": job.id, "kind": job.kind, "status": job.status, "done": job.done,
        "total": job.total, "created_at": _at(job.created_at), "started_at": _at(job.started_at),
        "finished_at": _at(job.finished_at)}
    result = job.result or {}
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        out.update(created=result.get("created", 0), updated=result.get("updated", 0),
                   errors=[_error(e) for e in result.get("errors", [])],
                   error_count=result.get("error_count", 0))
    failure = result.get("failure")
    if job.status == JobStatus.FAILED and failure:
        out["error"] = {"code": failure["code"], "details": failure["details"],
                        "message": _sentence(failure)}
    return out


def import_report_json(report: ImportReport) -> dict[str, Any]:
    """The v1 report: {"created","updated","errors":[{"line","message"}…]} (each error also
    with its code and details), its sentences in the reader's language."""
    return {"created": report.created, "updated": report.updated,
            "errors": [_error(e) for e in report.errors], "error_count": report.error_count}


def _error(item: dict[str, Any]) -> dict[str, Any]:
    return {"line": item["line"], "code": item["code"], "message": _sentence(item),
            "details": item["details"]}


def _sentence(item: dict[str, Any]) -> str:
    """A stored sentence (an English msgid and its values) in the reader's language, its
    codes (the field) named in words."""
    return sentence(lang(), item["template"], item["details"])


def _at(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
