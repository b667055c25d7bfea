DROP INDEX ix_user_name ON user;

CREATE INDEX ix_user_name_age ON user (name, age);

ALTER TABLE org COMMENT = 'Who''s who';

-- error: alchemy: unsupported: the comment of column org.name: MySQL keeps it in the column's definition, which CreateTable writes;

ALTER TABLE user ADD CONSTRAINT fk_user_manager FOREIGN KEY (manager_id) REFERENCES user (id);

ALTER TABLE org DROP FOREIGN KEY fk_org_owner_id_user;
