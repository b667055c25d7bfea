-- postgresql 15.6
INSERT INTO tree DEFAULT VALUES RETURNING id
-- returns rows: true ["id"]
-- args: 0
