-- mariadb 10.11.6-MariaDB
UPDATE `order` SET `group` = ? WHERE `group` = ?
-- returns rows: false []
-- args: 2
string("vip")
string("std")
