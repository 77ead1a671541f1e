"""The shared send budget: one row per channel (and bot), the time its next message may go, so the rate limit
holds across every sender process on every machine (bot/store/budget.py); and when a delivery's send began
(deliveries.in_flight), so a sender killed mid-send is not repeated by the one that takes over."""

from __future__ import annotations

VERSION = 2
NAME = "send_budget"

SQLITE = ("create table if not exists send_budget (name text primary key, at real not null)",
          "alter table deliveries add column in_flight real")
