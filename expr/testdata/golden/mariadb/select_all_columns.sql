-- mariadb 10.11.6-MariaDB
SELECT id, name, email, age, active, manager_id, status FROM users
-- returns rows: true ["id" "name" "email" "age" "active" "manager_id" "status"]
-- args: 0
