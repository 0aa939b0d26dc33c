"""Hand-written: rules the ORM cannot declare, applied after the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T16:48:49:000000"
VERSION = "1.38.0"
DESCRIPTION = "pricing rules: no overlapping bands or approved cards, statuses, uniqueness"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="pricing", description=DESCRIPTION)

    async def pricing_rules():
        # The domain and services check the same rules first (under a lock); these keep the
        # data right even if a bug slips past them.
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            # btree_gist lets an exclusion constraint mix equality on plain columns with date
            # ranges; it is a trusted extension (PostgreSQL 13+), so a database owner may create it.
            "CREATE EXTENSION IF NOT EXISTS btree_gist",
            """ALTER TABLE price_bands ADD CONSTRAINT price_bands_no_overlap EXCLUDE USING gist (
                lot WITH =, age_band WITH =, need_level WITH =, area WITH =,
                daterange(effective_from, effective_to, '[]') WITH &&)""",
            "ALTER TABLE price_bands ADD CONSTRAINT price_bands_floor CHECK (0 <= floor_pence AND floor_pence <= ceiling_pence)",
            """ALTER TABLE price_bands ADD CONSTRAINT price_bands_period
                CHECK (effective_to IS NULL OR effective_to >= effective_from)""",
            """ALTER TABLE rate_cards ADD CONSTRAINT rate_cards_approved_no_overlap EXCLUDE USING gist (
                provider WITH =, lot WITH =, daterange(effective_from, effective_to, '[]') WITH &&)
                WHERE (status = 'approved')""",
            "ALTER TABLE rate_cards ADD CONSTRAINT rate_cards_status CHECK (status IN ('submitted', 'approved', 'rejected'))",
            """ALTER TABLE rate_cards ADD CONSTRAINT rate_cards_period
                CHECK (effective_to IS NULL OR effective_to >= effective_from)""",
            # An uplift continues a card once: a second continuation would uplift twice.
            """ALTER TABLE rate_cards ADD CONSTRAINT rate_cards_previous_fkey
                FOREIGN KEY (previous) REFERENCES rate_cards (id) ON DELETE RESTRICT""",
            "CREATE UNIQUE INDEX rate_cards_previous_key ON rate_cards (previous) WHERE previous IS NOT NULL",
            """ALTER TABLE rate_card_lines ADD CONSTRAINT rate_card_lines_band_key
                UNIQUE (rate_card, age_band, need_level, area)""",
            "ALTER TABLE rate_card_lines ADD CONSTRAINT rate_card_lines_price CHECK (weekly_price_pence >= 0)",
            "ALTER TABLE rate_card_services ADD CONSTRAINT rate_card_services_key UNIQUE (rate_card, service)",
            "ALTER TABLE rate_card_services ADD CONSTRAINT rate_card_services_price CHECK (unit_price_pence >= 0)",
            "ALTER TABLE additional_services ADD CONSTRAINT additional_services_code_key UNIQUE (arrangement, code)",
            "ALTER TABLE additional_services ADD CONSTRAINT additional_services_unit CHECK (unit IN ('hour', 'session', 'week'))",
            "ALTER TABLE uplifts ADD CONSTRAINT uplifts_status CHECK (status IN ('draft', 'applied'))",
            "ALTER TABLE agreed_fees ADD CONSTRAINT agreed_fees_fee CHECK (weekly_fee_pence >= 0)",
            "CREATE INDEX agreed_fees_lot_band ON agreed_fees (lot, age_band, need_level, area)",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(pricing_rules)

    return manager
