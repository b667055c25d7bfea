-- sqlite 3.45.1
INSERT INTO tree DEFAULT VALUES RETURNING id
-- returns rows: true ["id"]
-- args: 0
