-- Jobs and their per-device rows. A property job's row records the device's new desired $version: that row IS the
-- device's new desired state (folded into device_twins when the twin is next written), so a property job writes
-- one row per device in one statement.

CREATE SEQUENCE desired_versions START WITH 1000;

CREATE TABLE jobs (
  id               VARCHAR(255)     PRIMARY KEY,
  display_name     VARCHAR(1000),
  description      VARCHAR(4000),
  group_id         VARCHAR(255)     NOT NULL,
  kind             VARCHAR(32)      NOT NULL,
  items            VARCHAR(1000000) NOT NULL,
  batch_type       VARCHAR(16),
  batch_value      DOUBLE PRECISION,
  cancel_type      VARCHAR(16),
  cancel_value     DOUBLE PRECISION,
  cancel_per_batch BOOLEAN,
  status           VARCHAR(16)      NOT NULL,
  scheduled_job_id VARCHAR(255),
  rerun_of         VARCHAR(255),
  organizations    VARCHAR(1000),
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  started_at       TIMESTAMP WITH TIME ZONE,
  ended_at         TIMESTAMP WITH TIME ZONE,
  total            INT              NOT NULL,
  completed        INT              NOT NULL,
  failed           INT              NOT NULL,
  batch_size       INT              NOT NULL,
  desired_version  BIGINT           NOT NULL,
  failure          VARCHAR(4000)
);
CREATE INDEX jobs_status ON jobs (status);
CREATE INDEX jobs_scheduled ON jobs (scheduled_job_id, id);

-- seq: the device's position in the job, assigned in device-id order (so seq order is device-id order).
-- status: 0 pending, 1 dispatched (command sent, no answer recorded), 2 completed, 3 failed.
CREATE TABLE job_devices (
  job_id          VARCHAR(255)  NOT NULL,
  seq             BIGINT        NOT NULL,
  device_id       VARCHAR(128)  NOT NULL,
  status          SMALLINT      NOT NULL,
  error_code      VARCHAR(64),
  error_message   VARCHAR(1000),
  response_code   INT,
  desired_version BIGINT,
  updated_at      TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (job_id, seq)
);
CREATE INDEX job_devices_desired ON job_devices (device_id, desired_version);
