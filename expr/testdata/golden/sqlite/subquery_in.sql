-- sqlite 3.45.1
SELECT users.name FROM users WHERE users.id IN (SELECT "order".user_id FROM "order" WHERE "order".total > ?)
-- returns rows: true ["name"]
-- args: 1
float64(100)
