"""Guided eligibility checks: flows declared in knowledge/dialogs/*.yaml, run by one step engine."""

from bot.dialogs.runner import DialogRunner
from bot.dialogs.schema import Flow, load_flows

__all__ = ["DialogRunner", "Flow", "load_flows"]
