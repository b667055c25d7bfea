-- mysql 8.0.36
SELECT users.id FROM users EXCEPT SELECT `order`.user_id FROM `order`
-- returns rows: true ["id"]
-- args: 0
