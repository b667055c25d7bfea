-- sqlite 3.45.1
SELECT users.id FROM users JOIN users AS m ON m.id = users.manager_id
-- returns rows: true ["id"]
-- args: 0
