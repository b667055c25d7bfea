-- sqlite 3.45.1
INSERT INTO tree DEFAULT VALUES
-- returns rows: false []
-- args: 0
