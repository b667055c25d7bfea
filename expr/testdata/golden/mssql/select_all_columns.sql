-- mssql 16.0.4105.2
SELECT id, name, email, age, active, manager_id, status FROM users
-- returns rows: true ["id" "name" "email" "age" "active" "manager_id" "status"]
-- args: 0
