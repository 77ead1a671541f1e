"""`labor-bot announce` and `labor-bot audit`: the staff desk for people without Telegram.

announce queues into the outbox of the same database (LABOR_BOT_DB) that the running bot drains;
--send drains it from the shell instead, when no bot runs.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import signal
import sys
import time

from bot.announce.audience import AudienceError, Vocabulary, load_topics
from bot.announce.outbox import MAX_TEXT, Outbox
from bot.announce.when import WhenError, now_in_beijing, parse_when, show
from bot.channels import registry
from bot.config import Config
from bot.kb import load_kb
from bot.store import Store
from bot.textnorm import clean


def _fail(message: str, code: int = 2) -> int:
    print(f"labor-bot announce: {message}", file=sys.stderr)
    return code


def cmd_announce(args, config: Config) -> int:
    if args.db:
        config.db = args.db
    if args.cancel is not None:
        outbox = Outbox(Store(config.db))
        admin = is_root()  # in the shell, root is the admin; anyone else cancels only their own
        if outbox.cancel(args.cancel, _actor(), admin=admin):
            print(f"cancelled announcement #{args.cancel}")
            return 0
        if not outbox.may_cancel(args.cancel, _actor(), admin):
            author = (outbox.announcement(args.cancel) or {}).get("author")
            return _fail(f"#{args.cancel} was queued by {author}; only its author or an admin (root) may cancel it", 1)
        return _fail(f"#{args.cancel} is not a scheduled announcement that has not started", 1)
    if args.text is None or args.audience is None:
        return _fail("give --text and --audience (or --cancel ID)")
    text = clean(sys.stdin.read() if args.text == "-" else args.text)
    if not text:
        return _fail("the text is empty")
    if len(text) > MAX_TEXT:
        return _fail(f"the text has {len(text)} characters; at most {MAX_TEXT}")
    kb = load_kb(config.knowledge)
    vocab = Vocabulary(kb, load_topics(kb))
    try:
        audience = vocab.parse(args.audience)
    except AudienceError as e:
        return _fail(f"--audience: {e}")
    send_at = None
    if args.at:
        try:
            send_at = parse_when(args.at, now_in_beijing(time.time())).timestamp()
        except WhenError as e:
            return _fail(f"--at: {e.say(kb.texts)} (Beijing time, e.g. '2026-12-01 09:00')")
    if args.send and not registry.senders(config):
        needs = " or ".join(f"{c.needs} ({c.name})" for c in registry if c.push)
        return _fail(f"--send needs {needs} (or leave it out: the running bot sends what is queued)")
    store = Store(config.db)
    outbox = Outbox(store)
    count = outbox.count(audience)
    print(kb.texts["news_push"].format(text=text))
    print(f"--\naudience: {vocab.describe(audience, kb.texts)} ({audience.encode()}), {count} recipients now")
    print(f"send: {show(send_at) + ' (Beijing time)' if send_at else 'now'}")
    if not args.yes:
        if not (sys.stdin.isatty() and args.text != "-"):
            return _fail("not queued: add --yes to confirm", 1)
        if input("queue it? [y/N] ").strip().lower() not in ("y", "yes"):
            print("not queued")
            return 1
    actor = _actor()
    draft = outbox.new_draft(actor, "shell", text)
    outbox.update_draft(draft["id"], audience=audience.to_json())
    outbox.queue(draft["id"], actor, send_at or time.time(), count)
    print(f"queued announcement #{draft['id']}")
    if not args.send:
        return 0
    return asyncio.run(_send(config, store, kb.texts, draft["id"]))


def is_root() -> bool:
    """The shell's admin test (a function of its own, so a test can stand in for another user)."""
    return os.geteuid() == 0


def _actor() -> str:
    try:
        return f"shell:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"shell:{os.getuid()}"


async def _send(config: Config, store: Store, texts: dict[str, str], aid: int) -> int:
    """Deliver from this process over every configured push channel until the announcement is done, or
    only rows of channels this process cannot reach are left (it waits for a scheduled time)."""
    from contextlib import AsyncExitStack

    from bot.announce.sender import Sender

    def report(ann: dict, counts: dict, final: bool) -> None:
        if ann["id"] == aid:
            print(("done: " if final else "progress: ") + json.dumps(counts), file=sys.stderr, flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    outbox = Outbox(store)
    async with AsyncExitStack() as stack:
        deliverers = {}
        for channel in registry.senders(config):
            if channel.connect is not None:
                deliver = await stack.enter_async_context(channel.connect(config, store))
                if deliver is not None:
                    deliverers[channel.name] = deliver
        ours = tuple(deliverers)
        sender = Sender(outbox, deliverers, texts, rate=config.broadcast_rate,
                        concurrency=config.broadcast_concurrency, progress_every=config.progress_seconds,
                        report=report)

        def finished() -> bool:
            status = (outbox.announcement(aid) or {}).get("status")
            return status in ("done", "cancelled") or (status == "sending" and not outbox.left(aid, ours))

        await sender.run(stop, until=finished)
    row = outbox.announcement(aid) or {}
    if row.get("status") == "sending" and not stop.is_set():
        rest = outbox.counts_by_channel(aid)
        print("sent over " + ", ".join(ours) + "; the rest is sent by the running bot of its channel: "
              + json.dumps({c: n["pending"] + n["sending"] for c, n in rest.items() if c not in ours}),
              file=sys.stderr)
        return 0
    if row.get("status") != "done":
        print(f"stopped; announcement #{aid} stays queued and the bot (or another --send) continues it",
              file=sys.stderr)
        return 130 if stop.is_set() else 1
    print(json.dumps({k: row[k] for k in ("id", "recipients", "sent", "failed", "blocked", "skipped")}))
    return 0


def cmd_audit(args, config: Config) -> int:
    if args.db:
        config.db = args.db
    rows = Outbox(Store(config.db)).audit_log(args.limit)
    for r in reversed(rows):
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
        else:
            rest = {k: v for k, v in r.items() if k not in ("ts", "actor", "action", "announcement_id")}
            aid = f" #{r['announcement_id']}" if r["announcement_id"] else ""
            print(f"{show(r['ts'])} {r['actor']} {r['action']}{aid} {json.dumps(rest, ensure_ascii=False)}")
    return 0
