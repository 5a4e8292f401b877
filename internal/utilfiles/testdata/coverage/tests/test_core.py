import pytest

from pkg import classify, total
from pkg.cli import main
from pkg.core import Box, countdown, first_even, parse, refuse


def test_total():
    assert total([1, -2, 3]) == 4
    assert total([]) == 0


def test_classify():
    assert classify(3)[0] == "small"
    assert classify(30)[0] == "big"
    assert classify(250)[2] == 50


def test_first_even():
    assert first_even([1, 4, 6]) == 4
    assert first_even([1, 3]) is None


def test_parse():
    assert parse("12") == 12
    assert parse("x") == -1


def test_refuse():
    with pytest.raises(ValueError):
        refuse("no")


def test_countdown():
    assert list(countdown(3)) == [3, 2, 1]


def test_box():
    assert Box(1).grow(2) == 3


def test_main():
    assert main(["1", "2"]) == 0
