"""lesson library: codes, media type and duration, tags, publish date, target organisations

Revision ID: l1br4ry00001
Revises: r0l3sph0ne01
Create Date: 2026-12-06 20:15:44

A lesson gets its 编号 (the identity ``kiteline import lessons`` matches a re-import on), whether
it is an article or a micro-video (and how long), tags and a publish date; ``lesson_targets``
names the organisations a lesson is meant for (none: everyone). Existing lessons become
untargeted articles without a code.
"""
import sqlalchemy as sa
from alembic import op

revision = 'l1br4ry00001'
down_revision = 'r0l3sph0ne01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lesson_targets',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_lesson_targets_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_lesson_targets_org_id_organizations')),
    sa.PrimaryKeyConstraint('lesson_id', 'org_id', name=op.f('pk_lesson_targets'))
    )
    with op.batch_alter_table('lesson_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_targets_org_id'), ['org_id'], unique=False)

    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('media_type', sa.String(length=16), server_default='article', nullable=False))
        batch_op.add_column(sa.Column('duration_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tags', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_lessons_code'), ['code'])
        batch_op.create_check_constraint(op.f('ck_lessons_media_type'), "media_type IN ('article', 'video')")


def downgrade() -> None:
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_lessons_media_type'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_lessons_code'), type_='unique')
        batch_op.drop_column('published_on')
        batch_op.drop_column('tags')
        batch_op.drop_column('duration_seconds')
        batch_op.drop_column('media_type')
        batch_op.drop_column('code')

    with op.batch_alter_table('lesson_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_targets_org_id'))

    op.drop_table('lesson_targets')
