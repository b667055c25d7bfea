-- postgresql 15.6
SELECT users.id, users.name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
