-- sqlite 3.45.1
SELECT id FROM users EXCEPT SELECT user_id FROM "order"
-- returns rows: true ["id"]
-- args: 0
