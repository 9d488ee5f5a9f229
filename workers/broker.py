"""kombu's Redis transport, with a fix for workers that exited when the broker went away.

kombu 5.7.0 / Celery 5.7.0: a worker waiting in BRPOP while holding unacknowledged messages (a
countdown task waiting for its ETA, as every catch-up does, or a task running with acks_late)
loses its Redis connection. Celery "collects" the broken connection: closing the channel fails
early on the dead socket, before the held messages are put back, and the transport is then
detached from the connection. Celery closes the connection again; this time the channel tries to
restore the held messages and builds a Redis client from the detached transport: AttributeError
("'NoneType' object has no attribute 'hostname'"). That is not a connection error, so Celery
treats it as fatal: "Unrecoverable error", the worker exits (status 0) instead of reconnecting.
Similar reports upstream: celery/kombu#582. 5.7.0 is the newest release available here.

The fix raises a connection error there instead, which that close path already ignores. Nothing
is lost: the held messages are still in Redis' unacked index (written when they were delivered)
and a live worker restores them after the visibility timeout; if Redis itself lost them, the
beat sweep re-enqueues the catch-up. tests/workers/test_broker_outage.py reproduces the crash.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

# Celery loads this class for redis:// and rediss:// broker URLs (see workers.app).
TRANSPORT = "workers.broker:Transport"


class Channel(kombu_redis.Channel):  # type: ignore[misc]
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:  # the transport was detached from its closed connection
            raise RedisConnectionError("the broker connection is already closed")
        params: dict[str, Any] = super()._connparams(asynchronous=asynchronous)  # type: ignore[no-untyped-call]
        return params


class Transport(kombu_redis.Transport):  # type: ignore[misc]
    Channel = Channel
