"""Settings, all from the environment (and an optional .env file). Secrets are never logged."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# name → what it is for; README and deploy/.env.example document each (a test checks it)
SETTINGS = {
    "LABOR_BOT_DB": "SQLite file for users, dialog state and the question log",
    "LABOR_BOT_KNOWLEDGE": "folder of knowledge YAML files (default: the packaged knowledge/)",
    "LABOR_BOT_CACHE": "folder for the matcher's index cache (default ~/.cache/labor-bot)",
    "LABOR_BOT_NO_CACHE": "set to 1 to build the index in memory every start",
    "LABOR_BOT_TODAY": "pretend today is this date (YYYY-MM-DD), for validity notes in tests and demos",
    "LABOR_BOT_LOG_LEVEL": "logging level: DEBUG, INFO, WARNING (default WARNING)",
    "LABOR_BOT_CHECK_TTL_MINUTES": "a guided check left unanswered this long is ended with a note (default 120)",
    "TELEGRAM_BOT_TOKEN": "the bot's token from @BotFather (secret; never logged); without it `run` points to `chat`",
    "TELEGRAM_API_BASE_URL": "Bot API base URL, the token is appended (default https://api.telegram.org/bot)",
    "TELEGRAM_WEBHOOK_URL": "public HTTPS URL Telegram posts updates to (`serve` registers it with setWebhook)",
    "TELEGRAM_WEBHOOK_SECRET": "secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; `serve` requires it",
    "TELEGRAM_WEBHOOK_PATH": "path the webhook server listens on (default /telegram)",
    "LABOR_BOT_LISTEN": "host:port for the webhook server (default 127.0.0.1:8080; health check at /healthz)",
    "LABOR_BOT_ADMINS": "Telegram user ids of superadmins (comma-separated): may announce and add or remove staff",
    "LABOR_BOT_BROADCAST_RATE": "announcement messages per second, all chats together (default 25; Telegram allows ~30)",
    "LABOR_BOT_TELEGRAM_RATE": "messages per second the bot sends to Telegram, replies and announcements together "
                               "(default 28: a server counting 30 in any sliding second never answers 429)",
    "LABOR_BOT_WECHAT_RATE": "customer-service and template messages per second to WeChat, replies and announcements "
                             "together (default 40; our own ceiling, WeChat publishes only daily quotas)",
    "LABOR_BOT_BROADCAST_CONCURRENCY": "announcement messages in flight at once (default 8); after a hard kill at most "
                                       "this many can be sent twice",
    "LABOR_BOT_PROGRESS_SECONDS": "how often the sender of an announcement is told its progress (default 30)",
    "LABOR_BOT_WEB_LISTEN": "host:port of the staff desk, `labor-bot web` (default 127.0.0.1:8070)",
    "LABOR_BOT_WEB_URL": "the desk's address as staff open it; sign-in links start with it; https makes cookies Secure "
                         "(default http://LABOR_BOT_WEB_LISTEN)",
    "LABOR_BOT_WEB_SESSION_HOURS": "a desk sign-in lasts this many hours (default 12)",
    "LABOR_BOT_PHRASINGS_SECONDS": "how often a running bot checks for phrasings taught on the desk (default 30)",
    "LABOR_BOT_ACK_WAIT_SECONDS": "webhook: how long the 200 for a stored update waits for its answer (default 5; 0: "
                                  "answer 200 as soon as it is stored)",
    "LABOR_BOT_WECHAT_LISTEN": "host:port of the WeChat server `labor-bot wechat` (default 127.0.0.1:8090)",
    "WECHAT_PATH": "path WeChat pushes messages to (default /wechat)",
    "WECHAT_TOKEN": "the Token set in the 公众号 console (secret); without it `wechat` points to `chat`",
    "WECHAT_APP_ID": "the 公众号's AppID; with WECHAT_APP_SECRET needed to send beyond a passive reply",
    "WECHAT_APP_SECRET": "the 公众号's AppSecret (secret; never logged)",
    "WECHAT_ENCODING_AES_KEY": "EncodingAESKey, 43 characters (secret): enables 安全模式 and 兼容模式",
    "WECHAT_API_BASE_URL": "WeChat API base URL (default https://api.weixin.qq.com)",
    "WECHAT_TEMPLATE_ID": "template for announcements to users outside the 48 h window (optional)",
}
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_CHECK_TTL_MINUTES = 120


def load_dotenv(path: Path | str = ".env") -> None:
    """Read KEY=VALUE lines into os.environ without overriding what is already set."""
    p = Path(path)
    if not p.is_file():
        return
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


@dataclass
class Config:
    db: str | None = None
    knowledge: str | None = None
    today: dt.date | None = None
    log_level: str = "WARNING"
    check_ttl_minutes: float = DEFAULT_CHECK_TTL_MINUTES
    telegram_token: str | None = field(default=None, repr=False)  # secret: never in logs or reprs
    telegram_base_url: str = DEFAULT_API_BASE_URL
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_path: str = "/telegram"
    listen: str = "127.0.0.1:8080"
    admins: frozenset[str] = frozenset()
    broadcast_rate: float = 25.0
    broadcast_concurrency: int = 8
    telegram_rate: float = 28.0
    wechat_rate: float = 40.0
    progress_seconds: float = 30.0
    ack_wait: float = 5.0
    wechat_listen: str = "127.0.0.1:8090"
    wechat_path: str = "/wechat"
    wechat_token: str | None = field(default=None, repr=False)
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = field(default=None, repr=False)
    wechat_aes_key: str | None = field(default=None, repr=False)
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    wechat_template_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Config":
        today = os.environ.get("LABOR_BOT_TODAY")
        try:
            parsed = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise SystemExit(f"LABOR_BOT_TODAY must be YYYY-MM-DD, got {today!r}") from None
        admins = os.environ.get("LABOR_BOT_ADMINS") or ""
        ids = [a for a in re.split(r"[,\s]+", admins) if a]
        if not all(a.isdigit() for a in ids):
            raise SystemExit(f"LABOR_BOT_ADMINS must be Telegram user ids (digits), comma-separated, got {admins!r}")
        return cls(db=os.environ.get("LABOR_BOT_DB"), knowledge=os.environ.get("LABOR_BOT_KNOWLEDGE"),
                   today=parsed, log_level=os.environ.get("LABOR_BOT_LOG_LEVEL", "WARNING").upper(),
                   check_ttl_minutes=_positive("LABOR_BOT_CHECK_TTL_MINUTES", DEFAULT_CHECK_TTL_MINUTES),
                   admins=frozenset(ids), broadcast_rate=_positive("LABOR_BOT_BROADCAST_RATE", 25.0),
                   broadcast_concurrency=int(_positive("LABOR_BOT_BROADCAST_CONCURRENCY", 8, whole=True)),
                   progress_seconds=_positive("LABOR_BOT_PROGRESS_SECONDS", 30.0),
                   telegram_rate=_positive("LABOR_BOT_TELEGRAM_RATE", 28.0),
                   wechat_rate=_positive("LABOR_BOT_WECHAT_RATE", 40.0),
                   ack_wait=_positive("LABOR_BOT_ACK_WAIT_SECONDS", 5.0, zero=True),
                   telegram_token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
                   telegram_base_url=os.environ.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
                   webhook_url=os.environ.get("TELEGRAM_WEBHOOK_URL") or None,
                   webhook_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None,
                   webhook_path=os.environ.get("TELEGRAM_WEBHOOK_PATH") or "/telegram",
                   listen=os.environ.get("LABOR_BOT_LISTEN") or "127.0.0.1:8080",
                   wechat_listen=os.environ.get("LABOR_BOT_WECHAT_LISTEN") or "127.0.0.1:8090",
                   wechat_path=os.environ.get("WECHAT_PATH") or "/wechat",
                   wechat_token=os.environ.get("WECHAT_TOKEN") or None,
                   wechat_app_id=os.environ.get("WECHAT_APP_ID") or None,
                   wechat_app_secret=os.environ.get("WECHAT_APP_SECRET") or None,
                   wechat_aes_key=os.environ.get("WECHAT_ENCODING_AES_KEY") or None,
                   wechat_api_base_url=(os.environ.get("WECHAT_API_BASE_URL") or "https://api.weixin.qq.com").rstrip("/"),
                   wechat_template_id=os.environ.get("WECHAT_TEMPLATE_ID") or None)


def _positive(name: str, default: float, whole: bool = False, zero: bool = False) -> float:
    raw = os.environ.get(name) or str(default)
    try:
        value = float(raw)
        if value < 0 or (value == 0 and not zero) or (whole and value != int(value)) or value != value:
            raise ValueError
    except ValueError:
        kind = "a positive whole number" if whole else "a positive number"
        raise SystemExit(f"{name} must be {kind}, got {raw!r}") from None
    return value
