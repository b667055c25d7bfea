-- postgresql 15.6
SELECT id FROM users WHERE age > $1 UNION SELECT user_id FROM "order" WHERE total > $2
-- returns rows: true ["id"]
-- args: 2
int64(1)
float64(2)
