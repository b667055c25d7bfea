-- mysql 8.0.36
UPDATE `order` SET `group` = ? WHERE `group` = ?
-- returns rows: false []
-- args: 2
string("vip")
string("std")
