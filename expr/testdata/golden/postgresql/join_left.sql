-- postgresql 15.6
SELECT users.name, "order".total FROM users LEFT OUTER JOIN "order" ON "order".user_id = users.id
-- returns rows: true ["name" "total"]
-- args: 0
