-- sqlite 3.45.1
UPDATE users SET status = ? WHERE id IN (SELECT "order".user_id FROM "order" WHERE "order".total > ?)
-- returns rows: false []
-- args: 2
string("buyer")
float64(10)
