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

LINK_HOURS = 24
_NAME = re.compile(r"^[^\s/\\<>\"'&?#%]{1,32}$")

SCHEMA = (
    "create table if not exists desk_links (hash text primary key, staff text not null, created real not null, "
    "expires real not null, used real)",
    "create table if not exists desk_sessions (hash text primary key, staff text not null, csrf text not null, "
    "created real not null, expires real not null)",
    "create index if not exists desk_sessions_staff on desk_sessions (staff)",
)


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
    def __init__(self, db, clock: Callable[[], float] = time.time):
        """db: a sqlite_utils Database (the Store's)."""
        self.db, self.clock = db, clock
        for sql in SCHEMA:
            db.execute(sql)
        if "superadmin" not in db["staff"].columns_dict:  # staff made by /admin before the desk existed
            db["staff"].add_column("superadmin", int)
        db.conn.commit()

    def _commit(self) -> None:
        self.db.conn.commit()

    # -- the staff list -------------------------------------------------------------------------------------
    def staff(self) -> list[dict]:
        return [dict(r) for r in self.db["staff"].rows_where(order_by="added")]

    def member(self, name: str) -> dict | None:
        rows = list(self.db["staff"].rows_where("user_id = ?", [name]))
        return rows[0] if rows else None

    def add(self, name: str, by: str, superadmin: bool = False) -> bool:
        """Adds NAME (True) or keeps an existing member (False); --superadmin is granted either way."""
        name = valid_name(name)
        n = self.db.execute("insert or ignore into staff (user_id, added_by, added, superadmin) values (?, ?, ?, ?)",
                            [name, by, self.clock(), int(superadmin)]).rowcount
        if superadmin:
            self.db.execute("update staff set superadmin = 1 where user_id = ?", [name])
        self._commit()
        return n == 1

    def remove(self, name: str) -> bool:
        """Removes a member with their links and sessions (signed out at once)."""
        n = self.db.execute("delete from staff where user_id = ?", [name]).rowcount
        self.db.execute("delete from desk_links where staff = ?", [name])
        self.db.execute("delete from desk_sessions where staff = ?", [name])
        self._commit()
        return n > 0

    # -- sign-in links ----------------------------------------------------------------------------------------
    def issue_link(self, name: str, hours: float = LINK_HOURS) -> str:
        """A new one-time token for a member; earlier unused links of theirs stay valid until they expire."""
        if self.member(name) is None:
            raise StaffError(f"{name!r} is not staff")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        self.db.execute("insert into desk_links (hash, staff, created, expires) values (?, ?, ?, ?)",
                        [digest(token), name, now, now + hours * 3600])
        self.db.execute("delete from desk_links where expires < ?", [now - 7 * 86400])
        self._commit()
        return token

    def link_status(self, token: str) -> tuple[str, str | None]:
        """('ok', staff) | ('used', staff) | ('expired', staff) | ('unknown', None), without using it."""
        row = self.db.execute("select l.staff, l.expires, l.used, s.user_id from desk_links l left join staff s "
                              "on s.user_id = l.staff where l.hash = ?", [digest(token)]).fetchone()
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
        with self.db.conn:
            row = self.db.execute("update desk_links set used = ? where hash = ? and used is null and expires >= ? "
                                  "and staff in (select user_id from staff) returning staff",
                                  [now, digest(token), now]).fetchall()
            if not row:
                return None
            row = row[0]
            cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            expires = now + session_hours * 3600
            self.db.execute("insert into desk_sessions (hash, staff, csrf, created, expires) values (?, ?, ?, ?, ?)",
                            [digest(cookie), row[0], csrf, now, expires])
            self.db.execute("delete from desk_sessions where expires < ?", [now])
        member = self.member(row[0]) or {}
        return cookie, Session(row[0], csrf, bool(member.get("superadmin")), expires)

    # -- sessions -------------------------------------------------------------------------------------------
    def session(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        row = self.db.execute("select s.staff, s.csrf, s.expires, st.superadmin from desk_sessions s join staff st "
                              "on st.user_id = s.staff where s.hash = ? and s.expires > ?",
                              [digest(cookie), self.clock()]).fetchone()
        return Session(row[0], row[1], bool(row[3]), row[2]) if row else None

    def end(self, cookie: str) -> None:
        self.db.execute("delete from desk_sessions where hash = ?", [digest(cookie)])
        self._commit()

    def active_sessions(self, name: str) -> int:
        return self.db.execute("select count(*) from desk_sessions where staff = ? and expires > ?",
                               [name, self.clock()]).fetchone()[0]


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens (a missing one never matches)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())
