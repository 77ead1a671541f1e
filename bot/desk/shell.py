"""`labor-bot web`, `labor-bot staff add|list|remove` and `labor-bot kb export-phrasings`."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import sys
from pathlib import Path

from bot.config import Config


def _store(args, config: Config):
    from bot.store import Store

    if getattr(args, "db", None):
        config.db = args.db
    return Store(config.db)


def cmd_web(args, config: Config) -> int:
    from bot.app import build_matcher
    from bot.desk.web import Desk, DeskSettings, serve

    settings = DeskSettings.from_env()
    store = _store(args, config)
    kb, matcher = build_matcher(config, store)
    desk = Desk(store, kb, matcher, settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(desk, stop)

    try:
        asyncio.run(main())
    finally:
        store.close()
    return 0


def _actor() -> str:
    from bot.announce.shell import _actor as shell_actor

    return shell_actor()


def cmd_staff(args, config: Config) -> int:
    from bot.announce.outbox import Outbox
    from bot.desk.access import Access, StaffError
    from bot.desk.web import DeskSettings

    store = _store(args, config)
    try:
        access = Access(store)
        outbox = Outbox(store)
        if args.staff_command == "add":
            settings = DeskSettings.from_env()
            try:
                added = access.add(args.name, _actor(), superadmin=args.superadmin)
            except StaffError as e:
                print(f"labor-bot staff: {e}", file=sys.stderr)
                return 2
            name = args.name.strip()
            token = access.issue_link(name)
            outbox.audit(_actor(), "staff_add" if added else "link_issued", target=name, via="shell",
                         superadmin=bool(args.superadmin))
            print(f"{'added' if added else 'already staff:'} {name}{' (superadmin)' if args.superadmin else ''}",
                  file=sys.stderr)
            print(f"one-time sign-in link, valid 24 h (give it to {name} only):", file=sys.stderr)
            print(f"{settings.url}/login/{token}")
            return 0
        if args.staff_command == "remove":
            if not access.remove(args.name):
                print(f"labor-bot staff: {args.name!r} is not staff", file=sys.stderr)
                return 1
            outbox.audit(_actor(), "staff_remove", target=args.name, via="shell")
            print(f"removed {args.name} (signed out everywhere)")
            return 0
        rows = access.staff()
        for admin in sorted(config.admins):
            print(f"{admin}\tsuperadmin (LABOR_BOT_ADMINS, Telegram)")
        for r in rows:
            since = dt.datetime.fromtimestamp(r["added"] or 0).strftime("%Y-%m-%d")
            role = "superadmin" if r.get("superadmin") else "staff"
            sessions = access.active_sessions(r["user_id"])
            print(f"{r['user_id']}\t{role}\tadded {since} by {r.get('added_by') or '-'}\t{sessions} web session(s)")
        if not rows and not config.admins:
            print("no staff yet: labor-bot staff add NAME", file=sys.stderr)
        return 0
    finally:
        store.close()


def export_phrasings(args, config: Config) -> int:
    from bot.phrasings import export_yaml
    from bot.store import open_readonly

    db = open_readonly(args.db or config.db)
    try:
        text = export_yaml(db)
    finally:
        if db is not None:
            db.close()
    if args.out and args.out != "-":
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
