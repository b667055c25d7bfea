-- mariadb 10.11.6-MariaDB
DELETE FROM `order`
-- returns rows: false []
-- args: 0
