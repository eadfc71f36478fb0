"""Look for secrets everywhere in a Redis: every database, key and value, pickles unpacked."""

from __future__ import annotations

import contextlib
import io
import pickle
import zlib
from collections.abc import Iterator, Sequence

import redis

PROBE_KEY = "leerid-test-scan-probe"


class Secrets(tuple):
    """The values looked for; never shown in a failure report or log."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} secrets>"


class _Anything:
    """Stands in for any class a pickle names: keeps whatever it is built or set with."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.args, self.kwargs = args, kwargs

    def __setstate__(self, state: object) -> None:
        self.state = state

    def __call__(self, *args: object, **kwargs: object) -> _Anything:
        return _Anything(*args, **kwargs)


class _TolerantUnpickler(pickle.Unpickler):
    """Unpickles without importing anything: every class becomes an _Anything."""

    def find_class(self, module: str, name: str) -> type:
        return _Anything


def _strings(value: object, depth: int = 0) -> Iterator[bytes]:
    """Every str and bytes inside an unpickled object, as UTF-8 bytes."""
    if depth > 60:
        return
    if isinstance(value, str):
        yield value.encode("utf-8", "surrogatepass")
    elif isinstance(value, bytes | bytearray):
        yield bytes(value)
        yield from _blobs(bytes(value), depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, depth + 1)
            yield from _strings(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item, depth + 1)
    elif isinstance(value, _Anything):
        yield from _strings(value.args, depth + 1)
        yield from _strings(value.kwargs, depth + 1)
        yield from _strings(getattr(value, "state", None), depth + 1)
        yield from _strings(value.__dict__, depth + 1)


def _blobs(data: bytes, depth: int = 0) -> Iterator[bytes]:
    """The raw bytes, and what they hold when they are a pickle or compressed."""
    yield data
    with contextlib.suppress(Exception):
        yield from _strings(_TolerantUnpickler(io.BytesIO(data)).load(), depth + 1)
    with contextlib.suppress(Exception):
        yield from _blobs(zlib.decompress(data), depth + 1)


def _values(client: redis.Redis, key: bytes) -> Iterator[bytes]:
    kind = client.type(key).decode()
    yield key
    dumped = client.dump(key)
    if dumped:
        yield dumped
    if kind == "string":
        yield client.get(key) or b""
    elif kind == "hash":
        for field, value in client.hgetall(key).items():
            yield field
            yield value
    elif kind == "list":
        yield from client.lrange(key, 0, -1)
    elif kind == "set":
        yield from client.smembers(key)
    elif kind == "zset":
        yield from (member for member, _score in client.zrange(key, 0, -1, withscores=True))
    elif kind == "stream":
        for _id, fields in client.xrange(key):
            for field, value in fields.items():
                yield field
                yield value


def everything_in(client: redis.Redis) -> Iterator[bytes]:
    """Every key and value of every database of the server, unpacked as far as it goes."""
    databases = [int(name.removeprefix("db")) for name in client.info("keyspace")]
    host, port = (
        client.connection_pool.connection_kwargs["host"],
        client.connection_pool.connection_kwargs["port"],
    )
    for db in databases:
        per_db = redis.Redis(host=host, port=port, db=db)
        for key in per_db.scan_iter(count=500):
            for value in _values(per_db, key):
                yield from _blobs(value)


def found_in_redis(client: redis.Redis, secrets: Sequence[str]) -> Secrets:
    """Which of the secrets appear anywhere in Redis, in clear."""
    wanted = {secret: secret.encode() for secret in secrets}
    found: set[str] = set()
    for blob in everything_in(client):
        found |= {secret for secret, raw in wanted.items() if raw in blob}
    return Secrets(sorted(found))


def assert_not_in_redis(client: redis.Redis, secrets: Sequence[str]) -> None:
    """None of the secrets is in Redis; first proven able to find one inside a pickle."""
    secrets = Secrets(secrets)
    probe = "Probe-" + secrets[0][::-1]
    client.set(PROBE_KEY, pickle.dumps({"nested": [("x", probe.encode())]}))
    try:
        assert found_in_redis(client, [probe]) == (probe,), "the scan cannot see a pickled value"
    finally:
        client.delete(PROBE_KEY)
    assert client.dbsize() > 0, "Redis is empty: the app does not keep its state there"
    found = found_in_redis(client, secrets)
    assert not found, f"{len(found)} of {len(secrets)} secrets are stored in Redis in clear"
