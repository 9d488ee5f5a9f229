"""Create, list, revoke and check API keys with scopes read < write < admin."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.errors import Conflict, InvalidEvent, NotFound
from ledger.keys.models import ApiKey

KEY_PREFIX = "ll_"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
# A key given by the operator (LOOPLEDGER_ADMIN_KEY) must be as hard to guess as a generated one.
MIN_KEY_LENGTH = 32


class Scope(enum.StrEnum):
    """Each scope includes the ones before it: read < write < admin."""

    read = "read"
    write = "write"
    admin = "admin"

    def allows(self, needed: Scope) -> bool:
        order = list(Scope)
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class Caller:
    name: str
    scope: Scope


def _hash(salt: str, key: str) -> str:
    # Keys are 256-bit random tokens, so a fast salted hash is as strong as a slow KDF here and
    # keeps the check (done on every request) cheap; the salt makes stored hashes unlinkable.
    return hashlib.sha256(bytes.fromhex(salt) + key.encode()).hexdigest()


def generate() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def create(session: Session, *, name: str, scope: Scope, key: str | None = None, now: dt.datetime | None = None) -> str:
    """Store a new key (generated unless given) under a fresh name and return the key itself."""
    if not re.fullmatch(NAME_PATTERN, name):
        raise InvalidEvent("a key name is 1 to 100 letters, digits, '.', '_' or '-'", loc=("name",))
    key = key if key is not None else generate()
    if len(key) < MIN_KEY_LENGTH or not key.isprintable() or key != key.strip():
        raise InvalidEvent(f"a key is at least {MIN_KEY_LENGTH} printable characters without spaces", loc=("key",))
    if session.get(ApiKey, name) is not None:
        raise Conflict(f"a key named {name!r} exists (revoked keys keep their name)", loc=("name",))
    salt = secrets.token_hex(16)
    session.add(ApiKey(name=name, scope=scope.name, salt=salt, key_hash=_hash(salt, key), created_at=now or dt.datetime.now(dt.UTC)))
    session.flush()
    return key


def get_all(session: Session) -> list[ApiKey]:
    return list(session.scalars(sa.select(ApiKey).order_by(col(ApiKey.created_at), col(ApiKey.name))))


def revoke(session: Session, *, name: str, now: dt.datetime | None = None) -> ApiKey:
    record = session.get(ApiKey, name)
    if record is None:
        raise NotFound(f"no key named {name!r}", loc=("name",))
    if record.revoked_at is None:
        record.revoked_at = now or dt.datetime.now(dt.UTC)
    return record


def ensure(session: Session, *, name: str, scope: Scope, key: str) -> bool:
    """Make `key` the active key called `name` (the operator's key from the environment);
    True when something was written."""
    record = session.get(ApiKey, name)
    active = record is not None and record.revoked_at is None and record.scope == scope.name
    if active and record is not None and hmac.compare_digest(record.key_hash, _hash(record.salt, key)):
        return False
    if record is not None:
        session.delete(record)
        session.flush()
    create(session, name=name, scope=scope, key=key)
    return True


def authenticate(session: Session, *, key: str) -> Caller | None:
    """The caller holding `key`, or None when no active key matches."""
    # Only salted hashes are stored, so each active key is checked in turn; there are few keys.
    rows = session.execute(
        sa.select(col(ApiKey.name), col(ApiKey.scope), col(ApiKey.salt), col(ApiKey.key_hash)).where(col(ApiKey.revoked_at).is_(None))
    )
    for name, scope, salt, key_hash in rows:
        if hmac.compare_digest(key_hash, _hash(salt, key)):
            return Caller(name=name, scope=Scope[scope])
    return None
