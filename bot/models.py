"""Channel-neutral messages: what an adapter hands the engine and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    text: str
    data: str
    numbered: bool = True  # a typed number may pick it; not under a how-many question, where "2" means 2


@dataclass
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    meta: dict | None = None  # machine-readable extras (a check's outcome) for --jsonl and tests
    replace: bool = False  # browsing: a channel that can edit the message with the pressed button does

    def to_dict(self) -> dict:
        out: dict[str, object] = {"text": self.text, "buttons": [[{"text": b.text, "data": b.data} for b in row] for row in self.buttons]}
        if self.meta:
            out["meta"] = self.meta
        if self.replace:
            out["replace"] = True
        return out


@dataclass(frozen=True)
class Incoming:
    user_id: str
    text: str | None = None
    button: str | None = None  # callback data of a pressed button
    channel: str = "console"
