-- mariadb 10.11.6-MariaDB
INSERT INTO users (id, name, status) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name) RETURNING id
-- returns rows: true ["id"]
-- args: 3
int64(1)
string("ed")
string("new")
