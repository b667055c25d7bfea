-- mariadb 10.11.6-MariaDB
SELECT users.name, m.name AS manager FROM users JOIN users AS m ON m.id = users.manager_id WHERE m.age > ?
-- returns rows: true ["name" "manager"]
-- args: 1
int64(40)
