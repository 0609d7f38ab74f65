"""settings an admin edits on /admin/settings (public URL, depot name, address, phone, mail
sender, payment instructions), over the environment's defaults

Revision ID: 7d2a5c8e1f30
Revises: 7a3c5e1f0b10
Create Date: 2026-12-02 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d2a5c8e1f30'
down_revision = '7a3c5e1f0b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('settings',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade():
    op.drop_table('settings')
