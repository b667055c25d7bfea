ALTER TABLE org DROP CONSTRAINT fk_org_owner_id_user;

DROP TABLE item;

DROP TABLE "order";

DROP TABLE "user";

DROP TABLE org;
