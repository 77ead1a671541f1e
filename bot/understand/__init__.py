"""What people type, read for meaning: yes/no with negation scope, numbers with units for a slot,
counts split by contract length or by group, and the facts a message states (extract_facts).

Word lists live in knowledge/understand.yaml; place names come from knowledge/places.yaml.
"""

from bot.understand.facts import EXEMPT_ONLY, extract_facts, where_one_works
from bot.understand.lexicon import Lexicon, load_lexicon
from bot.understand.slots import ASK, contracts_by_group, count_groups, count_qualifying, read_value, subset_count
from bot.understand.yesno import YesNo, read_yesno

__all__ = ["ASK", "EXEMPT_ONLY", "Lexicon", "YesNo", "contracts_by_group", "count_groups", "count_qualifying", "extract_facts", "load_lexicon",
           "read_value", "read_yesno", "subset_count", "where_one_works"]
