-- mariadb 10.11.6-MariaDB
INSERT INTO tree () VALUES () RETURNING id
-- returns rows: true ["id"]
-- args: 0
