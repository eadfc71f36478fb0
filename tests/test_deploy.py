"""The production launcher's own rules (the running setup is tested in tests/scale/)."""

from __future__ import annotations

import pytest

from leerid_app import deploy


def test_the_front_balances_over_every_app_process_without_stickiness(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = deploy.main(
        [
            "front",
            "--port",
            "3000",
            "--app",
            "10.0.0.11:8001",
            "--app",
            "10.0.0.12:8001",
            "--print-config",
        ]
    )
    config = capsys.readouterr().out
    assert status == 0
    assert "bind 127.0.0.1:3000" in config
    assert "server app1 10.0.0.11:8001 check" in config
    assert "server app2 10.0.0.12:8001 check" in config
    assert "balance roundrobin" in config
    assert "option httpchk GET /ping" in config
    # State lives in Redis: no cookie or source stickiness that would hide a broken setup.
    assert "cookie" not in config
    assert "balance source" not in config


def test_several_workers_without_redis_are_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    assert deploy.main(["app", "--workers", "3"]) == 2
    assert "REFLEX_REDIS_URL" in capsys.readouterr().err
