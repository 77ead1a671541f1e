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

from bot.announce.actions import audit_line
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
    """Every line staff read here is a text of the knowledge base (knowledge/texts.yaml: cli_*, staff_*)."""
    if args.db:
        config.db = args.db
    kb = load_kb(config.knowledge)
    t = kb.texts
    if args.cancel is not None:
        outbox = Outbox(Store(config.db))
        admin = is_root()  # in the shell, root is the admin; anyone else cancels only their own
        if outbox.cancel(args.cancel, _actor(), admin=admin):
            print(t["staff_unscheduled"].format(id=args.cancel))
            return 0
        if not outbox.may_cancel(args.cancel, _actor(), admin):
            author = (outbox.announcement(args.cancel) or {}).get("author")
            return _fail(t["cli_cancel_not_yours"].format(id=args.cancel, author=author), 1)
        return _fail(t["staff_cannot_unschedule"].format(id=args.cancel), 1)
    if args.text is None or args.audience is None:
        return _fail(t["cli_announce_usage"])
    text = clean(sys.stdin.read() if args.text == "-" else args.text)
    if not text:
        return _fail(t["cli_text_empty"])
    if len(text) > MAX_TEXT:
        return _fail(t["staff_too_long"].format(length=len(text), limit=MAX_TEXT))
    vocab = Vocabulary(kb, load_topics(kb))
    try:
        audience = vocab.parse(args.audience)
    except AudienceError as e:
        return _fail(t["cli_bad_audience"].format(problem=e.say(t)))
    send_at = None
    if args.at:
        try:
            send_at = parse_when(args.at, now_in_beijing(time.time())).timestamp()
        except WhenError as e:
            return _fail(t["cli_bad_at"].format(problem=e.say(t)))
    if args.send and not registry.senders(config):
        needs = "、".join(f"{c.needs}（{registry.label(c.name, t)}）" for c in registry if c.push)
        return _fail(t["cli_send_needs"].format(needs=needs))
    store = Store(config.db)
    outbox = Outbox(store)
    count = outbox.count(audience)
    print(t["news_push"].format(text=text))
    print(t["cli_preview"].format(audience=vocab.describe(audience, t), code=audience.encode(), count=count,
                                  when=t["cli_at"].format(when=show(send_at)) if send_at else t["staff_now"]))
    if not args.yes:
        if not (sys.stdin.isatty() and args.text != "-"):
            return _fail(t["cli_need_yes"], 1)
        if input(t["cli_confirm"]).strip().lower() not in ("y", "yes"):
            print(t["cli_not_queued"])
            return 1
    actor = _actor()
    draft = outbox.new_draft(actor, "shell", text)
    outbox.update_draft(draft["id"], audience=audience.to_json())
    outbox.queue(draft["id"], actor, send_at or time.time(), count)
    print(t["cli_queued"].format(id=draft["id"]))
    if not args.send:
        return 0
    return asyncio.run(_send(config, store, t, draft["id"]))


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
        """What a Telegram author is told (news_progress, news_done), on stderr."""
        if ann["id"] == aid:
            left = counts.get("pending", 0) + counts.get("sending", 0)
            eta = max(1, round(left / config.broadcast_rate / 60)) if left else 0
            outcome = {k: counts.get(k, 0) for k in ("sent", "failed", "blocked", "skipped")}
            print(texts["news_done" if final else "news_progress"].format(
                id=aid, total=sum(counts.values()), eta=eta, **outcome), file=sys.stderr, flush=True)

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
        left = "、".join(texts["cli_left_item"].format(channel=registry.label(c, texts), n=n["pending"] + n["sending"])
                        for c, n in rest.items() if c not in ours)
        sent_over = "、".join(registry.label(c, texts) for c in ours)
        print(texts["cli_sent_elsewhere"].format(channels=sent_over, left=left), file=sys.stderr)
        return 0
    if row.get("status") != "done":
        print(texts["cli_stopped"].format(id=aid), file=sys.stderr)
        return 130 if stop.is_set() else 1
    print(json.dumps({k: row[k] for k in ("id", "recipients", "sent", "failed", "blocked", "skipped")}))  # for scripts
    return 0


def cmd_audit(args, config: Config) -> int:
    """The audit log, oldest first: worded as Telegram's /admin log words it, or every field with --json."""
    if args.db:
        config.db = args.db
    rows = Outbox(Store(config.db)).audit_log(args.limit)
    texts = None if args.json else load_kb(config.knowledge).texts
    for r in reversed(rows):
        print(json.dumps(r, ensure_ascii=False) if texts is None else audit_line(texts, r))
    return 0
