-- mssql 16.0.4105.2
SELECT users.name, m.name AS manager FROM users JOIN users AS m ON m.id = users.manager_id WHERE m.age > @p1
-- returns rows: true ["name" "manager"]
-- args: 1
int64(40)
