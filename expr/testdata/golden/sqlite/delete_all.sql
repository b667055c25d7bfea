-- sqlite 3.45.1
DELETE FROM "order"
-- returns rows: false []
-- args: 0
