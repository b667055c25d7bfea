-- postgresql 15.6
SELECT name FROM users WHERE age > $1 AND id IN (SELECT "order".user_id FROM "order" WHERE total > $2)
-- returns rows: true ["name"]
-- args: 2
int64(1)
float64(5.5)
