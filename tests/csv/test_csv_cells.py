"""How the editors' import reads each kind of cell, called directly.

The import tests go through the column table, whose readers are built once when the module is
imported; these call the reader factories themselves, so a change to how a number, a decimal or
a yes/no cell is read fails here with the cell that shows it (and `make mutation` sees it).
"""

from decimal import Decimal

import pytest

from programmes import csv_columns
from programmes.csv_columns import CellError


def problems(read, cell: str) -> list[str]:
    with pytest.raises(CellError) as caught:
        read(cell)
    return caught.value.messages


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("14500", 14500),
        ("14,500", 14500),
        ("£14,500", 14500),
        ("£1,234,567", 1234567),
        ("0", 0),
        ("-5", -5),
        ("", None),
        (str(2**31 - 1), 2**31 - 1),
        (str(-(2**31) + 1), -(2**31) + 1),
    ],
)
def test_whole_numbers_read_with_commas_and_pound_signs(cell, value):
    assert csv_columns._as_whole_number("fee_home")(cell) == {"fee_home": value}


def test_a_whole_number_cell_sets_the_field_it_was_made_for():
    assert csv_columns._as_whole_number("duration_full_time_months")("12") == {
        "duration_full_time_months": 12
    }


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("twelve", "'twelve' is not a whole number"),
        ("12.5", "'12.5' is not a whole number"),
        ("£", None),  # nothing left once the pound sign goes: an empty cell, not an error
        (str(2**31), f"'{2**31}' is far too large"),
        (str(-(2**31)), f"'{-(2**31)}' is far too large"),
        ("9" * 60, f"'{'9' * 40}' is far too large"),
        ("x" * 60, f"'{'x' * 40}' is not a whole number"),
    ],
)
def test_bad_whole_numbers_say_what_is_wrong_quoting_at_most_40_characters(cell, message):
    read = csv_columns._as_whole_number("fee_home")
    if message is None:
        assert read(cell) == {"fee_home": None}
    else:
        assert problems(read, cell) == [message]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("6.5", Decimal("6.5")), ("7", Decimal("7")), ("", None)],
)
def test_decimals_read_exactly(cell, value):
    assert csv_columns._as_decimal("ielts_overall")(cell) == {"ielts_overall": value}


@pytest.mark.parametrize("cell", ["NaN", "sNaN", "Infinity", "-Infinity", "six", "6,5", "y" * 60])
def test_decimals_that_are_not_finite_numbers_are_refused(cell):
    assert problems(csv_columns._as_decimal("ielts_overall"), cell) == [
        f"{cell[:40]!r} is not a number"
    ]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("yes", True), ("YES", True), ("Yes", True), ("no", False), ("No", False)],
)
def test_yes_no_cells_read_in_any_case(cell, value):
    assert csv_columns._as_yes_no("placement", empty=None)(cell) == {"placement": value}


@pytest.mark.parametrize("empty", [None, False, True])
def test_an_empty_yes_no_cell_means_what_the_column_says(empty):
    assert csv_columns._as_yes_no("source_stale", empty=empty)("") == {"source_stale": empty}


@pytest.mark.parametrize("cell", ["y", "true", "1", "maybe", "yes please"])
def test_other_yes_no_answers_are_refused_with_the_choices(cell):
    assert problems(csv_columns._as_yes_no("placement", empty=None), cell) == [
        "use yes, no or leave empty"
    ]


def test_text_cells_are_kept_as_they_are():
    assert csv_columns._as_text("title")("  Health AI ") == {"title": "  Health AI "}
    assert csv_columns._as_text("summary")("") == {"summary": ""}


# ----- the column builders ------------------------------------------------------------------


def test_a_text_column_reads_and_writes_its_field_as_typed_text():
    column = csv_columns._text_column("official_course_url", "official_url")
    assert (column.name, column.reads, column.fields) == (
        "official_course_url",
        ("official_url",),
        ("official_url",),
    )
    assert column.write is None and column.free_text and column.importable
    assert column.read("https://example.ac.uk") == {"official_url": "https://example.ac.uk"}
    same_name = csv_columns._text_column("title")
    assert (same_name.reads, same_name.fields, same_name.read("T")) == (
        ("title",),
        ("title",),
        {"title": "T"},
    )
    assert not csv_columns._text_column("fee_period", free_text=False).free_text


def test_a_number_column_writes_text_and_reads_whole_numbers_into_its_field():
    column = csv_columns._number_column("fee_home_gbp", "fee_home")
    assert (column.name, column.reads, column.fields) == (
        "fee_home_gbp",
        ("fee_home",),
        ("fee_home",),
    )
    assert not column.free_text and column.importable
    assert (column.write(14500), column.write(None)) == ("14500", "")
    assert column.read("£14,500") == {"fee_home": 14500}


@pytest.mark.parametrize("empty", [None, False])
def test_a_yes_no_column_writes_and_reads_yes_no_and_empty(empty):
    column = csv_columns._yes_no_column("placement", empty=empty)
    assert (column.name, column.reads, column.fields) == (
        "placement",
        ("placement",),
        ("placement",),
    )
    assert not column.free_text and column.importable
    assert [column.write(v) for v in (True, False, None)] == ["yes", "no", ""]
    assert column.read("") == {"placement": empty}
    assert column.read("Yes") == {"placement": True}


def test_modes_are_written_in_the_models_order_joined_by_semicolons():
    # Programme.MODE_FIELDS: full-time, part-time, online (see the model).
    names = [mode.value for mode in csv_columns.Programme.MODE_FIELDS]
    assert csv_columns._modes(True, True, True) == "; ".join(names)
    assert csv_columns._modes(False, True, False) == names[1]
    assert csv_columns._modes(False, False, False) == ""
    with pytest.raises(ValueError):
        csv_columns._modes(True, True)  # one flag per mode, never fewer


# ----- cells with several faults, dates, and the spreadsheet guard --------------------------


def test_unknown_modes_and_months_are_named_each_quoting_at_most_40_characters():
    long = "z" * 60
    assert problems(csv_columns._as_modes, f"full-time; {long}; evenings") == [
        f"'{'z' * 40}' is not one of full-time, part-time, online",
        "'evenings' is not one of full-time, part-time, online",
    ]
    assert problems(csv_columns._as_months, f"September; {long}") == [
        f"'{'z' * 40}' is not a month name"
    ]


@pytest.mark.parametrize("cell", ["30/09/2026", "2026-13-01", "soon", "2" * 60])
def test_dates_must_be_iso_dates(cell):
    assert problems(csv_columns._as_date("last_verified"), cell) == [
        f"{cell[:40]!r} is not a date like 2026-09-30"
    ]


@pytest.mark.parametrize(
    ("cell", "imported"),
    [
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'=", "="),  # the shortest neutralised cell
        ("'-x", "-x"),
        ("'", "'"),
        ("'hello", "'hello"),  # an apostrophe someone typed stays
        ("A-level route", "A-level route"),  # a dash after the first character is text
        ("x=1", "x=1"),
        ("=SUM(A1)", "=SUM(A1)"),
    ],
)
def test_only_the_apostrophe_the_export_added_is_taken_off(cell, imported):
    assert csv_columns.unneutralise(cell) == imported


@pytest.mark.parametrize(
    "typed",
    [
        "=1+1",
        "=",
        "-x",
        "@SUM",
        "+44",
        "\tx",
        "plain",
        "-5",
        "12.5",
        "Dept;=cmd|' /C calc'!A0;x",
        "a, -b",
        "'Dept;=x",  # an apostrophe someone typed before such a cell stays too
    ],
)
def test_neutralised_cells_come_back_as_typed(typed):
    assert csv_columns.unneutralise(csv_columns.neutralise(typed)) == typed
