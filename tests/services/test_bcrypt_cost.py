"""The bcrypt cost comes from LINBANG_BCRYPT_ROUNDS (the tests set it low) and is the production 12
without it; a setting bcrypt cannot use stops the board instead of changing how passwords are hashed."""

import os

import pytest

from services import users


@pytest.mark.parametrize("environ", [{}, {"LINBANG_BCRYPT_ROUNDS": ""}, {"LINBANG_BCRYPT_ROUNDS": "  "}])
def test_without_the_setting_passwords_are_hashed_at_the_production_cost(environ):
    assert users.bcrypt_rounds(environ) == 12


@pytest.mark.parametrize("value, rounds", [("4", 4), ("12", 12), (" 13 ", 13), ("31", 31)])
def test_the_setting_gives_the_cost(value, rounds):
    assert users.bcrypt_rounds({"LINBANG_BCRYPT_ROUNDS": value}) == rounds


@pytest.mark.parametrize("value", ["3", "0", "32", "-5", "4.5", "twelve", "１２", "٤", "0x0c", "1e1"])
def test_a_cost_bcrypt_cannot_use_is_refused(value):
    with pytest.raises(ValueError, match="LINBANG_BCRYPT_ROUNDS"):
        users.bcrypt_rounds({"LINBANG_BCRYPT_ROUNDS": value})


def test_every_hash_and_the_dummy_one_take_the_configured_cost(db, now):
    """The cost read at start-up (tests/conftest.py sets 4 unless the environment names one) is that of
    every hash, the dummy one for unknown names too: a miss still costs what a wrong password costs."""
    user_id = users.register(db, username="cost", display_name="Cost", password="long enough 1", language="en", now=now)
    cost = f"$2b${users.bcrypt_rounds(os.environ):02d}$"
    assert db["users"].get(user_id)["password_hash"].startswith(cost)
    assert users._DUMMY_HASH.startswith(cost)
