"""One-time submission tokens for create forms (form_submission)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 22:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submission",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("result_path", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_form_submission_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submission")),
    )
    op.create_index(
        op.f("ix_form_submission_created_at"), "form_submission", ["created_at"], unique=False
    )
    op.create_index(op.f("ix_form_submission_user_id"), "form_submission", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_form_submission_user_id"), table_name="form_submission")
    op.drop_index(op.f("ix_form_submission_created_at"), table_name="form_submission")
    op.drop_table("form_submission")
