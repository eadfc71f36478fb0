"""Throttling per (realm, name, client) with a cap per name, pruning, and the global work limit."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from leerid_app import texts
from leerid_app.models import Administrator, AuditEvent, LoginThrottle
from leerid_app.services import auth, clock
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.identity import throttle
from leerid_app.services.identity.throttle import NAME_WIDE, Client, WorkLimit

PASSWORD = "LeerID-demo-2023"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
PEPPER = b"p" * 32


@pytest.fixture
def owner(session) -> Administrator:
    administrator = Administrator(
        username="beheerder",
        display_name="Beheerder",
        password_hash=get_password_hashing().hash(PASSWORD),
        created_at=NOW,
    )
    session.add(administrator)
    session.commit()
    return administrator


def _device_of_owner(session) -> Client:
    result = auth.authenticate(session, "beheerder", PASSWORD, client=_ip("10.0.0.1"), now=NOW)
    session.commit()
    assert result.ok and result.device_cookie
    return auth.client_of("beheerder", result.device_cookie, "10.0.0.1")


def _ip(address: str) -> Client:
    return auth.client_of("beheerder", "", address)


def test_an_attacker_elsewhere_cannot_keep_the_owner_out(session, owner) -> None:
    device = _device_of_owner(session)
    assert device.trusted
    # The attacker fails again each time the block ends, for an hour, from one address ...
    at = NOW
    for _ in range(40):
        result = auth.authenticate(session, "beheerder", "raden", client=_ip("6.6.6.6"), now=at)
        at += timedelta(seconds=max(result.retry_after_seconds, 1.0))
    session.commit()
    assert result.retry_after_seconds == 300.0  # the attacker sits at the cap
    assert (
        "Te veel"
        in auth.authenticate(
            session, "beheerder", PASSWORD, client=_ip("6.6.6.6"), now=at - timedelta(seconds=1)
        ).error
    )
    # ... and the owner's own browser still gets in at once.
    assert auth.authenticate(session, "beheerder", PASSWORD, client=device, now=at).ok


def test_many_addresses_share_one_cap_per_name(session, owner) -> None:
    free = 10  # login_name_free_attempts
    at = NOW
    outcomes = []
    for n in range(free + 1):
        # Every guess from a fresh address: per-client rows never block ...
        result = auth.authenticate(session, "beheerder", "raden", client=_ip(f"7.0.0.{n}"), now=at)
        outcomes.append(result.retry_after_seconds)
        at += timedelta(milliseconds=10)
    assert outcomes[: free - 1] == [0.0] * (free - 1)
    assert outcomes[free - 1 :] == [2.0, pytest.approx(1.99)]  # the 11th waits, unverified
    # ... but the name is blocked for untrusted clients, even with the right password.
    blocked = auth.authenticate(session, "beheerder", PASSWORD, client=_ip("8.8.8.8"), now=at)
    assert not blocked.ok and "Te veel" in blocked.error


def test_device_cookies_are_bound_to_realm_and_name_and_expire() -> None:
    with clock.frozen(NOW):
        cookie = throttle.issue_device_cookie(PEPPER, "admin", "Beheerder ")
        assert throttle.device_id(PEPPER, "admin", "beheerder", cookie)
        assert throttle.device_id(PEPPER, "pupil", "beheerder", cookie) is None
        assert throttle.device_id(PEPPER, "admin", "beheerder.b", cookie) is None
        assert throttle.device_id(b"q" * 32, "admin", "beheerder", cookie) is None
        nonce, issued, mac = cookie.split(".")
        forged = f"{nonce}.{int(issued) + 1}.{mac}"
        assert throttle.device_id(PEPPER, "admin", "beheerder", forged) is None
        for junk in (None, "", 5, "a.b", "a.b.c", "x" * 500, ["a"]):
            assert throttle.device_id(PEPPER, "admin", "beheerder", junk) is None
    with clock.frozen(NOW + timedelta(days=throttle.DEVICE_COOKIE_DAYS + 1)):
        assert throttle.device_id(PEPPER, "admin", "beheerder", cookie) is None


def test_old_rows_are_pruned(session, owner) -> None:
    for n in range(5):
        auth.authenticate(session, f"naam{n}", "raden", client=_ip("1.1.1.1"), now=NOW)
    session.commit()
    assert len(session.exec(select(LoginThrottle)).all()) == 10
    later = NOW + throttle.FORGET_AFTER + timedelta(minutes=1)
    assert throttle.prune(session, now=later) == 10
    session.commit()
    assert session.exec(select(LoginThrottle)).all() == []


def test_a_blocked_row_is_not_pruned(session, owner) -> None:
    session.add(
        LoginThrottle(
            realm="admin",
            login_key="beheerder",
            client_key=NAME_WIDE,
            failures=40,
            last_failure_at=NOW - timedelta(days=2),
            blocked_until=NOW + timedelta(minutes=1),
        )
    )
    session.commit()
    assert throttle.prune(session, now=NOW) == 0


def test_the_work_limit_refuses_before_any_write_or_hash(session, owner, monkeypatch) -> None:
    monkeypatch.setattr(throttle, "_work_limit", WorkLimit(3))
    hashing = get_password_hashing()
    verified = []
    monkeypatch.setattr(type(hashing), "verify", lambda self, h, p: verified.append(p) or False)
    results = [
        auth.authenticate(session, f"naam{n}", "raden", client=_ip(f"9.0.0.{n}"), now=NOW)
        for n in range(5)
    ]
    session.commit()
    assert [r.error for r in results] == [texts.LOGIN_FAILED] * 3 + [texts.LOGIN_BUSY] * 2
    assert len(verified) == 3
    assert len(session.exec(select(AuditEvent)).all()) == 3
    assert {row.login_key for row in session.exec(select(LoginThrottle)).all()} == {
        "naam0",
        "naam1",
        "naam2",
    }


def test_work_limit_is_a_moving_window_per_realm() -> None:
    limit = WorkLimit(5)
    assert [limit.try_acquire("admin") for _ in range(6)] == [True] * 5 + [False]
    assert limit.try_acquire("pupil")  # another realm has its own budget
    time.sleep(1.05)
    assert limit.try_acquire("admin")
