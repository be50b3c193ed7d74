"""The 建档立卡 roster: schema, synthetic generator and (later) importer."""
