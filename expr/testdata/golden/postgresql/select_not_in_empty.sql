-- postgresql 15.6
SELECT users.id FROM users WHERE users.id NOT IN (SELECT 1 WHERE 1!=1)
-- returns rows: true ["id"]
-- args: 0
