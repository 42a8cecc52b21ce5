-- Module identities of devices (IoT Hub modules, issue 17): a module is known once it first connected with a SAS
-- token signed by its key (derived from the device's key, so no key is stored). Each has its own twin, latest
-- telemetry values and latest command runs; all go with the device.
CREATE TABLE device_modules (
  device_id         VARCHAR(128)     NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  module_id         VARCHAR(128)     NOT NULL,
  desired           VARCHAR(1000000) NOT NULL,
  desired_version   BIGINT           NOT NULL,
  desired_metadata  VARCHAR(1000000) NOT NULL,
  reported          VARCHAR(1000000) NOT NULL,
  reported_version  BIGINT           NOT NULL,
  reported_metadata VARCHAR(1000000) NOT NULL,
  created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (device_id, module_id)
);

CREATE TABLE module_telemetry (
  device_id   VARCHAR(128)     NOT NULL,
  module_id   VARCHAR(128)     NOT NULL,
  component   VARCHAR(128)     NOT NULL,
  name        VARCHAR(300)     NOT NULL,
  value_json  VARCHAR(1000000) NOT NULL,
  ts_micros   BIGINT           NOT NULL,
  PRIMARY KEY (device_id, module_id, component, name),
  FOREIGN KEY (device_id, module_id) REFERENCES device_modules (device_id, module_id) ON DELETE CASCADE
);

CREATE TABLE module_commands (
  device_id   VARCHAR(128)     NOT NULL,
  module_id   VARCHAR(128)     NOT NULL,
  component   VARCHAR(128)     NOT NULL,
  name        VARCHAR(300)     NOT NULL,
  invocation  VARCHAR(1000000) NOT NULL,
  PRIMARY KEY (device_id, module_id, component, name),
  FOREIGN KEY (device_id, module_id) REFERENCES device_modules (device_id, module_id) ON DELETE CASCADE
);
