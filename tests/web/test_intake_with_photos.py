"""Issue 10 item 4: an RMA and its intake photos are created in one request, together or
not at all, so a photo that fails never leaves an RMA nobody saw (the next scan said
"已有未完成的维修单")."""
from __future__ import annotations

import io

from PIL import Image

from depot.models import Attachment, Rma, db


def jpeg(colour=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="JPEG")
    return out.getvalue()


def form(serial: str, *photos: tuple[bytes, str], **fields: str) -> dict:
    return {"serial": serial, "fault_description": "不开机", "accessories": "power_adapter,battery",
            **fields, "photo": [(io.BytesIO(data), name) for data, name in photos]}


def test_an_rma_comes_with_its_photos_in_one_request(api, tokens, make_unit):
    make_unit("PHOTO0001")
    clerk = api.as_(tokens["clerk"])
    response = clerk.post("/rmas", data=form("PHOTO0001", (jpeg(), "front.jpg"),
                                             (jpeg((200, 0, 0)), "back.jpg")),
                          content_type="multipart/form-data",
                          headers={"Idempotency-Key": "intake-photo-1"})
    assert response.status_code == 201, response.get_json()
    rma = response.get_json()
    assert rma["status"] == "received" and rma["fault_description"] == "不开机"
    assert rma["accessories"] == ["power_adapter", "battery"]
    assert [p["filename"] for p in rma["photos"]] == ["front.jpg", "back.jpg"]
    stored = clerk.get(f"/attachments/{rma['photos'][0]['id']}")
    assert stored.status_code == 200 and stored.headers["Content-Type"] == "image/jpeg"
    again = clerk.post("/rmas", data=form("PHOTO0001", (jpeg(), "front.jpg")),
                       content_type="multipart/form-data",
                       headers={"Idempotency-Key": "intake-photo-1"})
    assert again.status_code == 200 and again.get_json()["number"] == rma["number"]
    assert len(again.get_json()["photos"]) == 2  # a repeat adds nothing


def test_a_photo_that_fails_leaves_no_rma_and_the_retry_works(api, tokens, make_unit):
    make_unit("PHOTO0002")
    clerk = api.as_(tokens["clerk"])
    refused = clerk.post("/rmas", data=form("PHOTO0002", (jpeg(), "good.jpg"),
                                            (b"not an image at all", "broken.jpg")),
                         content_type="multipart/form-data",
                         headers={"Idempotency-Key": "intake-photo-2"})
    assert refused.status_code == 422
    assert refused.get_json()["details"]["filename"] == "broken.jpg"
    db.session.expire_all()
    assert db.session.query(Rma).count() == 0 and db.session.query(Attachment).count() == 0
    assert clerk.get("/units/PHOTO0002").get_json()["rmas"] == []

    # The clerk drops the broken photo and presses again (the same form, the same key).
    retry = clerk.post("/rmas", data=form("PHOTO0002", (jpeg(), "good.jpg")),
                       content_type="multipart/form-data",
                       headers={"Idempotency-Key": "intake-photo-2"})
    assert retry.status_code == 201
    assert retry.get_json()["number"].endswith("000001")  # the refusal used no number
    assert [p["filename"] for p in retry.get_json()["photos"]] == ["good.jpg"]


def test_json_intake_without_photos_still_works(api, tokens, make_unit):
    make_unit("PHOTO0003")
    response = api.as_(tokens["clerk"]).post("/rmas", {"serial": "PHOTO0003",
                                                       "accessories": ["data_cable"]})
    assert response.status_code == 201 and response.get_json()["photos"] == []
