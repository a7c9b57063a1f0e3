"""Record texts in two languages: the department writes Vietnamese, its partners read English.

A record with such texts (an engagement's title and summary, a commitment's text) keeps them in
its own columns, written in `language`, and the other language's versions in `translations`
(`{"vi": {"title": "…"}}`). Pages show each text in the reader's language when it has been
given, else the record's own: one required, the other a fallback. Written once here, for every
capability that has such texts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import Field

from liaison.core import i18n
from liaison.core.errors import Invalid, Phrase
from liaison.core.schemas import LongText

TextLanguage = Literal["en", "vi"]
TEXT_LANGUAGES: tuple[str, ...] = get_args(TextLanguage)
Translations = Annotated[
    dict[TextLanguage, dict[str, LongText]],
    Field(description='the texts in the other language, by field: {"vi": {"title": "…"}}'),
]


def checked(
    translations: Mapping[Any, Mapping[str, str]], language: str, fields: Collection[str]
) -> dict[str, dict[str, str]]:
    """The translations to store: only the record's bilingual `fields`, not in its own language,
    blanks left out; another field or the record's own language is refused (`Invalid`)."""
    kept: dict[str, dict[str, str]] = {}
    for other, texts in translations.items():
        if other == language:
            raise Invalid(
                "A translation is in the other language, not in the record's own ({language}).",
                language=language,
                fields={"translations": Phrase("not {language}", {"language": language})},
            )
        unknown = sorted(set(texts) - set(fields))
        if unknown:
            raise Invalid(
                "{field!r} has no translation: only {fields_list} do.",
                field=unknown[0],
                fields_list=", ".join(fields),
                fields={"translations": Phrase("one of {choices}", {"choices": sorted(fields)})},
            )
        given = {field: text.strip() for field, text in texts.items() if text.strip()}
        if given:
            kept[other] = given
    return kept


def write(
    record: Any,
    fields: Collection[str],
    language: str | None = None,
    translations: Mapping[Any, Mapping[str, str]] | None = None,
) -> None:
    """Set the language of a record's texts and their translations (either left as it is when
    None), checked against each other (`checked`); a translation of a text the record does not
    have in its own language (an optional title left empty) is refused: one text is required."""
    record.language = language or record.language or "en"
    given = record.translations if translations is None else translations
    record.translations = checked(given or {}, record.language, fields)
    for texts in record.translations.values():
        untranslated = sorted(field for field in texts if not str(getattr(record, field) or "").strip())
        if untranslated:
            raise Invalid(
                "{field!r} has a translation but no text in the record's own language ({language}).",
                field=untranslated[0],
                language=record.language,
                fields={untranslated[0]: "required with its translation"},
            )


def versions(record: Any, field: str) -> list[str]:
    """Every version of the field's text, its own first: what search indexes."""
    own = str(getattr(record, field))
    others = [texts[field] for texts in (record.translations or {}).values() if texts.get(field)]
    return [own, *others]


def other_language(language: str) -> str:
    """The language a record's translations are in: the one it is not written in."""
    return next(code for code in TEXT_LANGUAGES if code != language)


def translation(record: Any, field: str) -> str:
    """The field's text in the other language than the record's own, "" when not given."""
    other = other_language(getattr(record, "language", None) or "en")
    return str((getattr(record, "translations", None) or {}).get(other, {}).get(field, ""))


def shown(record: Any, field: str, language: str | None = None) -> str:
    """The field's text in the reader's language if the record has it, else as written."""
    language = language or i18n.current_language.get()
    if getattr(record, "language", language) != language:
        translated = (getattr(record, "translations", None) or {}).get(language, {}).get(field)
        if translated:
            return str(translated)
    return str(getattr(record, field))
