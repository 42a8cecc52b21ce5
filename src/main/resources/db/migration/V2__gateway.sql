-- Device gateway: latest telemetry values, latest command invocations, enrollment groups.
-- Portable between H2 2.x and PostgreSQL 15. The root component is stored as ''.

CREATE TABLE device_telemetry (
  device_id   VARCHAR(128)     NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  component   VARCHAR(128)     NOT NULL,
  name        VARCHAR(300)     NOT NULL,
  value_json  VARCHAR(1000000) NOT NULL,
  ts_micros   BIGINT           NOT NULL,
  PRIMARY KEY (device_id, component, name)
);

CREATE TABLE device_commands (
  device_id   VARCHAR(128)     NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  component   VARCHAR(128)     NOT NULL,
  name        VARCHAR(300)     NOT NULL,
  invocation  VARCHAR(1000000) NOT NULL,
  invoked_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (device_id, component, name)
);

CREATE TABLE enrollment_groups (
  id             VARCHAR(255)  PRIMARY KEY,
  display_name   VARCHAR(1000) NOT NULL,
  enabled        BOOLEAN       NOT NULL,
  group_type     VARCHAR(16)   NOT NULL,
  primary_key    VARCHAR(200)  NOT NULL,
  secondary_key  VARCHAR(200)  NOT NULL,
  etag           VARCHAR(64)   NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
