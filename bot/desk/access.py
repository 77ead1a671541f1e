"""Who may use the desk: one staff list (the `staff` table the Telegram /admin uses too), one-time sign-in
links and sessions. No passwords; only SHA-256 hashes of links and session cookies are stored, so a copy
of the database lets nobody in."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.store.desk import AccessStore

LINK_HOURS = 24
_NAME = re.compile(r"^[^\s/\\<>\"'&?#%]{1,32}$")

class StaffError(ValueError):
    """A staff name we cannot use; str() says why."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def valid_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise StaffError("a staff name is 1 to 32 characters without spaces or any of / \\ < > \" ' & ? # %")
    return name


@dataclass(frozen=True)
class Session:
    staff: str
    csrf: str
    superadmin: bool
    expires: float


class Access:
    def __init__(self, store, clock: Callable[[], float] = time.time):
        """store: the Store (or its database); the queries are bot/store/desk.py's."""
        self.q, self.clock = AccessStore(getattr(store, "db", store)), clock

    # -- the staff list -------------------------------------------------------------------------------------
    def staff(self) -> list[dict]:
        return self.q.staff()

    def member(self, name: str) -> dict | None:
        return self.q.member(name)

    def add(self, name: str, by: str, superadmin: bool = False) -> bool:
        """Adds NAME (True) or keeps an existing member (False); --superadmin is granted either way."""
        return self.q.add(valid_name(name), by, superadmin, self.clock())

    def remove(self, name: str) -> bool:
        """Removes a member with their links and sessions (signed out at once)."""
        return self.q.remove(name)

    # -- sign-in links ----------------------------------------------------------------------------------------
    def issue_link(self, name: str, hours: float = LINK_HOURS) -> str:
        """A new one-time token for a member; earlier unused links of theirs stay valid until they expire."""
        if self.member(name) is None:
            raise StaffError(f"{name!r} is not staff")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        self.q.add_link(digest(token), name, now, now + hours * 3600)
        return token

    def link_status(self, token: str) -> tuple[str, str | None]:
        """('ok', staff) | ('used', staff) | ('expired', staff) | ('unknown', None), without using it."""
        row = self.q.link(digest(token))
        if row is None or row[3] is None:
            return "unknown", None
        if row[2] is not None:
            return "used", row[0]
        if row[1] < self.clock():
            return "expired", row[0]
        return "ok", row[0]

    def use_link(self, token: str, session_hours: float) -> tuple[str, Session] | None:
        """Consume a valid link (atomically: one winner) and open a session; (cookie value, session)."""
        now = self.clock()
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = now + session_hours * 3600
        name = self.q.use_link(digest(token), now, digest(cookie), csrf, expires)
        if name is None:
            return None
        member = self.member(name) or {}
        return cookie, Session(name, csrf, bool(member.get("superadmin")), expires)

    # -- sessions -------------------------------------------------------------------------------------------
    def session(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        row = self.q.session(digest(cookie), self.clock())
        return Session(row[0], row[1], bool(row[3]), row[2]) if row else None

    def end(self, cookie: str) -> None:
        self.q.end(digest(cookie))

    def active_sessions(self, name: str) -> int:
        return self.q.active_sessions(name, self.clock())


def same(a: object, b: object) -> bool:
    """Constant-time comparison of two tokens, each compared as str() (a form field may be any value the client
    sent; a missing or empty one never matches)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())
