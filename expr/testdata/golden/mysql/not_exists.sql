-- mysql 8.0.36
SELECT name FROM users WHERE NOT EXISTS (SELECT `order`.id FROM `order` WHERE `order`.user_id = users.id)
-- returns rows: true ["name"]
-- args: 0
