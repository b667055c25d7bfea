-- mysql 8.0.36
SELECT id, name, email, age, active, manager_id, status FROM users
-- returns rows: true ["id" "name" "email" "age" "active" "manager_id" "status"]
-- args: 0
