"""Big CSV imports through the API: past DEPOT_IMPORT_SYNC_ROWS the answer is 202 with a job
that the app's own worker thread runs, followed with GET /jobs/<id> to the same report; the
upload limit of the import; what a file holds never makes a 500; the CLI and run-jobs."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from depot import job_runner
from depot.models import Job, JobPayload, db
from depot.services import jobs
from depot.services.unit_import import JOB_KIND
from tests.conftest import NOW

HEADER = "serial,model,purchase_date,customer_name,customer_phone,customer_email,customer_address\n"


@pytest.fixture
def model(api):
    assert api.post("/models", {"code": "POS-X", "name": "POS 终端 X", "warranty_months": 24}
                    ).status_code == 201


@pytest.fixture
def worker(app):
    """The app's job thread, as in production: started by the next request."""
    app.config["DEPOT_JOBS_WORKER"] = True
    yield app
    job_runner.stop_background(app)


def post_csv(api, text: str | bytes, **kw):
    data = text.encode() if isinstance(text, str) else text
    return api.post("/units/import", data=data, headers={"Content-Type": "text/csv"}, **kw)


def follow(api, url: str) -> dict:
    """Poll the job until it ends (a deadline, so a broken worker fails the test)."""
    path = url.split("/api/v1", 1)[1]
    deadline = time.monotonic() + 120
    while True:
        body = api.get(path).get_json()
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def rows(first: int, last: int) -> str:
    return "".join(f"BIG{i:05d},POS-X,2025-03-01,客户{i % 7},139{i % 7:08d},,上海\n"
                   for i in range(first, last + 1))


def test_a_file_past_the_threshold_becomes_a_job_and_ends_with_the_report(
        api, model, worker, app):
    app.config["DEPOT_IMPORT_SYNC_ROWS"] = 10
    app.config["DEPOT_IMPORT_CHUNK_ROWS"] = 4
    text = (HEADER + rows(1, 10)
            + "BIG00011,NOPE,,x,,,\n"                              # line 12
            + '"BIG00012",POS-X,,"多行\n客户",,,\n'                 # lines 13-14
            + "big00003,POS-X,,x,,,\n"                             # line 15: a repeat
            + "BIG00013,POS-X,9999-12-31,x,,,\n"                   # line 16
            + rows(14, 20))
    answer = post_csv(api, text)
    assert answer.status_code == 202
    queued = answer.get_json()
    assert set(queued) >= {"job", "status_url"} and queued["total"] == 21
    assert answer.headers["Location"] == queued["status_url"]
    assert queued["status_url"].endswith(f"/api/v1/jobs/{queued['job']}")
    done = follow(api, queued["status_url"])
    assert done["status"] == "done", done
    assert (done["done"], done["total"]) == (21, 21)
    assert (done["created"], done["updated"]) == (18, 0)
    assert [(e["line"], e["code"]) for e in done["errors"]] == [
        (12, "model_not_found"), (15, "duplicate_serial"), (16, "invalid_date")]
    assert done["errors"][0]["message"] == "no product model with code NOPE"
    for i in [*range(1, 11), 12, *range(14, 21)]:
        serial = f"BIG{i:05d}"
        assert api.get(f"/units/{serial}").status_code == 200, serial
    assert api.get("/units/BIG00013").status_code == 404
    assert api.get("/units/BIG00012").get_json()["customer"]["name"] == "多行\n客户"
    assert db.session.get(Job, queued["job"]).status == "done"
    assert not db.session.query(JobPayload).count()  # the file is gone with the job


def test_the_job_report_speaks_the_reader_s_language(api, model, worker, app):
    app.config["DEPOT_IMPORT_SYNC_ROWS"] = 2
    url = post_csv(api, HEADER + rows(1, 3) + "X,POS-X,,,,,\n").get_json()["status_url"]
    follow(api, url)
    path = url.split("/api/v1", 1)[1]
    chinese = api.get(path, headers={"Accept-Language": "zh-CN"}).get_json()
    assert chinese["errors"][0]["message"] == "序列号须为 3 到 80 个字母、数字或 - _ . /"
    taiwan = api.get(path, headers={"Accept-Language": "zh-TW"}).get_json()
    assert taiwan["errors"][0]["message"] == "序號須為 3 到 80 個字母、數字或 - _ . /"


def test_only_its_creator_or_an_admin_follows_a_job(api, model, tokens, app):
    app.config["DEPOT_IMPORT_SYNC_ROWS"] = 2
    clerk = api.as_(tokens["clerk"])
    answer = post_csv(clerk, HEADER + rows(1, 3))
    assert answer.status_code == 202  # no worker: it stays queued
    path = f"/jobs/{answer.get_json()['job']}"
    mine = clerk.get(path).get_json()
    assert (mine["status"], mine["done"], mine["total"]) == ("queued", 0, 3)
    assert "created" not in mine
    assert api.get(path).status_code == 200  # admin
    assert api.as_(tokens["supervisor"]).get(path).status_code == 403
    assert api.as_(tokens["technician"]).get(path).status_code == 403
    assert api.as_(None).get(path).status_code == 401
    missing = clerk.get("/jobs/no-such-job")
    assert missing.status_code == 404 and missing.get_json()["error"] == "job_not_found"


def test_up_to_the_threshold_the_answer_is_the_report_at_once(api, model, app):
    app.config["DEPOT_IMPORT_SYNC_ROWS"] = 3
    answer = post_csv(api, HEADER + rows(1, 3) + "\n\n")
    assert answer.status_code == 200
    assert (answer.get_json()["created"], answer.get_json()["errors"]) == (3, [])


def test_bad_contents_are_row_errors_and_bad_text_is_422_never_500(api, model):
    huge = "地" * 140_000  # a field past csv's 128 KiB default
    answer = post_csv(api, HEADER + f'BAD00001,POS-X,,x,,,"{huge}"\n'
                      + "BAD00002,POS-X,,甲\x00乙,,,\n" + "BAD00003,POS-X,,x,,,\n")
    assert answer.status_code == 200
    report = answer.get_json()
    assert [(e["line"], e["code"]) for e in report["errors"]] == [
        (2, "invalid_field"), (3, "invalid_field")]
    assert report["created"] == 1
    surrogate = post_csv(api, HEADER.encode() + b"BAD00004,POS-X,,\xed\xa0\x80,,,\n")
    assert surrogate.status_code == 422
    assert surrogate.get_json()["error"] == "invalid_encoding"
    assert api.get("/units/BAD00004").status_code == 404


def test_the_import_takes_uploads_past_the_general_cap_up_to_its_own(api, model, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    body = HEADER + rows(1, 60)  # some 3 KB
    assert post_csv(api, body).status_code == 200
    app.config["DEPOT_MAX_IMPORT_BYTES"] = 2000
    too_big = post_csv(api, body)
    assert too_big.status_code == 413 and too_big.get_json()["error"] == "upload_too_large"


def test_flask_depot_run_jobs_runs_what_is_queued(api, model, app):
    app.config["DEPOT_IMPORT_SYNC_ROWS"] = 2
    job_id = post_csv(api, HEADER + rows(1, 5)).get_json()["job"]
    result = app.test_cli_runner().invoke(args=["depot", "run-jobs", "--once"])
    assert result.exit_code == 0, result.output
    assert "jobs run 1, failed 0" in result.output
    body = api.get(f"/jobs/{job_id}").get_json()
    assert (body["status"], body["created"], body["done"]) == ("done", 5, 5)


def test_a_job_is_claimed_once_and_a_dead_worker_s_job_fails(api, model, app, session):
    app.config["DEPOT_IMPORT_SYNC_ROWS"] = 1
    first = post_csv(api, HEADER + rows(1, 2)).get_json()["job"]
    claimed = jobs.claim_next(session, now=NOW)
    assert claimed is not None and claimed.id == first and claimed.kind == JOB_KIND
    assert jobs.claim_next(session, now=NOW) is None  # nothing else is queued
    assert jobs.abandon_stale(session, now=NOW + timedelta(seconds=60)) == []
    assert jobs.abandon_stale(session, now=NOW + timedelta(minutes=6)) == [first]
    body = api.get(f"/jobs/{first}").get_json()
    assert body["status"] == "failed" and body["error"]["code"] == "job_abandoned"


def test_cli_import_streams_with_progress_and_a_summary(app, make_model, tmp_path):
    make_model("POS-X", "POS X", 24)
    path = tmp_path / "units.csv"
    path.write_text(HEADER + rows(1, 9) + "BIG00001,POS-X,,x,,,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["depot", "import-units", str(path), "--chunk-rows", "2"])
    assert result.exit_code == 1, result.output  # a row failed: cron and scripts are told
    assert "created 9, updated 0, errors 1" in result.output
    assert "1 row was not imported; the good rows were" in result.output
    assert "imported 10 of 10 rows" in result.output
    assert "line 11: duplicate serial in the file" in result.output
    again = app.test_cli_runner().invoke(args=["depot", "import-units", str(path)])
    assert "created 0, updated 9, errors 1" in again.output and again.exit_code == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"serial\n\xff\xfe\n")
    refused = app.test_cli_runner().invoke(args=["depot", "import-units", str(bad)])
    assert refused.exit_code != 0 and "neither UTF-8 nor GB18030" in refused.output


def test_the_openapi_document_tells_of_the_202_and_the_job(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    answers = doc["paths"]["/api/v1/units/import"]["post"]["responses"]
    assert {"200", "202"} <= set(answers)
    follow_job = doc["paths"]["/api/v1/jobs/{job_id}"]["get"]
    assert "status" in follow_job["description"]
    assert follow_job["x-roles"] == ["clerk", "supervisor", "admin"]
