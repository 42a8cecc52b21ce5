-- Flotilla foundation schema. Portable between H2 2.x and PostgreSQL 15: no dialect-specific types.
-- Filterable attributes are real, indexed columns; JSON text columns hold only opaque documents.

CREATE TABLE application (
  id          VARCHAR(36)  PRIMARY KEY,
  name        VARCHAR(200) NOT NULL,
  id_scope    VARCHAR(32)  NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE api_tokens (
  id           VARCHAR(255)  PRIMARY KEY,
  secret_hash  VARCHAR(64)   NOT NULL,
  roles        VARCHAR(8000) NOT NULL,
  expiry_ms    BIGINT        NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE device_templates (
  id            VARCHAR(2048)    PRIMARY KEY,
  display_name  VARCHAR(1000),
  document      VARCHAR(1000000) NOT NULL,
  etag          VARCHAR(64)      NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX device_templates_display_name ON device_templates (display_name);

CREATE TABLE devices (
  id            VARCHAR(128)  PRIMARY KEY,
  display_name  VARCHAR(148)  NOT NULL,
  template_id   VARCHAR(2048),
  enabled       BOOLEAN       NOT NULL,
  simulated     BOOLEAN       NOT NULL,
  provisioned   BOOLEAN       NOT NULL,
  etag          VARCHAR(64)   NOT NULL,
  attestation   VARCHAR(20000) NOT NULL,
  organizations VARCHAR(1000),
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX devices_template ON devices (template_id, id);
CREATE INDEX devices_display_name ON devices (display_name, id);
CREATE INDEX devices_enabled ON devices (enabled, id);
CREATE INDEX devices_simulated ON devices (simulated, id);
CREATE INDEX devices_provisioned ON devices (provisioned, id);

-- The device twin and cloud properties: opaque JSON documents with their versions.
CREATE TABLE device_twins (
  device_id         VARCHAR(128)     PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  desired           VARCHAR(1000000) NOT NULL,
  desired_version   BIGINT           NOT NULL,
  desired_metadata  VARCHAR(1000000) NOT NULL,
  reported          VARCHAR(1000000) NOT NULL,
  reported_version  BIGINT           NOT NULL,
  reported_metadata VARCHAR(1000000) NOT NULL,
  cloud             VARCHAR(1000000) NOT NULL,
  cloud_metadata    VARCHAR(1000000) NOT NULL
);

-- Primitive cloud and reported property values, one row each, so group filters on properties run in SQL.
CREATE TABLE device_property_values (
  device_id   VARCHAR(128)  NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  name        VARCHAR(300)  NOT NULL,
  str_value   VARCHAR(4096),
  num_value   DOUBLE PRECISION,
  bool_value  BOOLEAN,
  PRIMARY KEY (device_id, name)
);
CREATE INDEX device_property_values_str ON device_property_values (name, str_value);
CREATE INDEX device_property_values_num ON device_property_values (name, num_value);

CREATE TABLE device_groups (
  id            VARCHAR(255)  PRIMARY KEY,
  display_name  VARCHAR(1000) NOT NULL,
  description   VARCHAR(4000),
  filter        VARCHAR(4000) NOT NULL,
  etag          VARCHAR(64)   NOT NULL,
  organizations VARCHAR(1000),
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
