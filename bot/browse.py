"""Browse the documents: document → section → measure, with paged buttons (/measures).

Channel-neutral: the replies carry buttons; Telegram edits the message in place (Reply.replace),
the console prints a new list.
"""

from __future__ import annotations

from bot.callback import encode
from bot.kb import KnowledgeBase
from bot.kb.schema import Measure
from bot.models import Button, Reply

PAGE = 6  # measures per page: short enough for a phone screen


class Browser:
    def __init__(self, kb: KnowledgeBase):
        self.kb, self.t = kb, kb.texts
        # sections in document order; measures before the first heading form their own group
        self.sections: dict[str, list[tuple[str, list[Measure]]]] = {}
        for region in kb.documents:
            groups: list[tuple[str, list[Measure]]] = []
            for m in sorted(kb.by_region(region), key=lambda m: m.index):
                name = m.section or self.t["browse_no_section"]
                if not groups or groups[-1][0] != name:
                    groups.append((name, []))
                groups[-1][1].append(m)
            self.sections[region] = groups

    def documents(self, replace: bool = False) -> Reply:
        buttons = [[Button(d.name, encode("nav", f"doc|{r}"))] for r, d in self.kb.documents.items()]
        return Reply(self.t["browse_documents"], buttons, replace=replace)

    def document(self, region: str) -> Reply | None:
        if region not in self.sections:
            return None
        doc = self.kb.documents[region]
        buttons = [[Button(self.t["browse_section_button"].format(name=name, count=len(ms)),
                           encode("nav", f"sec|{region}|{i}|0"))]
                   for i, (name, ms) in enumerate(self.sections[region])]
        buttons.append([Button(self.t["browse_up"], encode("nav", "docs"))])
        return Reply(self.t["browse_document"].format(title=doc.title), buttons, replace=True)

    def section(self, region: str, index: int, page: int) -> Reply | None:
        groups = self.sections.get(region) or []
        if not 0 <= index < len(groups):
            return None
        name, ms = groups[index]
        pages = max(1, -(-len(ms) // PAGE))
        page = min(max(page, 0), pages - 1)
        shown = ms[page * PAGE:(page + 1) * PAGE]
        buttons = [[Button(f"（{m.number}）{m.title}", encode("show", m.id))] for m in shown]
        nav = []
        if page > 0:
            nav.append(Button(self.t["browse_prev"], encode("nav", f"sec|{region}|{index}|{page - 1}")))
        if page < pages - 1:
            nav.append(Button(self.t["browse_next"], encode("nav", f"sec|{region}|{index}|{page + 1}")))
        nav.append(Button(self.t["browse_up"], encode("nav", f"doc|{region}")))
        buttons.append(nav)
        text = self.t["browse_section"].format(section=name, page=page + 1, pages=pages)
        return Reply(text, buttons, replace=True)

    def press(self, arg: str) -> Reply | None:
        """A browsing button: docs | doc|REGION | sec|REGION|SECTION|PAGE; None if not one of ours."""
        parts = arg.split("|")
        if parts == ["docs"]:
            return self.documents(replace=True)
        if parts[0] == "doc" and len(parts) == 2:
            return self.document(parts[1])
        if parts[0] == "sec" and len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
            return self.section(parts[1], int(parts[2]), int(parts[3]))
        return None
