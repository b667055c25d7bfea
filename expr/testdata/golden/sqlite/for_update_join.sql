-- sqlite 3.45.1
SELECT users.id, "order".id FROM users JOIN "order" ON "order".user_id = users.id
-- returns rows: true ["id" "id"]
-- args: 0
