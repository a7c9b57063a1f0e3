"""The docs as tests read them: a section of a Markdown page and the code blocks in it, so a test
can check what a page says or run what it tells a reader to type."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def section(text: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no section '## {heading}'"
    return match.group(1)


def code_block(text: str, language: str) -> str:
    """The first fenced block of `language` in `text`, without its fences."""
    match = re.search(rf"^```{re.escape(language)}\n(.*?)^```$", text, re.S | re.M)
    assert match, f"no ```{language} block"
    return match.group(1)
