"""Periods and dates in every form clerks write them."""

import datetime as dt

import pytest
from gongkai.periods import Period, parse_date, parse_period, periods_from


@pytest.mark.parametrize(("text", "key", "start", "end"), [
    ("2026-10", "2026-10", "2026-10-01", "2026-10-31"),
    ("2026-Q3", "2026-Q3", "2026-07-01", "2026-09-30"),
    ("2026-q1", "2026-Q1", "2026-01-01", "2026-03-31"),
    ("2026-H1", "2026-H1", "2026-01-01", "2026-06-30"),
    ("2026-H2", "2026-H2", "2026-07-01", "2026-12-31"),
    ("2026", "2026", "2026-01-01", "2026-12-31"),
    ("2026年10月", "2026-10", "2026-10-01", "2026-10-31"),
    ("2026年第三季度", "2026-Q3", "2026-07-01", "2026-09-30"),
    ("2026年上半年", "2026-H1", "2026-01-01", "2026-06-30"),
    ("2026年下半年", "2026-H2", "2026-07-01", "2026-12-31"),
    ("2026年度", "2026", "2026-01-01", "2026-12-31"),
    ("2024-02", "2024-02", "2024-02-01", "2024-02-29"),
])
def test_period_forms(text, key, start, end):
    period = parse_period(text)
    assert (str(period), period.start.isoformat(), period.end.isoformat()) == (key, start, end)


def test_year_as_yaml_integer():
    assert parse_period(2026) == Period(2026, "year", 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "2026年第五季度", "十月", "", "2026-H3"])
def test_bad_period_says_what_is_accepted(text):
    with pytest.raises(ValueError, match="2026-Q3"):
        parse_period(text)


@pytest.mark.parametrize("text", ["2026-11-05", "2026/11/05", "2026.11.05", "2026年11月5日", "2026-11-5"])
def test_date_forms(text):
    assert parse_date(text) == dt.date(2026, 11, 5)


def test_impossible_date_is_named():
    with pytest.raises(ValueError, match="不存在"):
        parse_date("2026-02-30")


def test_labels_read_as_chinese():
    assert [parse_period(p).label for p in ("2026-10", "2026-Q4", "2026-H1", "2026")] == [
        "2026年10月", "2026年第四季度", "2026年上半年", "2026年度"]


def test_periods_tile_the_calendar():
    quarters = periods_from("quarter", dt.date(2025, 11, 3))
    got = [str(next(quarters)) for _ in range(5)]
    assert got == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
