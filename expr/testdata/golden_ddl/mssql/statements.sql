DROP INDEX ix_user_name ON [user];

CREATE INDEX ix_user_name_age ON [user] (name, age);

-- error: alchemy: unsupported: the comment of table org: mssql keeps none that alchemy writes;

-- error: alchemy: unsupported: the comment of column org.name: mssql keeps none that alchemy writes;

ALTER TABLE [user] ADD CONSTRAINT fk_user_manager FOREIGN KEY (manager_id) REFERENCES [user] (id);

ALTER TABLE org DROP CONSTRAINT fk_org_owner_id_user;
