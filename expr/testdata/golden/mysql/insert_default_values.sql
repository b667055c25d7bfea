-- mysql 8.0.36
INSERT INTO tree () VALUES ()
-- returns rows: false []
-- args: 0
