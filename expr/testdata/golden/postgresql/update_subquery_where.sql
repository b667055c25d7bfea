-- postgresql 15.6
UPDATE users SET status = $1 WHERE id IN (SELECT "order".user_id FROM "order" WHERE "order".total > $2)
-- returns rows: false []
-- args: 2
string("buyer")
float64(10)
