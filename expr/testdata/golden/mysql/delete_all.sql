-- mysql 8.0.36
DELETE FROM `order`
-- returns rows: false []
-- args: 0
