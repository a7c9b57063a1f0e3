"""engagements: engagements, participants, sources, commitments, citizen protection

Revision ID: engagements_0001
Revises:
Create Date: 2026-11-23 17:22:17.321794
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "engagements_0001"
down_revision = None
branch_labels = ("engagements",)
depends_on = "registry_0001"


def upgrade() -> None:
    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("date_note", sa.String(length=500), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("place_country_code", sa.String(length=2), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("mechanism_id", sa.Integer(), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=True),
        sa.Column("crime_areas", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"], ["country.code"], name=op.f("fk_engagement_country_code_country")
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"], ["mechanism.id"], name=op.f("fk_engagement_mechanism_id_mechanism")
        ),
        sa.ForeignKeyConstraint(
            ["place_country_code"], ["country.code"], name=op.f("fk_engagement_place_country_code_country")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement")),
        sa.UniqueConstraint("ref", name=op.f("uq_engagement_ref")),
    )
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_country_held_on", ["country_code", "held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_engagement_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_engagement_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_engagement_mechanism_id"), ["mechanism_id"], unique=False)

    op.create_table(
        "citizen_protection_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("concerned", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"], ["country.code"], name=op.f("fk_citizen_protection_case_country_code_country")
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_citizen_protection_case_engagement_id_engagement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_protection_case")),
        sa.UniqueConstraint("ref", name=op.f("uq_citizen_protection_case_ref")),
    )
    with op.batch_alter_table("citizen_protection_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_citizen_protection_case_country_code"), ["country_code"], unique=False
        )

    op.create_table(
        "engagement_agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_engagement_agency_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_engagement_agency_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_agency")),
        sa.UniqueConstraint(
            "engagement_id", "agency_id", name=op.f("uq_engagement_agency_engagement_id_agency_id")
        ),
    )
    with op.batch_alter_table("engagement_agency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_engagement_agency_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_engagement_agency_engagement_id"), ["engagement_id"], unique=False
        )

    op.create_table(
        "engagement_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_engagement_participant_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["official_id"], ["official.id"], name=op.f("fk_engagement_participant_official_id_official")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_participant")),
        sa.UniqueConstraint(
            "engagement_id", "official_id", name=op.f("uq_engagement_participant_engagement_id_official_id")
        ),
    )
    with op.batch_alter_table("engagement_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_engagement_participant_engagement_id"), ["engagement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_engagement_participant_official_id"), ["official_id"], unique=False
        )

    op.create_table(
        "engagement_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("file", sa.String(length=300), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_engagement_source_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_source")),
    )
    with op.batch_alter_table("engagement_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_engagement_source_engagement_id"), ["engagement_id"], unique=False
        )

    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("crime_areas", sa.JSON(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("action_item_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_item_id"], ["action_item.id"], name=op.f("fk_commitment_action_item_id_action_item")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_commitment_agreement_id_agreement")
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"], ["engagement.id"], name=op.f("fk_commitment_engagement_id_engagement")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agency.id"], name=op.f("fk_commitment_owner_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_commitment_programme_id_programme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment")),
        sa.UniqueConstraint("ref", name=op.f("uq_commitment_ref")),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_engagement_id"), ["engagement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_owner_agency_id"), ["owner_agency_id"], unique=False)
        batch_op.create_index("ix_commitment_status_due", ["status", "due_date"], unique=False)

    op.create_table(
        "commitment_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_follow_up_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_follow_up")),
    )
    with op.batch_alter_table("commitment_follow_up", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitment_follow_up_commitment_id"), ["commitment_id"], unique=False
        )

    op.create_table(
        "commitment_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_commitment_party_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_party_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_party")),
        sa.UniqueConstraint(
            "commitment_id", "agency_id", name=op.f("uq_commitment_party_commitment_id_agency_id")
        ),
    )
    with op.batch_alter_table("commitment_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_party_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commitment_party_commitment_id"), ["commitment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("commitment_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_party_commitment_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_party_agency_id"))

    op.drop_table("commitment_party")
    with op.batch_alter_table("commitment_follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_follow_up_commitment_id"))

    op.drop_table("commitment_follow_up")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_status_due")
        batch_op.drop_index(batch_op.f("ix_commitment_owner_agency_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_kind"))
        batch_op.drop_index(batch_op.f("ix_commitment_engagement_id"))

    op.drop_table("commitment")
    with op.batch_alter_table("engagement_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_source_engagement_id"))

    op.drop_table("engagement_source")
    with op.batch_alter_table("engagement_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_participant_official_id"))
        batch_op.drop_index(batch_op.f("ix_engagement_participant_engagement_id"))

    op.drop_table("engagement_participant")
    with op.batch_alter_table("engagement_agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_agency_engagement_id"))
        batch_op.drop_index(batch_op.f("ix_engagement_agency_agency_id"))

    op.drop_table("engagement_agency")
    with op.batch_alter_table("citizen_protection_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_protection_case_country_code"))

    op.drop_table("citizen_protection_case")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_mechanism_id"))
        batch_op.drop_index(batch_op.f("ix_engagement_kind"))
        batch_op.drop_index(batch_op.f("ix_engagement_held_on"))
        batch_op.drop_index("ix_engagement_country_held_on")

    op.drop_table("engagement")
