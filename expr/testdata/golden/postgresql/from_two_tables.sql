-- postgresql 15.6
SELECT users.name, "order".total FROM users, "order" WHERE "order".user_id = users.id
-- returns rows: true ["name" "total"]
-- args: 0
