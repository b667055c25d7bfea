-- postgresql 15.6
SELECT users.name, m.name AS manager FROM users JOIN users AS m ON m.id = users.manager_id WHERE m.age > $1
-- returns rows: true ["name" "manager"]
-- args: 1
int64(40)
