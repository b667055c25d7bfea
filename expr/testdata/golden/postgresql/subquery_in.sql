-- postgresql 15.6
SELECT name FROM users WHERE id IN (SELECT "order".user_id FROM "order" WHERE "order".total > $1)
-- returns rows: true ["name"]
-- args: 1
float64(100)
