-- postgresql 15.6
UPDATE users SET active = $1
-- returns rows: false []
-- args: 1
bool(false)
