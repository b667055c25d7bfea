-- mariadb 10.11.6-MariaDB
INSERT INTO `order` (id, total, `group`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `group` = VALUES(`group`), total = VALUES(total)
-- returns rows: false []
-- args: 3
int64(1)
float64(2.5)
string("g")
