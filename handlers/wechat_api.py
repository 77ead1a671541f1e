"""The WeChat 公众号 HTTP API: access token (shared by workers through the database), customer-service
messages, template messages and the menu. Errors become the announcement sender's delivery errors.

Access token: `POST /cgi-bin/stable_token`, cached in the database with its expiry so that every worker and
a restart reuse it; refreshed five minutes before it expires, and once more when a call answers 40001,
40014 or 42001 (another worker's newer token is taken first). Neither the token nor the AppSecret is ever
logged: errors are described by the API path and errcode only, never by the URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

import aiohttp

from bot.announce.sender import Blocked, ChannelPaused, KeptUnread, Transient, Undeliverable
from bot.announce.when import BEIJING
from bot.channel_state import ChannelState
from bot.pacer import ANNOUNCE, REPLY, Pacer
from bot.store import Store

log = logging.getLogger(__name__)

CHANNEL = "wechat"
TOKEN_KEY = "access_token"
REFRESH_BEFORE = 300.0  # seconds before expiry a token is replaced
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid, invalid, expired: refresh once and try again
WINDOW = 48 * 3600.0  # customer-service messages reach a user this long after their last message
WINDOW_MARGIN = 600.0  # … less a margin, rather than a 45015 round trip
MAX_BYTES = 2048  # WeChat's limit for one text message, UTF-8 bytes
TIMEOUT = aiohttp.ClientTimeout(total=10)


class WeChatError(Exception):
    def __init__(self, errcode: int, errmsg: str, path: str):
        super().__init__(f"{path}: errcode {errcode} {errmsg}")
        self.errcode, self.errmsg, self.path = errcode, errmsg, path


class WeChatNetworkError(Exception):
    """The API could not be reached or answered garbage (described without the URL: it holds the token)."""


def user_key(openid: str) -> str:
    return f"last_in:{openid}"


def openid_of(chat_id: str) -> str:
    return chat_id.split(":", 1)[1] if chat_id.startswith(CHANNEL + ":") else chat_id


def split_bytes(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Chunks of at most `limit` UTF-8 bytes, cut at line ends (a line alone too long is cut between
    characters). Order is kept; empty chunks are dropped."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line.encode()) > limit:
            cut = len(line.encode()[:limit].decode("utf-8", "ignore"))
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [c for c in chunks if c.strip()]


def next_quota_reset(now: float) -> float:
    """WeChat's daily quotas reset at midnight Beijing time."""
    day = dt.datetime.fromtimestamp(now, BEIJING).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0, 0, 5), BEIJING).timestamp()


class WeChatAPI:
    def __init__(self, base_url: str, app_id: str, app_secret: str, state: ChannelState,
                 template_id: str | None = None, clock=time.time, pacer: Pacer | None = None):
        self.base_url = base_url.rstrip("/")
        # every message sent (replies and announcements) waits for its turn here: the channel's one pacer
        self.pacer = pacer if pacer is not None else Pacer(None)
        self.app_id, self._secret, self.state = app_id, app_secret, state
        self.template_id, self.clock = template_id, clock
        self._session: aiohttp.ClientSession | None = None
        self._token_lock = asyncio.Lock()

    def __repr__(self) -> str:  # never the secret
        return f"WeChatAPI({self.base_url!r}, app_id={self.app_id!r})"

    @classmethod
    def from_config(cls, config, store: Store) -> "WeChatAPI":
        from bot.channels import registry

        return cls(config.wechat_api_base_url, config.wechat_app_id, config.wechat_app_secret, ChannelState(store),
                   template_id=config.wechat_template_id, pacer=registry.pacer(CHANNEL, config))

    async def __aenter__(self) -> "WeChatAPI":
        self._session = aiohttp.ClientSession(timeout=TIMEOUT, trust_env=False,
                                              connector=aiohttp.TCPConnector(limit=64))
        return self

    async def __aexit__(self, *exc) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- HTTP ---------------------------------------------------------------------------------------------
    async def _request(self, method: str, path: str, params: dict[str, str], body: dict | None) -> dict:
        if self._session is None:
            raise RuntimeError("WeChatAPI used outside `async with`")
        try:
            async with self._session.request(method, self.base_url + path, params=params,
                                             json=body if body is not None else None) as resp:
                if resp.status >= 500 or resp.status == 429:
                    raise WeChatNetworkError(f"{path}: HTTP {resp.status}")
                data = await resp.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as e:
            raise WeChatNetworkError(f"{path}: {type(e).__name__}") from None
        if not isinstance(data, dict):
            raise WeChatNetworkError(f"{path}: not a JSON object")
        if data.get("errcode"):
            raise WeChatError(int(data["errcode"]), str(data.get("errmsg", "")), path)
        return data

    # -- access token ----------------------------------------------------------------------------------------
    async def token(self, stale: str | None = None) -> str:
        """A valid access token; `stale`: the one a call just refused, to be replaced."""
        async with self._token_lock:
            value, expires = self.state.get_with_expiry(CHANNEL, TOKEN_KEY)
            if value and value != stale and (expires or 0) - self.clock() > REFRESH_BEFORE:
                return value
            data = await self._request("POST", "/cgi-bin/stable_token", {}, {
                "grant_type": "client_credential", "appid": self.app_id, "secret": self._secret,
                "force_refresh": bool(stale and value == stale)})
            token = data.get("access_token")
            if not token:
                raise WeChatNetworkError("/cgi-bin/stable_token: no access_token")
            self.state.put(CHANNEL, TOKEN_KEY, token, expires=self.clock() + float(data.get("expires_in") or 7200))
            log.info("WeChat access token refreshed")
            return token

    async def call(self, path: str, body: dict) -> dict:
        """POST with the access token; a token error refreshes it once and tries again."""
        token = await self.token()
        try:
            return await self._request("POST", path, {"access_token": token}, body)
        except WeChatError as e:
            if e.errcode not in TOKEN_ERRORS:
                raise
            log.warning("WeChat access token refused (%s); refreshing once", e.errcode)
            token = await self.token(stale=token)
            return await self._request("POST", path, {"access_token": token}, body)

    # -- messages ----------------------------------------------------------------------------------------------
    async def send_text(self, openid: str, text: str, priority: int = REPLY) -> None:
        """Customer-service text messages, split at 2048 bytes on line ends, in order, each when the pacer says."""
        for chunk in split_bytes(text):
            async with self.pacer.slot(openid, priority):
                await self.call("/cgi-bin/message/custom/send",
                                {"touser": openid, "msgtype": "text", "text": {"content": chunk}})

    async def send_template(self, openid: str, text: str) -> None:
        """The configured template; it must have a {{content.DATA}} field. Only announcements use it."""
        async with self.pacer.slot(openid, ANNOUNCE):
            await self.call("/cgi-bin/message/template/send", {
                "touser": openid, "template_id": self.template_id, "data": {"content": {"value": text}}})

    async def create_menu(self, menu: dict) -> None:
        await self.call("/cgi-bin/menu/create", menu)

    def wrote_recently(self, openid: str) -> bool:
        last = self.state.get(CHANNEL, user_key(openid))
        return bool(last) and self.clock() - float(last) < WINDOW - WINDOW_MARGIN

    # -- announcements -------------------------------------------------------------------------------------------
    async def deliver_announcement(self, chat_id: str, text: str) -> None:
        """Customer-service message inside the 48 h window; else template message (WECHAT_TEMPLATE_ID); else
        kept unread for their next reply. 45015 → template/unread, 43004 → unsubscribed, 45047 → unread,
        45009 → the channel pauses until the quota resets."""
        openid = openid_of(chat_id)
        try:
            if self.wrote_recently(openid):
                try:
                    await self.send_text(openid, text, ANNOUNCE)
                    return
                except WeChatError as e:
                    if e.errcode == 45015:  # outside the window after all
                        pass
                    elif e.errcode == 45047:  # too many customer-service messages to this user
                        raise KeptUnread(str(e)) from None
                    else:
                        raise
            if not self.template_id:
                raise KeptUnread("outside the 48 h window and no template")
            await self.send_template(openid, text)
        except WeChatError as e:
            if e.errcode == 43004:  # unfollowed
                raise Blocked(str(e)) from None
            if e.errcode == 45009:  # daily quota used up
                raise ChannelPaused(next_quota_reset(self.clock()), "daily quota (45009)") from None
            if e.errcode in (-1, 45011):  # system busy, API minute limit
                raise Transient(str(e)) from None
            raise Undeliverable(str(e)) from None
        except WeChatNetworkError as e:
            raise Transient(str(e)) from None
