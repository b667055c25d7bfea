-- mssql 16.0.4105.2
SELECT users.id, users.name, users.email, users.age, users.active, users.manager_id, users.status FROM users
-- returns rows: true ["id" "name" "email" "age" "active" "manager_id" "status"]
-- args: 0
