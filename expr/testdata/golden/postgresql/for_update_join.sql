-- postgresql 15.6
SELECT users.id, "order".id FROM users JOIN "order" ON "order".user_id = users.id FOR UPDATE
-- returns rows: true ["id" "id"]
-- args: 0
