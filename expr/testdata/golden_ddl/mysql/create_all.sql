CREATE TABLE org (
	id INTEGER NOT NULL AUTO_INCREMENT,
	name VARCHAR(100) NOT NULL COMMENT 'legal name, with a \\ and a ''',
	owner_id BIGINT,
	PRIMARY KEY (id),
	UNIQUE (name)
) COMMENT='Who''s who';

CREATE TABLE user (
	id BIGINT NOT NULL AUTO_INCREMENT,
	org_id INTEGER,
	name VARCHAR(50) NOT NULL,
	age SMALLINT,
	email VARCHAR(200),
	status ENUM('active', 'it''s off') DEFAULT 'active' NOT NULL,
	created DATETIME(6) DEFAULT CURRENT_TIMESTAMP NOT NULL,
	manager_id BIGINT,
	PRIMARY KEY (id),
	UNIQUE (email),
	CONSTRAINT ck_user_age CHECK (age >= 0),
	FOREIGN KEY (org_id) REFERENCES org (id) ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT fk_user_manager FOREIGN KEY (manager_id) REFERENCES user (id)
);

CREATE INDEX ix_user_name ON user (name);

CREATE INDEX ix_user_name_age ON user (name, age);

CREATE TABLE `order` (
	user_id BIGINT NOT NULL,
	number INTEGER NOT NULL,
	ref CHAR(36) NOT NULL,
	total DECIMAL(10, 2) DEFAULT 0 NOT NULL,
	paid BOOL,
	placed DATE,
	at TIME,
	stamp DATETIME(6),
	ratio DOUBLE,
	note TEXT,
	data JSON,
	`blob` LONGBLOB,
	CONSTRAINT pk_order PRIMARY KEY (user_id, number),
	CONSTRAINT fk_order_user FOREIGN KEY (user_id) REFERENCES user (id) ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE UNIQUE INDEX ux_order_ref ON `order` (ref);

CREATE TABLE item (
	id INTEGER NOT NULL AUTO_INCREMENT,
	order_user BIGINT NOT NULL,
	order_number INTEGER NOT NULL,
	line SMALLINT NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT uq_item_line UNIQUE (order_user, order_number, line),
	FOREIGN KEY (order_user, order_number) REFERENCES `order` (user_id, number) ON DELETE CASCADE
);

ALTER TABLE org ADD CONSTRAINT fk_org_owner_id_user FOREIGN KEY (owner_id) REFERENCES user (id) ON DELETE SET NULL;
