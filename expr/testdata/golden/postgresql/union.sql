-- postgresql 15.6
SELECT users.id FROM users WHERE users.age > $1 UNION SELECT "order".user_id FROM "order" WHERE "order".total > $2
-- returns rows: true ["id"]
-- args: 2
int64(1)
float64(2)
