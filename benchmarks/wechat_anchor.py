"""The anchor for benchmarks/wechat.py: a bare aiohttp server that answers every WeChat push with a fixed
passive text reply (parsing the XML, nothing else: no signature, no database, no engine). Measured the same
way in the same run as `labor-bot wechat`, it shows what the load client and HTTP on this machine cost.

  LABOR_BOT_WECHAT_LISTEN=127.0.0.1:8090 python benchmarks/wechat_anchor.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.wechat_crypto import message_from, parse_xml, text_reply  # noqa: E402


async def push(request: web.Request) -> web.Response:
    msg = message_from(parse_xml(await request.read()))
    return web.Response(text=text_reply(msg.from_user, msg.to_user, "好的"), content_type="application/xml")


async def health(_: web.Request) -> web.Response:
    return web.Response(text="ok")


def main() -> None:
    host, port = os.environ.get("LABOR_BOT_WECHAT_LISTEN", "127.0.0.1:8090").rsplit(":", 1)
    app = web.Application()
    app.router.add_post(os.environ.get("WECHAT_PATH", "/wechat"), push)
    app.router.add_get("/healthz", health)
    web.run_app(app, host=host, port=int(port), print=None, backlog=1024)


if __name__ == "__main__":
    main()
