"""registry: countries, agencies, officials, mechanisms, agreements, programmes, search

Countries (ISO 3166-1) are preloaded from `registry/vocab/countries.yaml`.

Revision ID: registry_0001
Revises:
Create Date: 2026-11-23 17:22:10.610133
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op

COUNTRIES_FILE = Path(__file__).resolve().parent.parent / "vocab" / "countries.yaml"


revision = "registry_0001"
down_revision = None
branch_labels = ("registry",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "country",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("alpha3", sa.String(length=3), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_vi", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_country")),
        sa.UniqueConstraint("alpha3", name=op.f("uq_country_alpha3")),
    )
    countries = yaml.safe_load(COUNTRIES_FILE.read_text(encoding="utf-8"))["countries"]
    op.bulk_insert(
        sa.table(
            "country", sa.column("code"), sa.column("alpha3"), sa.column("name_en"), sa.column("name_vi")
        ),
        [
            {"code": c["code"], "alpha3": c["alpha3"], "name_en": c["en"], "name_vi": c["vi"]}
            for c in countries
        ],
    )
    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("form", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
    )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entry_key"), ["key"], unique=False)
        batch_op.create_index("ix_search_entry_record", ["entity", "entity_id"], unique=False)

    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"], ["country.code"], name=op.f("fk_agency_country_code_country")
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["agency.id"], name=op.f("fk_agency_parent_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("country_code", "name_key", name=op.f("uq_agency_country_code_name_key")),
        sa.UniqueConstraint("ref", name=op.f("uq_agency_ref")),
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_country_code"), ["country_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_agency_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_agency_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "agency_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_agency_name_agency_id_agency"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_name")),
    )
    with op.batch_alter_table("agency_name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_name_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "mechanism",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recurrence", sa.String(length=20), nullable=False),
        sa.Column("host_agency_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_agency_id"], ["agency.id"], name=op.f("fk_mechanism_host_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mechanism")),
        sa.UniqueConstraint("ref", name=op.f("uq_mechanism_ref")),
    )
    with op.batch_alter_table("mechanism", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mechanism_host_agency_id"), ["host_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mechanism_name_key"), ["name_key"], unique=False)

    op.create_table(
        "official",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_official_agency_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official")),
        sa.UniqueConstraint("ref", name=op.f("uq_official_ref")),
    )
    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_official_name_key"), ["name_key"], unique=False)

    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_multilateral", sa.Boolean(), nullable=False),
        sa.Column("crime_areas", sa.JSON(), nullable=False),
        sa.Column("amends_id", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("mechanism_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amends_id"], ["agreement.id"], name=op.f("fk_agreement_amends_id_agreement")
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"], ["mechanism.id"], name=op.f("fk_agreement_mechanism_id_mechanism")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["agreement.id"], name=op.f("fk_agreement_supersedes_id_agreement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint("ref", name=op.f("uq_agreement_ref")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_amends_id"), ["amends_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_supersedes_id"), ["supersedes_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_title_key"), ["title_key"], unique=False)

    op.create_table(
        "mechanism_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_mechanism_member_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_mechanism_member_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mechanism_member")),
        sa.UniqueConstraint(
            "mechanism_id", "agency_id", name=op.f("uq_mechanism_member_mechanism_id_agency_id")
        ),
    )
    with op.batch_alter_table("mechanism_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mechanism_member_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mechanism_member_mechanism_id"), ["mechanism_id"], unique=False)

    op.create_table(
        "mechanism_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("holder_agency_id", sa.Integer(), nullable=True),
        sa.Column("holder_country_code", sa.String(length=2), nullable=True),
        sa.Column("counterpart_country_code", sa.String(length=2), nullable=True),
        sa.Column("crime_area", sa.String(length=40), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counterpart_country_code"],
            ["country.code"],
            name=op.f("fk_mechanism_role_counterpart_country_code_country"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_agency_id"], ["agency.id"], name=op.f("fk_mechanism_role_holder_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["holder_country_code"],
            ["country.code"],
            name=op.f("fk_mechanism_role_holder_country_code_country"),
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"],
            ["mechanism.id"],
            name=op.f("fk_mechanism_role_mechanism_id_mechanism"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mechanism_role")),
    )
    with op.batch_alter_table("mechanism_role", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mechanism_role_holder_agency_id"), ["holder_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mechanism_role_holder_country_code"), ["holder_country_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mechanism_role_mechanism_id"), ["mechanism_id"], unique=False)

    op.create_table(
        "official_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["official.id"],
            name=op.f("fk_official_name_official_id_official"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_name")),
    )
    with op.batch_alter_table("official_name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_name_official_id"), ["official_id"], unique=False)

    op.create_table(
        "official_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("rank", sa.String(length=120), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_official_post_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["official.id"],
            name=op.f("fk_official_post_official_id_official"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_post")),
    )
    with op.batch_alter_table("official_post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_post_official_id"), ["official_id"], unique=False)

    op.create_table(
        "agreement_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_document_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_document")),
    )
    with op.batch_alter_table("agreement_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_document_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "agreement_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_agreement_party_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_party_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["country_code"], ["country.code"], name=op.f("fk_agreement_party_country_code_country")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_party")),
    )
    with op.batch_alter_table("agreement_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_party_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_index(
            "ix_agreement_party_country_agreement", ["country_code", "agreement_id"], unique=False
        )

    op.create_table(
        "agreement_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_status_change_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_status_change")),
    )
    with op.batch_alter_table("agreement_status_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_status_change_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_key", sa.String(length=300), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("end_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("mechanism_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_programme_agreement_id_agreement")
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"], ["mechanism.id"], name=op.f("fk_programme_mechanism_id_mechanism")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        sa.UniqueConstraint("ref", name=op.f("uq_programme_ref")),
    )
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_title_key"), ["title_key"], unique=False)

    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress_notes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agency.id"], name=op.f("fk_action_item_owner_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_action_item_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item")),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "programme_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_programme_party_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_programme_party_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_party")),
        sa.UniqueConstraint(
            "programme_id", "agency_id", name=op.f("uq_programme_party_programme_id_agency_id")
        ),
    )
    with op.batch_alter_table("programme_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_party_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_party_programme_id"), ["programme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("programme_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_party_programme_id"))
        batch_op.drop_index(batch_op.f("ix_programme_party_agency_id"))

    op.drop_table("programme_party")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_programme_id"))

    op.drop_table("action_item")
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_title_key"))

    op.drop_table("programme")
    with op.batch_alter_table("agreement_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_status_change_agreement_id"))

    op.drop_table("agreement_status_change")
    with op.batch_alter_table("agreement_party", schema=None) as batch_op:
        batch_op.drop_index("ix_agreement_party_country_agreement")
        batch_op.drop_index(batch_op.f("ix_agreement_party_agreement_id"))

    op.drop_table("agreement_party")
    with op.batch_alter_table("agreement_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_document_agreement_id"))

    op.drop_table("agreement_document")
    with op.batch_alter_table("official_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_official_post_official_id"))

    op.drop_table("official_post")
    with op.batch_alter_table("official_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_official_name_official_id"))

    op.drop_table("official_name")
    with op.batch_alter_table("mechanism_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mechanism_role_mechanism_id"))
        batch_op.drop_index(batch_op.f("ix_mechanism_role_holder_country_code"))
        batch_op.drop_index(batch_op.f("ix_mechanism_role_holder_agency_id"))

    op.drop_table("mechanism_role")
    with op.batch_alter_table("mechanism_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mechanism_member_mechanism_id"))
        batch_op.drop_index(batch_op.f("ix_mechanism_member_agency_id"))

    op.drop_table("mechanism_member")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_title_key"))
        batch_op.drop_index(batch_op.f("ix_agreement_supersedes_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_status"))
        batch_op.drop_index(batch_op.f("ix_agreement_kind"))
        batch_op.drop_index(batch_op.f("ix_agreement_amends_id"))

    op.drop_table("agreement")
    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_official_name_key"))
        batch_op.drop_index(batch_op.f("ix_official_agency_id"))

    op.drop_table("official")
    with op.batch_alter_table("mechanism", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mechanism_name_key"))
        batch_op.drop_index(batch_op.f("ix_mechanism_host_agency_id"))

    op.drop_table("mechanism")
    with op.batch_alter_table("agency_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_name_agency_id"))

    op.drop_table("agency_name")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_parent_id"))
        batch_op.drop_index(batch_op.f("ix_agency_name_key"))
        batch_op.drop_index(batch_op.f("ix_agency_country_code"))

    op.drop_table("agency")
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entry_record")
        batch_op.drop_index(batch_op.f("ix_search_entry_key"))

    op.drop_table("search_entry")
    op.drop_table("country")
