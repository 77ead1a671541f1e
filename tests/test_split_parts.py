"""Long announcements: cut after HTML escaping at paragraph ends; each part recorded on its own, so a resend
after an error never repeats a part already delivered."""

from __future__ import annotations

import asyncio
import html

from bot.announce import Outbox, Sender, Transient
from bot.channels import Channel, Channels
from conftest import present
from handlers.telegram_send import MAX_TEXT, split_paragraphs, split_text
from test_announce_outbox import queue, subscribe_many

PARA = "培训班报名 <须知> & 要求：" + "字" * 300  # 20 of these: ~6,400 characters raw, more escaped


def test_parts_fit_after_escaping_and_end_at_paragraphs():
    text = "\n\n".join(f"第{i}段 {PARA}" for i in range(20))
    parts = split_paragraphs(text)
    assert all(len(html.escape(p, quote=False)) <= MAX_TEXT for p in parts)
    assert "\n\n".join(parts) == text  # nothing lost, cut only between paragraphs
    assert all(p.startswith("第") for p in parts) and len(parts) == 2
    assert all(len(split_text(p)) == 1 for p in parts)  # each part is exactly one Telegram message
    amp = "&" * 3500  # 3,500 characters, 17,500 once escaped: one paragraph, one line
    cut = split_paragraphs(amp)
    assert "".join(cut) == amp and all(len(html.escape(p)) <= MAX_TEXT for p in cut) and len(cut) == 5


def test_a_3500_character_notice_with_markup_is_two_messages_not_five():
    notice = "\n\n".join(["<人社局> & " * 20] * 30)[:3500]  # escaped about twice as long
    assert len(html.escape(notice, quote=False)) > 2 * MAX_TEXT - 1000
    assert len(split_paragraphs(notice)) == 2


class Recorder:
    def __init__(self):
        self.got: list[tuple[str, str]] = []
        self.fail_once: set[int] = set()  # part numbers that fail the first time

    async def __call__(self, chat_id: str, text: str) -> None:
        n = int(text.split("段", 1)[0].rsplit("第", 1)[-1]) if "第" in text else -1
        if n in self.fail_once:
            self.fail_once.discard(n)
            raise Transient("network down")
        self.got.append((chat_id, text))


async def test_a_failed_part_is_resent_alone(store, kb):
    channels = Channels((Channel(name="telegram", label_key="channel_telegram", push=True,
                                 split=lambda t: t.split("\n\n")),))
    outbox = Outbox(store, channels=channels)
    ids = subscribe_many(outbox, 3)
    aid = queue(outbox, text="\n\n".join(f"第{i}段" for i in range(3)))
    rec = Recorder()
    rec.fail_once = {1}  # the second part fails once for the first recipient to get there
    sender = Sender(outbox, {"telegram": rec}, kb.texts, rate=200, poll=0.02, backoff=0.05, per_chat=0.0)
    stop = asyncio.Event()
    await asyncio.wait_for(sender.run(stop, until=lambda: present(outbox.announcement(aid))["status"] == "done"), 20)
    for chat in ids:
        texts = [t for c, t in rec.got if c == chat]
        assert len(texts) == 4 and sum("第0段" in t for t in texts) == 1, texts  # header part + 3, none twice
    rows = store.db.execute("select count(*) from delivery_parts where announcement_id = ?", [aid]).fetchone()
    assert rows == (3 * 4,)
    assert outbox.counts(aid)["sent"] == 3
