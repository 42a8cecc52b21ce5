-- Property jobs append their desired state instead of interleaving it (measured on H2 2.3, 100,000 devices, five jobs
-- back to back: the desired-state insert 0.8 -> 1.3 s growing with every job before, 0.5-0.6 s flat after; the commit
-- ~25 % cheaper). A property job's version, job and time are kept once per version (overlay_versions); the per-device
-- rows hold only (version, device), indexed in that order, so a new job's rows go after every existing one. A twin
-- read probes the outstanding versions above its own (few: OverlayCompaction folds the oldest ones).
CREATE TABLE overlay_versions (
  desired_version BIGINT        PRIMARY KEY,
  job_id          VARCHAR(255)  NOT NULL,
  updated_at      TIMESTAMP WITH TIME ZONE
);
INSERT INTO overlay_versions (desired_version, job_id, updated_at)
  SELECT desired_version, MIN(job_id), MAX(updated_at) FROM desired_overlays GROUP BY desired_version;

CREATE TABLE desired_overlay_rows (
  desired_version BIGINT        NOT NULL,
  device_id       VARCHAR(128)  NOT NULL
);
INSERT INTO desired_overlay_rows (desired_version, device_id)
  SELECT desired_version, device_id FROM desired_overlays ORDER BY desired_version, device_id;
DROP TABLE desired_overlays;
ALTER TABLE desired_overlay_rows RENAME TO desired_overlays;
-- not unique: a job's rows are unique by construction, and H2 checks a unique index with a second search per row
CREATE INDEX desired_overlays_version_device ON desired_overlays (desired_version, device_id);

-- A job's rows already carry the job and the position in their key (JobSpan): the copies go (smaller rows to write,
-- commit and update: on H2, 100,000 rows inserted ~15 % faster, committed ~20 % faster).
ALTER TABLE job_devices DROP COLUMN job_id;
ALTER TABLE job_devices DROP COLUMN seq;
