"""Bot API calls over aiohttp instead of PTB's default httpx client.

Why: in the deployment-shape benchmark (benchmarks/telegram_throughput.py) httpx + httpcore were the largest
single cost of `labor-bot run` (a pool scan per request, pure-Python HTTP parsing, a failed `import sniffio` per
request). aiohttp parses HTTP in C and is already a dependency (the WeChat server), so the bot pays less per Bot
API call than a bare PTB bot does. PTB documents `BaseRequest` as the place to swap the HTTP client; this class
sends the parameters HTTPXRequest sends (multipart when there are files) and maps errors the same way (timeouts →
TimedOut, other client errors → NetworkError). Without files they go as one JSON body, which the Bot API takes for
every call, rather than HTTPXRequest's form: percent-encoding Chinese text cost a send about 8 times what
json.dumps does.
"""

from __future__ import annotations

import json
from contextvars import ContextVar

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_JSON = {"Content-Type": "application/json"}
# set by a caller that reads nothing of a successful answer (ReplyBot.send_text): a 2xx answer is then handed to PTB
# as this, not as Telegram's JSON of the whole message sent (decoded only to be dropped); errors are PTB's as ever
ANSWER_UNREAD: ContextVar[bool] = ContextVar("labor_bot_answer_unread", default=False)
_UNREAD_OK = b'{"ok":true,"result":true}'


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of `connection_pool_size` connections (opened on first use)."""

    def __init__(self, connection_pool_size: int = 8, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0):
        self._pool = connection_pool_size
        self._read, self._write, self._connect, self._pool_wait = read_timeout, write_timeout, connect_timeout, \
            pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # trust_env False: no proxy from the environment, as HTTPXRequest(trust_env=False) before
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool, ttl_dns_cache=300), trust_env=False,
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            await self.initialize()
        assert self._session is not None
        files = request_data is not None and request_data.contains_files
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_wait if isinstance(pool_timeout, DefaultValue) else pool_timeout
        write = (self._media_write if files else self._write) if isinstance(write_timeout, DefaultValue) \
            else write_timeout
        # aiohttp has no separate write timeout: a request must be written and answered within write + read
        timeout = aiohttp.ClientTimeout(total=None, connect=_sum(pool, connect), sock_connect=connect,
                                        sock_read=_sum(read, write))
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and files:
            data = _multipart(request_data)
        elif request_data is not None:
            data, headers = json.dumps(request_data.parameters, ensure_ascii=False).encode(), _JSON
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as res:
                body = await res.read()
                return res.status, _UNREAD_OK if 200 <= res.status <= 299 and ANSWER_UNREAD.get() else body
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


def _sum(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mimetype = part if len(part) == 3 else (part[0], part[1], None)
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
