DROP INDEX ix_user_name;

CREATE INDEX ix_user_name_age ON "user" (name, age);

COMMENT ON TABLE org IS 'Who''s who';

COMMENT ON COLUMN org.name IS 'legal name, with a \ and a ''';

ALTER TABLE "user" ADD CONSTRAINT fk_user_manager FOREIGN KEY (manager_id) REFERENCES "user" (id);

ALTER TABLE org DROP CONSTRAINT fk_org_owner_id_user;
