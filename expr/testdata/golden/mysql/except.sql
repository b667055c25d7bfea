-- mysql 8.0.36
SELECT id FROM users EXCEPT SELECT user_id FROM `order`
-- returns rows: true ["id"]
-- args: 0
