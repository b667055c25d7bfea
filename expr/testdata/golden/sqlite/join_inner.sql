-- sqlite 3.45.1
SELECT users.name, "order".total FROM users JOIN "order" ON "order".user_id = users.id WHERE "order".total > ?
-- returns rows: true ["name" "total"]
-- args: 1
float64(10)
