"""labor-bot: ask, chat, kb (and, with the Telegram issue, run/serve).

Usage:
  labor-bot ask "泸州创业贷款最多贷好多" [--region luzhou] [--json] [--explain]
  labor-bot ask --jsonl < questions.txt
  labor-bot chat [--jsonl] [--user ID] [--db PATH]
  labor-bot kb list|show ID|search TERM|check
  labor-bot run [--db PATH]                  Telegram, long polling (needs TELEGRAM_BOT_TOKEN)
  labor-bot serve [--db PATH]                Telegram, webhook server (also TELEGRAM_WEBHOOK_SECRET)
  labor-bot wechat [--db PATH] [--set-menu] [--workers N]  WeChat 公众号 server (needs WECHAT_TOKEN)
  labor-bot announce --text … --audience all|luding|luzhou|topic:贷款 [--at TIME] --yes [--send]
  labor-bot audit [--limit N] [--json]
  labor-bot web [--db PATH]                  the staff desk, a web page (LABOR_BOT_WEB_LISTEN)
  labor-bot staff add NAME [--superadmin] | list | remove NAME
  labor-bot kb export-phrasings [--out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from bot.boundary import MAX_LINE_BYTES, clean_text, decode_line, dump_line, read_lines
from bot.config import Config, load_dotenv
from bot.kb import KBError
from bot.kb.texts import packaged_text
from bot.logsafe import install_redaction

log = logging.getLogger("bot.cli")
EXIT_TOKEN_REJECTED = 4  # run/serve: the Bot API refused TELEGRAM_BOT_TOKEN (documented in README)


def _out(obj) -> None:
    """One JSON line, always valid UTF-8."""
    sys.stdout.flush()
    sys.stdout.buffer.write(dump_line(obj))
    sys.stdout.buffer.flush()


def cmd_ask(args, config: Config) -> int:
    from bot.app import build_engine

    engine = build_engine(config, stateless=True)
    region = args.region

    def one(q: str) -> dict:
        match = engine.matcher.match(q, region=region)
        reply = "\n\n".join(r.text for r in engine.reply_for(match))
        out = {"question": q, "intent": match.intent, "measures": match.measures,
               "confidence": match.confidence, "reply": reply}
        if args.explain:
            out["explain"] = match.explain()
        return out

    if args.jsonl:
        for n, raw in enumerate(read_lines(sys.stdin.buffer), 1):
            if raw is None:  # refused, logged once, and the next line is answered
                log.warning("input line %d refused: longer than %d bytes", n, MAX_LINE_BYTES)
                _out({"error": f"line longer than {MAX_LINE_BYTES} bytes", "line": n})
            else:
                _out(one(decode_line(raw)))
        return 0
    if args.question is None:
        print("labor-bot ask: give a question, or --jsonl to read them from stdin", file=sys.stderr)
        return 2
    res = one(clean_text(args.question))
    if args.json:
        _out(res)
    else:
        print(res["reply"])
        if args.explain:
            print("\n--- explain ---")
            print(json.dumps({k: res[k] for k in ("intent", "measures", "confidence")} | res["explain"],
                             ensure_ascii=False, indent=1))
    return 0


def cmd_chat(args, config: Config) -> int:
    from handlers.console import run_console

    if args.db:
        config.db = args.db
    return asyncio.run(run_console(config, user=args.user, jsonl=args.jsonl))


def serve_forever(coro):
    """Run a server's main coroutine on uvloop (libuv: less CPU per socket event than asyncio's own loop, measured
    in benchmarks/telegram_throughput.py), or on asyncio's loop where uvloop is not installed (Windows)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


def _telegram(args, config: Config, mode: str) -> int:
    if args.db:
        config.db = args.db
    if not config.telegram_token:
        print(f"labor-bot {mode}: TELEGRAM_BOT_TOKEN is not set. Set it (see deploy/.env.example), "
              "or talk to the bot in this terminal with: labor-bot chat", file=sys.stderr)
        return 2
    if mode == "serve" and not config.webhook_secret:
        print("labor-bot serve: TELEGRAM_WEBHOOK_SECRET is not set; the webhook must be protected by a secret "
              "(any long random string, also given to setWebhook).", file=sys.stderr)
        return 2
    import signal

    from bot.app import build_engine, settle_heap
    from handlers.telegram import build_app, run_polling
    from handlers.telegram_start import TokenRejected
    from handlers.webhook import run_webhook

    async def main_loop() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        engine = build_engine(config)
        store = engine.store
        assert store is not None  # build_engine(config) opens config.db
        app = build_app(config, engine)
        settle_heap(engine)
        if mode == "run":
            await run_polling(app, stop)
        else:
            await run_webhook(app, config, stop)
        store.close()

    try:
        serve_forever(main_loop())
    except TokenRejected as e:
        print(f"labor-bot {mode}: {e}", file=sys.stderr)
        return EXIT_TOKEN_REJECTED
    return 0


def cmd_run(args, config: Config) -> int:
    return _telegram(args, config, "run")


def cmd_serve(args, config: Config) -> int:
    return _telegram(args, config, "serve")


def _positive(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 64:
        raise argparse.ArgumentTypeError(f"a number of processes from 1 to 64, got {raw!r}")
    return int(raw)


def cmd_wechat(args, config: Config) -> int:
    if args.db:
        config.db = args.db
    if not config.wechat_token:
        print("labor-bot wechat: WECHAT_TOKEN is not set. Set it to the Token of the 公众号 console (see "
              "deploy/.env.example), or talk to the bot in this terminal with: labor-bot chat", file=sys.stderr)
        return 2
    if args.workers > 1 and not args.set_menu:
        from bot.workers import run_workers

        passed = [x for name in ("db", "knowledge", "today") if getattr(args, name, None)
                  for x in (f"--{name}", getattr(args, name))]
        return run_workers(["wechat", *passed], args.workers)
    import signal

    from handlers.wechat import run_wechat

    async def main_loop() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        return await run_wechat(config, stop, set_menu=args.set_menu)

    return serve_forever(main_loop())


def cmd_announce(args, config: Config) -> int:
    from bot.announce.shell import cmd_announce as run

    return run(args, config)


def cmd_audit(args, config: Config) -> int:
    from bot.announce.shell import cmd_audit as run

    return run(args, config)


def cmd_web(args, config: Config) -> int:
    from bot.desk.shell import cmd_web as run

    return run(args, config)


def cmd_staff(args, config: Config) -> int:
    from bot.desk.shell import cmd_staff as run

    return run(args, config)


def cmd_kb(args, config: Config) -> int:
    if args.kb_command == "export-phrasings":
        from bot.desk.shell import export_phrasings

        return export_phrasings(args, config)
    from bot.kb import load_kb
    from bot.kb.inspect import kb_command

    kb = load_kb(config.knowledge)
    return kb_command(kb, args)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", help="knowledge folder (env LABOR_BOT_KNOWLEDGE)")
    common.add_argument("--today", help="pretend today is YYYY-MM-DD (env LABOR_BOT_TODAY)")
    p = argparse.ArgumentParser(prog="labor-bot", description=packaged_text("cli_description"))
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("ask", parents=[common], help="answer one question, or one per stdin line with --jsonl")
    a.add_argument("question", nargs="?", help="the question, as a user would type it")
    a.add_argument("--region", choices=["luding", "luzhou"], help="answer for this region")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.add_argument("--jsonl", action="store_true", help="read questions from stdin, one JSON line out each")
    a.add_argument("--explain", action="store_true", help="show why it matched: terms, synonyms, place, scores")
    a.set_defaults(func=cmd_ask)

    c = sub.add_parser("chat", parents=[common], help="interactive console chat (the embedded default)")
    c.add_argument("--jsonl", action="store_true", help='stdin lines {"text": …} or {"button": …}; JSON out')
    c.add_argument("--user", default="console", help="user id for stored state (default: console)")
    c.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    c.set_defaults(func=cmd_chat)

    r = sub.add_parser("run", parents=[common], help="Telegram bot, long polling (needs TELEGRAM_BOT_TOKEN)")
    r.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    r.set_defaults(func=cmd_run)
    w = sub.add_parser("serve", parents=[common],
                       help="Telegram bot, webhook server with secret check and /healthz (LABOR_BOT_LISTEN)")
    w.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    w.set_defaults(func=cmd_serve)

    wx = sub.add_parser("wechat", parents=[common],
                        help="WeChat 公众号 server (LABOR_BOT_WECHAT_LISTEN, WECHAT_PATH; needs WECHAT_TOKEN)")
    wx.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    wx.add_argument("--set-menu", action="store_true",
                    help="create the 公众号 menu from knowledge/wechat_menu.yaml, then exit")
    wx.add_argument("--workers", type=_positive, default=1, metavar="N",
                    help="N server processes on the one address and database (one per CPU; default 1)")
    wx.set_defaults(func=cmd_wechat)

    n = sub.add_parser("announce", parents=[common],
                       help="queue a staff announcement in the outbox the running bot drains (or --send it)")
    n.add_argument("--text", help="the notice (at most 3500 characters); - reads it from stdin")
    n.add_argument("--audience", help="all | luding | luzhou | topic:贷款 (names or ids; combine with commas: "
                                      "luzhou,topic:培训)")
    n.add_argument("--at", help="send later, Beijing time: '2026-12-01 09:00', '明天上午9点'")
    n.add_argument("--yes", action="store_true", help="confirm without asking (required when not on a terminal)")
    n.add_argument("--send", action="store_true", help="deliver from this process until done, over every configured channel")
    n.add_argument("--cancel", type=int, metavar="ID", help="call off a scheduled announcement that has not started")
    n.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    n.set_defaults(func=cmd_announce)
    au = sub.add_parser("audit", parents=[common], help="the audit log: who announced what, to whom, with outcomes")
    au.add_argument("--limit", type=int, default=50, help="newest N entries (default 50)")
    au.add_argument("--json", action="store_true", help="one JSON object per line")
    au.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    au.set_defaults(func=cmd_audit)

    wd = sub.add_parser("web", parents=[common], help="the staff desk: a web page on LABOR_BOT_WEB_LISTEN")
    wd.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    wd.set_defaults(func=cmd_web)
    st = sub.add_parser("staff", parents=[common], help="staff list shared by the desk and Telegram /admin")
    stsub = st.add_subparsers(dest="staff_command", required=True)
    sa = stsub.add_parser("add", help="add NAME (or keep them) and print a one-time sign-in link for the desk")
    sa.add_argument("name", help="the staff member's name as shown in the audit log")
    sa.add_argument("--superadmin", action="store_true", help="may add and remove staff on the desk's /staff page")
    sa.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    sl = stsub.add_parser("list", help="list staff, superadmins and open desk sessions")
    sl.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    sr = stsub.add_parser("remove", help="remove NAME and end their desk sessions")
    sr.add_argument("name", help="the staff member's name")
    sr.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    st.set_defaults(func=cmd_staff)

    k = sub.add_parser("kb", parents=[common], help="inspect the knowledge base")
    ksub = k.add_subparsers(dest="kb_command", required=True)
    kl = ksub.add_parser("list", help="list measures")
    kl.add_argument("--region", help="only this region")
    kl.add_argument("--json", action="store_true", help="a JSON list of objects with id")
    ks = ksub.add_parser("show", help="show one measure")
    ks.add_argument("id", help="measure id, e.g. luzhou-22")
    ks.add_argument("--json", action="store_true", help="the whole record as JSON, verbatim text under text")
    kq = ksub.add_parser("search", help="measures whose text, title or keywords contain a word")
    kq.add_argument("term", help="word to look for (traditional characters are fine)")
    kq.add_argument("--json", action="store_true", help="JSON output")
    ksub.add_parser("check", help="validate the knowledge files only")
    ke = ksub.add_parser("export-phrasings", help="phrasings taught on the staff desk, as YAML for review")
    ke.add_argument("--db", help="SQLite file (env LABOR_BOT_DB)")
    ke.add_argument("--out", help="write to this file (default: stdout)")
    k.set_defaults(func=cmd_kb)
    return p


def _utf8_streams() -> None:
    """Whatever the locale says (PYTHONIOENCODING=utf-8:strict, C): read and write UTF-8, never crash on a
    byte; undecodable input becomes U+FFFD."""
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors=errors)


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    load_dotenv()
    args = build_parser().parse_args(argv)
    config = Config.from_env()
    from bot.app import register_channels

    register_channels()
    logging.basicConfig(level=getattr(logging, config.log_level, logging.WARNING),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install_redaction([config.telegram_token, config.webhook_secret])  # before anything can log a secret
    if args.knowledge:
        config.knowledge = args.knowledge
    if args.today:
        import datetime as dt

        try:
            config.today = dt.date.fromisoformat(args.today)
        except ValueError:
            print("labor-bot: " + packaged_text("cli_bad_today", value=args.today), file=sys.stderr)
            return 2
    try:
        return args.func(args, config)
    except KBError as e:
        print("labor-bot: " + packaged_text("cli_knowledge_error", error=e), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head and closed early
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
