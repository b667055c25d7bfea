DROP TABLE item;

DROP TABLE "order";

DROP TABLE user;

DROP TABLE org;
