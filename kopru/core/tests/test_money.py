"""Amounts are read as the person's language writes them, into Decimals; an amount that could
mean two things is refused rather than guessed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kopru.core.money import display, parse


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("tr", "1.250,50", "1250.50"),
        ("tr", "1250,50", "1250.50"),
        ("tr", "1.500", "1500.00"),
        ("tr", "1500.00", "1500.00"),
        ("tr", "1 250,50", "1250.50"),
        ("en", "1,250.50", "1250.50"),
        ("en", "1,500", "1500.00"),
        ("en", "12,5", "12.50"),
        ("ru", "3000", "3000.00"),
    ],
)
def test_amounts_are_read_as_the_language_writes_them(language, typed, read):
    with translation.override(language):
        assert str(parse(typed)) == read


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter an amount"),
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("1.005", "at most two decimals"),
        ("1,2,3.456", "at most two decimals"),
        ("20000000000", "too large"),
    ],
)
def test_what_is_not_an_amount_is_refused_on_the_field(typed, message):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        parse(typed, "budget")
    assert message in exc.value.message_dict["budget"][0]


def test_zero_is_allowed_where_the_caller_says_so():
    assert str(parse("0", allow_zero=True)) == "0.00"


@pytest.mark.parametrize(
    ("language", "shown"),
    [("tr", "7.500,50"), ("en", "7,500.50"), ("ru", "7\xa0500,50"), ("ar", "7500,50")],
)
def test_amounts_in_messages_are_written_as_the_reader_writes_them(language, shown):
    """A refusal that names an amount ("the rent is fixed at ...") reads it back in the
    reader's notation, which `parse` reads again."""
    with translation.override(language):
        assert display(Decimal("7500.5")) == shown
        assert parse(display(Decimal("7500.5"))) == Decimal("7500.50")
