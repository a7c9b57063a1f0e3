"""The shared template macros write the markup the pages wrote inline before them."""

from __future__ import annotations

from datetime import date

from liaison.web.rendering import environment


def _render(source: str, **values: object) -> str:
    macros = '{% from "_macros.html" import badge, fact, dates %}'
    return environment().from_string(macros + source).render(values)


def test_badge_fact_and_dates_render_the_pages_markup() -> None:
    assert _render('{{ badge("Active", "agreement-status") }}') == (
        '<span class="badge" data-testid="agreement-status">Active</span>'
    )
    assert _render('{{ badge("<b>") }}') == '<span class="badge">&lt;b&gt;</span>'
    assert _render('{{ fact("Acronym", none) }}|{{ fact("Acronym", "MPS") }}') == (
        "<dt>Acronym</dt><dd>—</dd>|<dt>Acronym</dt><dd>MPS</dd>"
    )
    start, end = date(2026, 1, 1), date(2026, 3, 1)
    inline = environment().from_string("{{ a | date }} – {{ b | date }}").render(a=start, b=end)
    assert _render("{{ dates(a, b) }}", a=start, b=end) == inline
    assert _render("{{ dates(a) }}", a=start) == inline.split(" – ")[0]
