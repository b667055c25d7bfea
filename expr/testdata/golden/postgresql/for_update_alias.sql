-- postgresql 15.6
SELECT users.id FROM users JOIN users AS m ON m.id = users.manager_id FOR UPDATE NOWAIT
-- returns rows: true ["id"]
-- args: 0
