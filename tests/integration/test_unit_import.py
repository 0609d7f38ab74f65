"""The CSV import on a real database (SQLite, and PostgreSQL with -m db): bad rows reported by
their physical line and never reaching the database, whatever they hold; chunks of one
transaction each; serials case-insensitive; a chunk the database refuses written row by row."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from depot.errors import InvalidInputError
from depot.models import Customer, ProductModel, Unit, db
from depot.services.bulk_sql import BulkSql
from depot.services.common import get_unit
from depot.services.unit_import import ImportOptions, check_file, import_units
from tests.conftest import NOW

HEADER = "serial,model,purchase_date,customer_name,customer_phone,customer_email,customer_address\n"


@pytest.fixture
def models(make_model):
    make_model("POS-X", "POS 终端 X", 24)
    make_model("AT-9", "考勤机 AT-9", 12, serial_pattern=r"AT9-\d{4}")


def run(text: str | bytes, **options):
    data = text.encode() if isinstance(text, str) else text
    return import_units(db.session, data, now=NOW, options=ImportOptions(**options))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def codes(report) -> list[tuple[int, str]]:
    return [(e["line"], e["code"]) for e in report.errors]


def test_an_over_long_name_is_a_row_error_and_the_other_rows_land(models):
    report = run(HEADER
                 + "POSX0001,POS-X,2025-01-15,甲,1,,\n"
                 + "POSX0002,POS-X,2025-01-15," + "名" * 201 + ",2,,\n"
                 + "POSX0003,POS-X,2025-01-15,乙,3," + "e" * 255 + ",\n"
                 + "POSX0004,POS-X,2025-01-15,丙,4" + "9" * 50 + ",,\n"
                 + "POSX0005,POS-X,2025-01-15,丁,5,,\n")
    assert (report.created, report.updated) == (2, 0)
    assert codes(report) == [(3, "invalid_field"), (4, "invalid_field"), (5, "invalid_field")]
    assert [e["details"]["field"] for e in report.errors] == [
        "customer_name", "customer_email", "customer_phone"]
    assert report.errors[0]["message"] == "customer_name is longer than 200 characters"
    assert sorted(db.session.scalars(select(Unit.serial))) == ["POSX0001", "POSX0005"]


def test_a_field_of_more_than_128_kib_is_a_row_error_not_a_crash(models):
    huge = "上海市" + "很长的地址" * 30_000  # 450 KiB of UTF-8, past csv's 128 KiB default
    giant = "x" * (1 << 20)  # past the 1 MiB any record may take
    report = run(HEADER
                 + f'POSX0101,POS-X,,甲,1,,"{huge}"\n'           # 2
                 + "POSX0102,POS-X,,乙,2,,\n"                    # 3
                 + f'POSX0103,POS-X,,丙,3,,"{giant}"\n'          # 4: one line past the cap
                 + "POSX0104,POS-X,,丁,4,,\n"                    # 5
                 + f'POSX0105,POS-X,,戊,5,,"a\n{giant}\nb"\n'    # 6-8: a field past it
                 + "POSX0106,POS-X,,己,6,,\n")                   # 9
    assert codes(report)[:3] == [(2, "invalid_field"), (4, "line_too_long"), (6, "line_too_long")]
    assert {"POSX0102", "POSX0104", "POSX0106"} <= set(db.session.scalars(select(Unit.serial)))
    assert count(Unit, Unit.serial.in_(["POSX0101", "POSX0103", "POSX0105"])) == 0


def test_a_quoted_field_past_the_record_cap_is_reported_by_its_first_line(models):
    piece = "y" * 300_000
    lines = "\n".join([piece] * 5)  # 1.5 MB over five physical lines, each under the cap
    report = run(HEADER + f'POSX0201,POS-X,,甲,1,,"{lines}"\n' + "POSX0202,POS-X,,乙,2,,\n")
    assert codes(report)[0] == (2, "invalid_csv")
    assert "POSX0202" in set(db.session.scalars(select(Unit.serial)))
    assert count(Unit, Unit.serial == "POSX0201") == 0


def test_nul_control_characters_are_row_errors_odd_but_valid_text_lands(models):
    report = run(HEADER
                 + "POSX0301,POS-X,,甲\x00乙,1,,\n"
                 + "POSX0302,POS-X,,甲,1\x07,,\n"
                 + "POSX0303,POS-X,,\\ud800 😀 𠀀,3,,\n"        # an escape written out, emoji
                 + "POSX0304,POS-X,,丙,4,,\t地址\n"
                 + '"POSX0305",POS-X,,丁,"5\n6",,\n')
    assert codes(report) == [(2, "invalid_field"), (3, "invalid_field"),
                             (6, "invalid_field")]
    assert report.errors[0]["details"] == {"field": "customer_name"}
    assert get_unit(db.session, "POSX0303").customer.name == "\\ud800 😀 𠀀"
    assert get_unit(db.session, "POSX0304").customer.address == "地址"  # trimmed, tab and all


def test_a_lone_surrogate_makes_a_utf8_file_invalid_and_nothing_lands(models):
    data = (HEADER + "POSX0401,POS-X,,张三,1,,\n").encode() + b"POSX0402,POS-X,,\xed\xa0\x80,,,\n"
    with pytest.raises(InvalidInputError) as info:
        run(data)
    assert info.value.code == "invalid_encoding"
    late = (HEADER + "POSX0403,POS-X,,张三,1,,\n" * 1).encode() + b"x" * (3 << 20) + b"\xff\n"
    with pytest.raises(InvalidInputError):  # a bad byte megabytes in: refused before any row
        run(late)
    assert count(Unit) == 0


def test_utf8_once_settled_stays_utf8_and_gb18030_may_start_late(models):
    chinese = HEADER + "POSX0451,POS-X,,上海浦东新区世纪大道某某超市有限公司,1,,\n"
    bad = chinese.encode() + "POSX0452,POS-X,,北京,,,\n".encode("gb18030")
    with pytest.raises(InvalidInputError) as info:  # not read again as GB18030 mojibake
        run(bad)
    assert info.value.code == "invalid_encoding"
    ascii_rows = "".join(f"ASC{i:05d},POS-X,,x,{i},,{'a' * 1000}\n" for i in range(1100))
    data = (HEADER + ascii_rows).encode() + "GBK00001,POS-X,,北京某公司,,,\n".encode("gb18030")
    report = run(data)  # the first Chinese after more than a block (1 MiB) of ASCII
    assert (report.created, report.errors) == (1101, [])
    assert get_unit(db.session, "GBK00001").customer.name == "北京某公司"


def test_purchase_dates_outside_1990_to_tomorrow_are_row_errors(models):
    report = run(HEADER
                 + "POSX0501,POS-X,9999-12-31,甲,1,,\n"
                 + "POSX0502,POS-X,1989-12-31,甲,1,,\n"
                 + "POSX0503,POS-X,1990-01-01,甲,1,,\n"
                 + "POSX0504,POS-X,2026-11-21,甲,1,,\n"   # tomorrow in Shanghai: a zone away
                 + "POSX0505,POS-X,2026-11-22,甲,1,,\n"
                 + "POSX0506,POS-X,2026-13-01,甲,1,,\n"
                 + "POSX0507,POS-X,2026-1-1,甲,1,,\n")
    assert codes(report) == [(2, "invalid_date"), (3, "invalid_date"),
                             (6, "invalid_date"), (7, "invalid_date"), (8, "invalid_date")]
    assert report.errors[0]["message"] == (
        "purchase_date must be a day from 1990-01-01 to 2026-11-21")
    assert get_unit(db.session, "POSX0504").purchase_date == date(2026, 11, 21)


def test_serials_match_case_insensitively_and_a_repeat_in_the_file_is_an_error(models, make_unit):
    make_unit("ATT-00001", date(2026, 1, 1))
    report = run(HEADER
                 + "  att-00001  ,POS-X,2025-02-02,,,,\n"          # 2: updates ATT-00001
                 + "POSX0601,POS-X,,甲,1,,\n"                     # 3
                 + "posx0601,POS-X,,乙,2,,\n"                     # 4: the same serial again
                 + "ATT-00001,POS-X,,,,,\n"                       # 5: and again
                 + "AT9-1234,AT-9,,,,,\n"                         # 6: fits the pattern
                 + "AT9-12345,AT-9,,,,,\n"                        # 7: does not
                 + "POSX 0602,POS-X,,,,,\n")                      # 8: not a serial
    assert (report.created, report.updated) == (2, 1)
    assert codes(report) == [(4, "duplicate_serial"), (5, "duplicate_serial"),
                             (7, "serial_pattern_mismatch"), (8, "invalid_serial")]
    assert [e["details"]["first_line"] for e in report.errors[:2]] == [3, 2]
    unit = get_unit(db.session, "ATT-00001")
    assert (unit.model.code, unit.purchase_date) == ("POS-X", date(2025, 2, 2))
    assert unit.customer.name == "张三"  # no customer in the row: the unit keeps its own
    assert count(Unit, func.lower(Unit.serial) == "att-00001") == 1
    assert get_unit(db.session, "POSX0601").customer.name == "甲"


def test_line_numbers_are_physical_with_crlf_quoted_line_breaks_and_blank_lines(models):
    text = ("\ufeff" + HEADER.replace("\n", "\r\n")
            + 'POSX0701,POS-X,,"多行\r\n客户",1,,"第一行\r\n第二行\r\n第三行"\r\n'  # 2-5
            + "\r\n"                                                              # 6
            + "POSX0702,NOPE,,x,,,\r\n"                                           # 7
            + ",,,,,,\r\n"                                                        # 8 blank
            + '"POSX0703",POS-X,,"a ""quoted""\nname",2,,\n'                      # 9-10
            + "POSX0704,POS-X\r\n")                                              # 11
    report = run(text.encode("utf-8"))
    assert codes(report) == [(7, "model_not_found"), (11, "short_row")]
    assert report.created == 2
    assert get_unit(db.session, "POSX0701").customer.address == "第一行\r\n第二行\r\n第三行"
    assert get_unit(db.session, "POSX0703").customer.name == 'a "quoted"\nname'


def test_chunks_of_three_rows_keep_every_rule_across_their_boundaries(models):
    rows = [
        "POSX0801,POS-X,,华联超市,021-1000,,上海\n",       # 2   chunk 1
        "POSX0802,POS-X,,华联超市,021-1000,,\n",           # 3
        "POSX0803,NOPE,,x,,,\n",                           # 4   bad
        "POSX0804,POS-X,,华联超市,021-2000,,\n",           # 5
        "POSX0805,POS-X,2025-01-01,王五,139,,\n",          # 6   chunk 2
        "posx0801,POS-X,,x,,,\n",                          # 7   repeat of line 2
        "POSX0806,POS-X,,华联超市,021-1000,hl@example.cn,\n",  # 8
        "POSX0807,POS-X,,王五,139,w@example.cn,北京\n",    # 9   chunk 3
        "POSX0808,POS-X,,,,,\n",                           # 10
        "POSX0805,POS-X,,x,,,\n",                          # 11  repeat of line 6
        "POSX0809,POS-X,1900-01-01,x,,,\n",                # 12  bad date
    ]
    report = run(HEADER + "".join(rows), chunk_rows=3)
    assert (report.created, report.updated, report.done) == (7, 0, 11)
    assert codes(report) == [(4, "model_not_found"), (7, "duplicate_serial"),
                             (11, "duplicate_serial"), (12, "invalid_date")]
    units = {u.serial: u for u in db.session.scalars(select(Unit))}
    hualian = {units[s].customer_id for s in ("POSX0801", "POSX0802", "POSX0806")}
    assert len(hualian) == 1 and units["POSX0804"].customer_id not in hualian
    assert units["POSX0805"].customer_id == units["POSX0807"].customer_id
    assert units["POSX0808"].customer is None
    assert count(Customer) == 3
    assert (units["POSX0801"].customer.email, units["POSX0801"].customer.address) == (
        "hl@example.cn", "上海")
    assert (units["POSX0805"].customer.email, units["POSX0805"].customer.address) == (
        "w@example.cn", "北京")


def test_a_second_import_updates_in_bulk_and_counts(models):
    text = HEADER + "".join(f"POSX{i:04d},POS-X,2025-01-15,客户{i % 4},{i % 4},,\n"
                            for i in range(1, 26))
    assert run(text, chunk_rows=7).created == 25
    again = run(text.replace("2025-01-15", "2024-03-03"), chunk_rows=7)
    assert (again.created, again.updated, again.errors) == (0, 25, [])
    assert set(db.session.scalars(select(Unit.purchase_date))) == {date(2024, 3, 3)}
    assert count(Customer) == 4


def test_a_chunk_the_database_refuses_is_written_row_by_row(models, make_model):
    """A model removed after the rows were checked (as another admin might): the chunk fails
    on its foreign key, and row by row the good rows still land."""
    make_model("GONE", "soon removed", 12)

    def remove_the_model(session, so_far):
        if so_far.done == 3:  # in the first chunk's transaction, committed with it
            session.execute(delete(ProductModel).where(ProductModel.code == "GONE"))

    text = (HEADER + "POSX0901,POS-X,,,,,\nPOSX0902,POS-X,,,,,\nPOSX0903,POS-X,,,,,\n"
            + "POSX0904,POS-X,,甲,1,,\nPOSX0905,GONE,,乙,2,,\nPOSX0906,POS-X,,丙,3,,\n")
    report = import_units(db.session, text.encode(), now=NOW,
                          options=ImportOptions(chunk_rows=3), on_chunk=remove_the_model)
    assert (report.created, report.updated) == (5, 0)
    assert codes(report) == [(6, "row_refused")]
    assert count(Unit, Unit.serial == "POSX0905") == 0
    assert get_unit(db.session, "POSX0906").customer.name == "丙"


def test_check_file_counts_data_records_not_lines(models):
    text = HEADER + 'A1,POS-X,,"x\ny",,,\n\n,,,,,,\nA2,POS-X,,,,,\n'
    assert check_file(io.BytesIO(text.encode())) == ("utf-8-sig", 2)
    assert check_file(io.BytesIO(text.encode()), stop_after=1)[1] == 2
    with pytest.raises(InvalidInputError) as info:
        check_file(io.BytesIO(b"serial,model\n"))
    assert info.value.code == "invalid_header"


def test_a_chunk_looks_its_units_and_customers_up_by_their_btree_indexes(models):
    """A chunk's lookups (services.bulk_sql.rows_where) as the database plans them. On
    PostgreSQL a table without statistics yet (one this import filled) had its customers found
    through the trigram GIN index of customers.name, which pg_trgm lets answer `=`: some 2 s a
    chunk, 100,000 units in 317 s. The btree indexes answer each value at once."""
    rows = range(1, 3001)  # a table of some pages, looked up a chunk's worth at a time
    names = [f"客户{i}号商贸有限公司" for i in rows]
    run(HEADER + "".join(f"POSX{i:04d},POS-X,,{names[i - 1]},{i},,\n" for i in rows))
    sql = BulkSql(db.session, NOW)
    explain = "EXPLAIN" if sql.postgres else "EXPLAIN QUERY PLAN"

    def plan(select: str, expression: str, values: list[str]) -> str:
        return "\n".join(str(row[-1]) for row in sql.rows_where(
            f"{explain} {select}", expression, values))

    customers = plan("SELECT id, name, phone, email, address FROM customers", "name", names)
    assert "ix_customers_name_phone" in customers and "trgm" not in customers
    units = plan("SELECT lower(serial), id FROM units", "lower(serial)",
                 [f"posx{i:04d}" for i in rows])
    assert "ix_units_serial_lower" in units
    db.session.rollback()
    assert count(Customer) == 3000  # and the import found each name once: one customer each
