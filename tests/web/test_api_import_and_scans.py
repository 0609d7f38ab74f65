"""CSV import and image scans through the API."""
from __future__ import annotations

import io

import pytest
from PIL import Image

HEADER = "serial,model,purchase_date,customer_name,customer_phone,customer_email,customer_address\n"


@pytest.fixture
def model(api):
    assert api.post("/models", {"code": "POS-X", "name": "POS 终端 X", "warranty_months": 24}
                    ).status_code == 201


def post_csv(api, text: str | bytes, **kw):
    data = text.encode() if isinstance(text, str) else text
    return api.post("/units/import", data=data, headers={"Content-Type": "text/csv"}, **kw)


def test_good_rows_land_bad_rows_are_reported_by_physical_line(api, model):
    csv = (HEADER
           + "POSX0001,POS-X,2025-01-15,上海某超市,021-5555,a@example.cn,上海市黄浦区\n"  # line 2
           + "POSX0002,NOPE,2025-01-15,x,,,\n"                                          # line 3
           + '"POSX0003",POS-X,,"多行\n地址客户",,,"a\nb"\n'                              # 4-6
           + "POSX0004,POS-X,15/01/2025,x,,,\n"                                         # line 7
           + "\n"                                                                       # line 8
           + "bad serial!,POS-X,2025-01-01,x,,,\n"                                      # line 9
           + "POSX0005,POS-X,2025-02-30,x,,,\n")                                        # line 10
    report = post_csv(api, csv).get_json()
    assert (report["created"], report["updated"]) == (2, 0)
    assert [e["line"] for e in report["errors"]] == [3, 7, 9, 10]
    assert all(e["message"] for e in report["errors"])
    unit = api.get("/units/POSX0003").get_json()
    assert unit["purchase_date"] is None and unit["warranty"]["status"] == "unknown"
    assert api.get("/units/POSX0001").get_json()["warranty"]["ends_on"] == "2027-01-14"
    assert api.get("/units/POSX0002").status_code == 404


def test_reimport_updates_and_counts(api, model):
    post_csv(api, HEADER + "POSX0001,POS-X,2025-01-15,A,1,,\n")
    report = post_csv(api, HEADER + "POSX0001,POS-X,2024-01-15,A,1,,\nPOSX0009,POS-X,,B,,,\n"
                      ).get_json()
    assert (report["created"], report["updated"], report["errors"]) == (1, 1, [])
    assert api.get("/units/POSX0001").get_json()["purchase_date"] == "2024-01-15"


def test_duplicate_serial_within_one_file_is_reported_not_fatal(api, model):
    report = post_csv(api, HEADER + "POSX0001,POS-X,2025-01-15,A,,,\n"
                      + "POSX0001,POS-X,2025-03-15,A,,,\n").get_json()
    assert report["created"] == 1
    assert report["updated"] + len(report["errors"]) == 1


def test_gb18030_excel_export_and_bom(api, model):
    text = HEADER + "POSX0007,POS-X,2025-05-05,北京某公司,,,北京市朝阳区\n"
    assert post_csv(api, text.encode("gb18030")).get_json()["created"] == 1
    assert api.get("/units/POSX0007").get_json()["customer"]["name"] == "北京某公司"
    bom = ("\ufeff" + HEADER + "POSX0008,POS-X,,x,,,\n").encode("utf-8")
    assert post_csv(api, bom).get_json()["created"] == 1


def test_bad_header_or_empty_file_is_422(api, model):
    bad = post_csv(api, "serial,model\nA,B\n")
    assert bad.status_code == 422
    assert "purchase_date" in bad.get_json()["details"]["missing"]
    assert post_csv(api, "").status_code == 422


def test_import_as_multipart_file(api, model):
    data = {"file": (io.BytesIO((HEADER + "POSX0101,POS-X,,x,,,\n").encode()), "units.csv")}
    response = api.post("/units/import", data=data, content_type="multipart/form-data")
    assert response.get_json()["created"] == 1


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def code128_png(text: str) -> bytes:
    import barcode
    from barcode.writer import ImageWriter

    out = io.BytesIO()
    barcode.get("code128", text, writer=ImageWriter()).write(out, {"module_width": 0.3})
    return out.getvalue()


def test_image_scan_finds_the_unit(api, model):
    post_csv(api, HEADER + "POSX4242,POS-X,2025-01-15,A,,,\n")
    data = {"image": (io.BytesIO(code128_png("POSX4242")), "label.png")}
    body = api.post("/scans", data=data, content_type="multipart/form-data").get_json()
    assert {"text": "POSX4242", "symbology": "code128"} in body["codes"]
    assert body["unit"]["serial"] == "POSX4242"


def test_image_without_codes_answers_empty(api):
    data = {"image": (io.BytesIO(png_bytes(Image.new("RGB", (320, 240), "white"))), "x.png")}
    body = api.post("/scans", data=data, content_type="multipart/form-data").get_json()
    assert body == {"codes": [], "matched": None, "unit": None, "rma": None}


def test_non_image_and_bomb_are_422(api):
    text = {"image": (io.BytesIO(b"hello, I am not a picture"), "x.png")}
    response = api.post("/scans", data=text, content_type="multipart/form-data")
    assert response.status_code == 422 and response.get_json()["error"] == "not_an_image"
    bomb = Image.new("1", (12000, 12000))  # 144 MP of nothing: tiny as PNG, huge in memory
    data = {"image": (io.BytesIO(png_bytes(bomb)), "bomb.png")}
    response = api.post("/scans", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and response.get_json()["error"] == "image_too_large"


def test_upload_over_the_request_cap_is_413_json(api, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    data = {"image": (io.BytesIO(b"x" * 5000), "big.png")}
    response = api.post("/scans", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.get_json()["error"] == "upload_too_large"


def test_intake_photos_are_normalised_and_stored(api, model):
    post_csv(api, HEADER + "POSX5555,POS-X,2025-01-15,A,,,\n")
    number = api.post("/rmas", {"serial": "POSX5555"}).get_json()["number"]
    big = Image.new("RGB", (4000, 3000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90: the stored photo must come out upright (portrait)
    exif[0x010F] = "SecretCam"
    raw = io.BytesIO()
    big.save(raw, format="JPEG", exif=exif)
    data = {"photo": (io.BytesIO(raw.getvalue()), "damage.jpg")}
    rma = api.post(f"/rmas/{number}/photos", data=data, content_type="multipart/form-data"
                   ).get_json()
    assert len(rma["photos"]) == 1
    stored = api.get(f"/attachments/{rma['photos'][0]['id']}")
    assert stored.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(stored.data))
    assert max(image.size) == 2048 and image.height > image.width
    assert b"SecretCam" not in stored.data and not image.getexif()
    bad = {"photo": (io.BytesIO(b"not an image"), "x.jpg")}
    response = api.post(f"/rmas/{number}/photos", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422
    assert len(api.get(f"/rmas/{number}").get_json()["photos"]) == 1
