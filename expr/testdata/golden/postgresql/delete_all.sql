-- postgresql 15.6
DELETE FROM "order"
-- returns rows: false []
-- args: 0
