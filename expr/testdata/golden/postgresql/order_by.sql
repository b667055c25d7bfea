-- postgresql 15.6
SELECT users.id FROM users ORDER BY users.name, users.id DESC
-- returns rows: true ["id"]
-- args: 0
