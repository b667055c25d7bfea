CREATE TABLE org (
	id INT NOT NULL IDENTITY(1,1),
	name NVARCHAR(100) NOT NULL,
	owner_id BIGINT,
	PRIMARY KEY (id),
	UNIQUE (name)
);

CREATE TABLE [user] (
	id BIGINT NOT NULL IDENTITY(1,1),
	org_id INT,
	name NVARCHAR(50) NOT NULL,
	age SMALLINT,
	email NVARCHAR(200),
	status NVARCHAR(8) DEFAULT 'active' NOT NULL,
	created DATETIMEOFFSET DEFAULT CURRENT_TIMESTAMP NOT NULL,
	manager_id BIGINT,
	PRIMARY KEY (id),
	UNIQUE (email),
	CONSTRAINT user_status CHECK (status IN (N'active', N'it''s off')),
	CONSTRAINT ck_user_age CHECK (age >= 0),
	FOREIGN KEY (org_id) REFERENCES org (id) ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT fk_user_manager FOREIGN KEY (manager_id) REFERENCES [user] (id)
);

CREATE INDEX ix_user_name ON [user] (name);

CREATE INDEX ix_user_name_age ON [user] (name, age);

CREATE TABLE [order] (
	user_id BIGINT NOT NULL,
	number INT NOT NULL,
	ref UNIQUEIDENTIFIER NOT NULL,
	total NUMERIC(10, 2) DEFAULT 0 NOT NULL,
	paid BIT,
	placed DATE,
	at TIME,
	stamp DATETIME2,
	ratio FLOAT,
	note NVARCHAR(max),
	data NVARCHAR(max),
	blob VARBINARY(max),
	CONSTRAINT pk_order PRIMARY KEY (user_id, number),
	CONSTRAINT fk_order_user FOREIGN KEY (user_id) REFERENCES [user] (id) ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE UNIQUE INDEX ux_order_ref ON [order] (ref);

CREATE TABLE item (
	id INT NOT NULL IDENTITY(1,1),
	order_user BIGINT NOT NULL,
	order_number INT NOT NULL,
	line SMALLINT NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT uq_item_line UNIQUE (order_user, order_number, line),
	FOREIGN KEY (order_user, order_number) REFERENCES [order] (user_id, number) ON DELETE CASCADE
);

ALTER TABLE org ADD CONSTRAINT fk_org_owner_id_user FOREIGN KEY (owner_id) REFERENCES [user] (id) ON DELETE SET NULL;
