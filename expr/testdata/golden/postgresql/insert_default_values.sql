-- postgresql 15.6
INSERT INTO tree DEFAULT VALUES
-- returns rows: false []
-- args: 0
