-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users JOIN users AS m ON m.id = users.manager_id FOR UPDATE NOWAIT
-- returns rows: true ["id"]
-- args: 0
