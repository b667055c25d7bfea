-- sqlite 3.45.1
SELECT id FROM users WHERE age > ? UNION SELECT user_id FROM "order" WHERE total > ?
-- returns rows: true ["id"]
-- args: 2
int64(1)
float64(2)
