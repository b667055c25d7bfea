-- sqlite 3.45.1
SELECT id, name, email, age, active, manager_id, status FROM users
-- returns rows: true ["id" "name" "email" "age" "active" "manager_id" "status"]
-- args: 0
