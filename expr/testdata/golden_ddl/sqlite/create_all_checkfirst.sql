SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?
-- binds: "org";

SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?
-- binds: "user";

CREATE TABLE user (
	id INTEGER NOT NULL,
	org_id INTEGER,
	name VARCHAR(50) NOT NULL,
	age SMALLINT,
	email VARCHAR(200),
	status VARCHAR(8) DEFAULT 'active' NOT NULL,
	created TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL,
	manager_id BIGINT,
	PRIMARY KEY (id),
	UNIQUE (email),
	CONSTRAINT user_status CHECK (status IN ('active', 'it''s off')),
	CONSTRAINT ck_user_age CHECK (age >= 0),
	FOREIGN KEY (org_id) REFERENCES org (id) ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT fk_user_manager FOREIGN KEY (manager_id) REFERENCES user (id)
);

CREATE INDEX ix_user_name ON user (name);

CREATE INDEX ix_user_name_age ON user (name, age);

SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?
-- binds: "order";

CREATE TABLE "order" (
	user_id BIGINT NOT NULL,
	number INTEGER NOT NULL,
	ref CHAR(36) NOT NULL,
	total NUMERIC(10, 2) DEFAULT 0 NOT NULL,
	paid BOOLEAN,
	placed DATE,
	at TIME,
	stamp TIMESTAMP,
	ratio FLOAT,
	note TEXT,
	data JSON,
	blob BLOB,
	CONSTRAINT pk_order PRIMARY KEY (user_id, number),
	CONSTRAINT fk_order_user FOREIGN KEY (user_id) REFERENCES user (id) ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE UNIQUE INDEX ux_order_ref ON "order" (ref);

SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?
-- binds: "item";

CREATE TABLE item (
	id INTEGER NOT NULL,
	order_user BIGINT NOT NULL,
	order_number INTEGER NOT NULL,
	line SMALLINT NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT uq_item_line UNIQUE (order_user, order_number, line),
	FOREIGN KEY (order_user, order_number) REFERENCES "order" (user_id, number) ON DELETE CASCADE
);
