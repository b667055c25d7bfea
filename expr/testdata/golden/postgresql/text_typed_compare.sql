-- postgresql 15.6
SELECT name FROM users WHERE id = (select max(id) from users)
-- returns rows: true ["name"]
-- args: 0
