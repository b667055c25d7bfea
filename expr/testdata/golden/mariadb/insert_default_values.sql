-- mariadb 10.11.6-MariaDB
INSERT INTO tree () VALUES ()
-- returns rows: false []
-- args: 0
