-- sqlite 3.45.1
SELECT users.name FROM users WHERE users.age > ? AND users.id IN (SELECT "order".user_id FROM "order" WHERE total > ?)
-- returns rows: true ["name"]
-- args: 2
int64(1)
float64(5.5)
