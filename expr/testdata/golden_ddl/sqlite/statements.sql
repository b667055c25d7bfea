DROP INDEX ix_user_name;

CREATE INDEX ix_user_name_age ON user (name, age);

-- error: alchemy: unsupported: the comment of table org: sqlite keeps none that alchemy writes;

-- error: alchemy: unsupported: the comment of column org.name: sqlite keeps none that alchemy writes;

-- error: alchemy: unsupported: SQLite has no ALTER TABLE ADD CONSTRAINT (foreign key fk_user_manager of table user): CreateTable writes it inline;

-- error: alchemy: unsupported: SQLite has no ALTER TABLE DROP CONSTRAINT (foreign key fk_org_owner_id_user of table org): CreateTable writes it inline;
