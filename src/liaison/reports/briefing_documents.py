"""The briefing as a file: PDF (the page's own HTML laid out by WeasyPrint) or DOCX (the same
facts as sections), and the audit record of its leaving the system.

Both are made from one `Briefing`, already in the reader's chosen language, so the page, the
PDF and the DOCX cannot disagree. Links in the PDF point at this node (`link_base`), so a
printed briefing read on screen still opens each record a talking point comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from liaison.core import i18n
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.reports import EXPORT
from liaison.reports.briefing import Briefing
from liaison.reports.exports import Export, record_export
from liaison.web.documents import (
    DOCX_MEDIA_TYPE,
    PDF_MEDIA_TYPE,
    Section,
    Table,
    build_docx,
    render_template_pdf,
)

BRIEFING_FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class DocumentFile:
    content: bytes
    media_type: str
    filename: str


def briefing_pdf(briefing: Briefing, link_base: str = "") -> bytes:
    from liaison.web.rendering import environment

    with i18n.speaking(briefing.language):
        return render_template_pdf(
            environment(), "reports/briefing_print.html", {"briefing": briefing, "link_base": link_base}
        )


def briefing_docx(briefing: Briefing) -> bytes:
    """The briefing's chosen sections as Word headings, bullets and tables."""
    with i18n.speaking(briefing.language):
        return build_docx(briefing.title, _sections(briefing), subtitle=briefing.subtitle)


def _sections(briefing: Briefing) -> list[Section]:
    _ = i18n.gettext
    h = briefing.headings
    sections: list[Section] = []
    if briefing.notes:
        sections.append(Section(_("Officer's notes"), paragraphs=[briefing.notes]))
    if briefing.shows("talking_points"):
        shown = [p for p in briefing.talking_points if p.section in briefing.sections]
        sections.append(
            Section(
                h["talking_points"],
                bullets=[
                    p.text + (f" ({'; '.join(link.label for link in p.links)})" if p.links else "")
                    for p in shown
                ],
            )
        )
    if briefing.shows("agencies"):
        sections.append(
            Section(
                h["agencies"],
                subsections=[
                    Section(
                        a["name"] + (f" ({a['acronym']})" if a["acronym"] else ""),
                        paragraphs=[" · ".join(a["other_names"])] if a["other_names"] else [],
                        bullets=[
                            o["name"] + (f", {o['title']}" if o["title"] else "") for o in a["officials"]
                        ],
                    )
                    for a in briefing.agencies
                ],
            )
        )
    if briefing.shows("mechanisms"):
        sections.append(
            Section(
                h["mechanisms"],
                subsections=[
                    Section(m["name"], paragraphs=[f"{m['kind']} · {m['recurrence']}"], bullets=m["roles"])
                    for m in briefing.mechanisms
                ],
            )
        )
    if briefing.shows("agreements"):
        sections.append(
            Section(
                h["agreements"],
                subsections=[
                    Section(
                        group["label"],
                        bullets=[
                            f"{a['title']} · {a['kind']}"
                            + (f" · {a['since_shown']}" if a["since_shown"] else "")
                            for a in group["items"]
                        ],
                    )
                    for group in briefing.agreements
                ],
            )
        )
    if briefing.shows("programmes"):
        sections.append(
            Section(
                h["programmes"],
                subsections=[
                    Section(
                        p["title"],
                        paragraphs=[f"{p['status_label']} · {p['done']}/{p['total']} ({p['percent']}%)"],
                        tables=[
                            Table(
                                [_("Action item"), _("Status"), _("Due")],
                                [[i["text"], i["status_label"], i["due"]] for i in p["action_items"]],
                            )
                        ]
                        if p["action_items"]
                        else [],
                    )
                    for p in briefing.programmes
                ],
            )
        )
    if briefing.shows("engagements") and briefing.engagements is not None:
        sections.append(
            Section(h["engagements"], bullets=[f"{e['held']} · {e['title']}" for e in briefing.engagements])
        )
    if briefing.shows("commitments") and briefing.commitments is not None:
        sections.append(
            Section(
                h["commitments"],
                tables=[
                    Table(
                        [_("Commitment"), _("Status"), _("Due"), _("Engagement")],
                        [
                            [c["text"], c["status_label"], c["due"], f"{c['held']} · {c['engagement']}"]
                            for c in briefing.commitments
                        ],
                    )
                ],
            )
        )
    if briefing.shows("requests") and briefing.requests is not None:
        summary = briefing.requests
        sections.append(
            Section(
                h["requests"],
                paragraphs=[
                    i18n.Phrase(
                        "{open} open of {total}, {overdue} overdue.",
                        {"open": summary["open"], "total": summary["total"], "overdue": summary["overdue"]},
                    ).render()
                ],
                tables=[
                    Table(
                        [
                            _("Kind"),
                            _("Direction"),
                            _("All"),
                            _("Open"),
                            _("Overdue"),
                            _("Median days to answer"),
                        ],
                        [
                            [
                                r["kind_label"],
                                r["direction_label"],
                                str(r["total"]),
                                str(r["open"]),
                                str(r["overdue"]),
                                "—" if r["answered_median_days"] is None else str(r["answered_median_days"]),
                            ]
                            for r in summary["by_kind"]
                        ],
                    ),
                    Table(
                        [_("Request"), _("Direction"), _("Status"), _("Due"), _("Days overdue")],
                        [
                            [
                                r["title"] or r["kind_label"],
                                r["direction_label"],
                                r["status_label"],
                                r["due"],
                                str(r["overdue_days"] or ""),
                            ]
                            for r in summary["open_requests"]
                        ],
                    ),
                ],
            )
        )
    if briefing.shows("persons_sought") and briefing.persons_sought is not None:
        sections.append(
            Section(
                h["persons_sought"],
                bullets=[
                    " · ".join(
                        [p["name"], p["status_label"]]
                        + [f"{n['kind_label']} {n['reference']}".strip() for n in p["notices"]]
                    )
                    for p in briefing.persons_sought
                ],
            )
        )
    if briefing.shows("citizen_protection") and briefing.citizen_protection is not None:
        sections.append(
            Section(
                h["citizen_protection"],
                bullets=[f"{c['title']} · {c['status_label']}" for c in briefing.citizen_protection],
            )
        )
    if briefing.shows("assets") and briefing.assets is not None:
        sections.append(_assets_section(h["assets"], briefing.assets))
    if briefing.shows("capacity_building") and briefing.capacity_building is not None:
        counts = briefing.capacity_building
        sections.append(
            Section(
                h["capacity_building"],
                paragraphs=[f"{_('Officers trained')}: {counts['officers_trained']}"],
                tables=[
                    Table(
                        [_("Year"), _("Kind"), _("Activities"), _("Our participants")],
                        [
                            [
                                str(r["year"]),
                                r["kind_label"],
                                str(r["activities"]),
                                str(r["home_participants"]),
                            ]
                            for r in counts["rows"]
                        ],
                    )
                ],
            )
        )
    return sections


def _assets_section(heading: str, figures: dict[str, Any]) -> Section:
    """The value by year and status in one currency, its totals and the rates it was converted at."""
    _ = i18n.gettext
    currency, totals = figures["currency"], figures["totals"]
    rates = "; ".join(f"{code} {rate}" for code, rate in figures["rates"].items())
    return Section(
        heading,
        paragraphs=[
            f"{_('Total frozen')}: {totals['frozen']} {currency} · "
            f"{_('Total confiscated')}: {totals['confiscated']} {currency} · "
            f"{_('Total returned')}: {totals['returned']} {currency}",
            f"{_('Rates')} ({figures['rates_source']}): {rates}",
        ],
        tables=[
            Table(
                [_("Year"), _("Status"), _("Assets"), _("Value")],
                [
                    [str(r["year"]), r["status_label"], str(r["assets"]), f"{r['value']} {currency}"]
                    for r in figures["rows"]
                ],
            )
        ],
    )


def export_briefing(
    session: Session, actor: Actor, briefing: Briefing, document_format: str, link_base: str = ""
) -> DocumentFile:
    """The briefing as a PDF or DOCX file, audited as an export naming its partner, format,
    language and sections; the event keeps the strictest handling code of what it shows."""
    ensure(actor, EXPORT)
    if document_format == "pdf":
        content, media_type = briefing_pdf(briefing, link_base), PDF_MEDIA_TYPE
    else:
        content, media_type = briefing_docx(briefing), DOCX_MEDIA_TYPE
    about = briefing.partner_key + (f" agency {briefing.agency_id}" if briefing.agency_id else "")
    codes = [
        p["handling_code"] for p in briefing.persons_sought or [] if "persons_sought" in briefing.sections
    ]
    strictest = gate.strictest(*codes) if codes else ""
    protected = (
        gate.Referenced(0, actor.unit, strictest)
        if codes and gate.scope_of(strictest) != "everyone"
        else None
    )
    record_export(
        session,
        actor,
        Export("briefing", about, document_format, briefing.language, ",".join(briefing.sections)),
        protected=protected,
    )
    stamp = briefing.meeting_on.isoformat() if isinstance(briefing.meeting_on, date) else ""
    filename = f"briefing-{briefing.partner_key}-{stamp}-{briefing.language}.{document_format}"
    return DocumentFile(content, media_type, filename)
