-- Per-device job rows keyed by one BIGINT, k = job number x 2^32 + position, instead of (job_id, seq). On H2 a
-- single BIGINT primary key is the row store's own key: writing a device's result touches one B-tree instead of three
-- (row store, the composite primary key's index, and the desired-state index), and commits get as much cheaper
-- (measured on H2 2.3, 10,000 rows: expansion 110 -> 17 ms, results 180 -> 40 ms). The desired-state lookup of
-- property jobs moves to its own table, written only by property jobs. Jobs created before this version get
-- negative numbers; new ones take theirs from job_numbers.

CREATE SEQUENCE job_numbers START WITH 1;
ALTER TABLE jobs ADD COLUMN job_no BIGINT;
CREATE TABLE job_numbering (id VARCHAR(255) PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO job_numbering (id, n) SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM jobs;
UPDATE jobs SET job_no = -(SELECT n FROM job_numbering WHERE job_numbering.id = jobs.id);
DROP TABLE job_numbering;
ALTER TABLE jobs ALTER COLUMN job_no SET NOT NULL;

CREATE TABLE job_device_rows (
  k               BIGINT        PRIMARY KEY,
  job_id          VARCHAR(255)  NOT NULL,
  seq             BIGINT        NOT NULL,
  device_id       VARCHAR(128)  NOT NULL,
  status          SMALLINT      NOT NULL,
  error_code      VARCHAR(64),
  error_message   VARCHAR(1000),
  response_code   INT,
  desired_version BIGINT,
  updated_at      TIMESTAMP WITH TIME ZONE
);
INSERT INTO job_device_rows (k, job_id, seq, device_id, status, error_code, error_message, response_code,
                             desired_version, updated_at)
  SELECT j.job_no * 4294967296 + d.seq, d.job_id, d.seq, d.device_id, d.status, d.error_code, d.error_message,
         d.response_code, d.desired_version, d.updated_at
  FROM job_devices d JOIN jobs j ON j.id = d.job_id;

-- A property job's rows as the devices' desired state: applied in version order on every twin read (DesiredOverlays).
CREATE TABLE desired_overlays (
  device_id       VARCHAR(128)  NOT NULL,
  desired_version BIGINT        NOT NULL,
  job_id          VARCHAR(255)  NOT NULL,
  updated_at      TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (device_id, desired_version)
);
INSERT INTO desired_overlays (device_id, desired_version, job_id, updated_at)
  SELECT device_id, desired_version, job_id, updated_at FROM job_devices WHERE desired_version IS NOT NULL;

DROP TABLE job_devices;
ALTER TABLE job_device_rows RENAME TO job_devices;
