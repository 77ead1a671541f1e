"""WeChat's message protocol, implemented from its documentation: signatures, 安全模式 AES, and XML.

- signature = sha1 of the sorted concatenation of token, timestamp, nonce (URL verification and every POST);
  msg_signature = the same with the `Encrypt` text added (安全模式 / 兼容模式). Compared in constant time.
- AES-256-CBC, key = base64-decode(EncodingAESKey + "="), IV = the key's first 16 bytes; plaintext =
  16 random bytes + 4-byte big-endian length + message XML + AppId, PKCS#7-padded to a multiple of 32 bytes
  (pad values 1–32, as WeChat pads). The AppId is checked.
- XML in with defusedxml (no DTDs, no entities); XML out with CDATA that user text cannot break out of.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import string
import struct
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

BLOCK = 32  # WeChat's PKCS#7 block size (not AES's 16)


class ProtocolError(ValueError):
    """A request that does not follow the protocol: answered 400, never a 5xx."""


class BadSignature(ProtocolError):
    """A signature that does not verify: answered 403."""


# -- signatures -----------------------------------------------------------------------------------------
def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def verify(expected_parts: tuple[str, ...], given: str | None) -> bool:
    """Constant-time comparison of a sha1 signature."""
    if not given:
        return False
    return hmac.compare_digest(sign(*expected_parts).encode(), given.strip().lower().encode("ascii", "replace"))


def nonce(n: int = 16) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))


# -- AES ------------------------------------------------------------------------------------------------
def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key from the 43-character EncodingAESKey; ValueError if it is not one."""
    if len(encoding_aes_key) != 43:
        raise ValueError("WECHAT_ENCODING_AES_KEY must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        raise ValueError("WECHAT_ENCODING_AES_KEY is not base64") from None
    if len(key) != 32:
        raise ValueError("WECHAT_ENCODING_AES_KEY must decode to 32 bytes")
    return key


class MessageCrypto:
    def __init__(self, encoding_aes_key: str, app_id: str):
        self.key, self.app_id = aes_key(encoding_aes_key), app_id

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, xml: str, random16: bytes | None = None) -> str:
        body = xml.encode()
        plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.app_id.encode()
        pad = BLOCK - len(plain) % BLOCK  # 1..32
        plain += bytes([pad]) * pad
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(plain) + enc.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        """The message XML; ProtocolError for anything that is not ours (bad base64, padding, AppId)."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError("Encrypt is not base64") from None
        if not raw or len(raw) % 16:
            raise ProtocolError("Encrypt has a bad length")
        dec = self._cipher().decryptor()
        plain = dec.update(raw) + dec.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise ProtocolError("bad padding")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise ProtocolError("too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise ProtocolError("bad length")
        xml, app_id = plain[20:20 + length], plain[20 + length:]
        if not hmac.compare_digest(app_id, self.app_id.encode()):
            raise ProtocolError("AppId does not match")
        try:
            return xml.decode()
        except UnicodeDecodeError:
            raise ProtocolError("not UTF-8") from None

    def wrap(self, token: str, xml: str, timestamp: str | None = None, nonce_: str | None = None) -> str:
        """An encrypted reply: Encrypt, MsgSignature, TimeStamp and a fresh Nonce."""
        ts = timestamp or str(int(time.time()))
        nc = nonce_ or nonce()
        encrypted = self.encrypt(xml)
        return element("xml", Encrypt=encrypted, MsgSignature=sign(token, ts, nc, encrypted), TimeStamp=ts, Nonce=nc)


# -- XML ------------------------------------------------------------------------------------------------
@dataclass
class WxMessage:
    """One pushed message or event, as WeChat names its fields."""

    to_user: str
    from_user: str
    create_time: str
    msg_type: str
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def dedupe_key(self) -> str:
        """MsgId for messages; FromUserName + CreateTime (+ event) for events, which have no MsgId."""
        msg_id = self.get("MsgId")
        if msg_id:
            return f"msg:{msg_id}"
        return f"event:{self.from_user}:{self.create_time}:{self.get('Event')}:{self.get('EventKey')}"


def parse_xml(body: bytes | str) -> ET.Element:
    try:
        root = safe_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, DefusedXmlException, ValueError, TypeError):
        raise ProtocolError("malformed XML") from None
    if root.tag != "xml":
        raise ProtocolError("root element is not <xml>")
    return root


def fields_of(root: ET.Element) -> dict[str, str]:
    return {child.tag: (child.text or "") for child in root if isinstance(child.tag, str)}


def message_from(root: ET.Element) -> WxMessage:
    f = fields_of(root)
    missing = [k for k in ("ToUserName", "FromUserName", "MsgType") if not f.get(k)]
    if missing:
        raise ProtocolError(f"missing {', '.join(missing)}")
    return WxMessage(to_user=f["ToUserName"], from_user=f["FromUserName"], create_time=f.get("CreateTime", ""),
                     msg_type=f["MsgType"], fields=f)


def cdata(text: str) -> str:
    """CDATA that user text cannot close early: every "]]>" is split across two sections."""
    return "<![CDATA[" + _xml_chars(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_chars(text: str) -> str:
    """Drop characters XML 1.0 cannot carry at all (control characters other than tab and newlines)."""
    return _NOT_XML.sub("", text)


def element(root: str, **children: str | int) -> str:
    parts = []
    for name, value in children.items():
        inner = str(value) if isinstance(value, int) else cdata(value)
        parts.append(f"<{name}>{inner}</{name}>")
    return f"<{root}>{''.join(parts)}</{root}>"


def text_reply(to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    return element("xml", ToUserName=to_user, FromUserName=from_user, CreateTime=int(now or time.time()),
                   MsgType="text", Content=content)
