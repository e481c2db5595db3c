"""The cost of password hashes is a setting: strong by default, cheap only for the tests."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters
from pydantic import ValidationError
from sqlalchemy import select

from app import accounts
from app.db import transaction
from app.models import User
from app.security import check_password, password_hasher
from app.settings import Settings


def test_production_keeps_the_strong_argon2id_parameters(monkeypatch):
    monkeypatch.delenv("XKMT_PASSWORD_HASH_COST")  # set by the tests' conftest
    cost = Settings().password_hash_cost
    assert cost == "strong"
    hasher = password_hasher(cost)
    # RFC 9106's low-memory profile, argon2-cffi's default before this was a setting
    assert (hasher.type, hasher.time_cost, hasher.memory_cost, hasher.parallelism,
            hasher.hash_len, hasher.salt_len) == (Type.ID, 3, 64 * 1024, 4, 32, 16)


def test_a_production_hash_is_strong_and_verifies(demo):
    hasher = password_hasher(Settings(password_hash_cost="strong").password_hash_cost)
    with transaction(demo) as session:
        password = accounts.add(session, "ca_xa", "police", ["15178"], [], hasher=hasher)
    with demo() as session:
        user = session.scalar(select(User).where(User.username == "ca_xa"))
    stored = user.password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert extract_parameters(stored) == extract_parameters(hasher.hash("x"))
    assert not hasher.check_needs_rehash(stored)
    assert check_password(user, password, hasher)
    assert not check_password(user, password + "x", hasher)
    assert not check_password(None, password, hasher)  # no account: the dummy hash


def test_the_test_cost_is_cheap_and_distinct(settings):
    assert settings.password_hash_cost == "test"
    cheap = password_hasher("test").hash("x")
    assert extract_parameters(cheap).memory_cost < 64 * 1024
    assert password_hasher("strong").check_needs_rehash(cheap)


@pytest.mark.parametrize("value", ["weak", "", "STRONG "])
def test_an_unknown_cost_is_refused(monkeypatch, value):
    monkeypatch.setenv("XKMT_PASSWORD_HASH_COST", value)
    with pytest.raises(ValidationError, match="password_hash_cost"):
        Settings()
