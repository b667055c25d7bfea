-- postgresql 15.6
SELECT id, name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
