-- The job event log (docs/jobs.md "Events"). Every status change of a job and every batch of device outcomes it
-- records is an entry, numbered per job from jobs.event_seq (taken under the job row's lock in the transaction that
-- writes the entry, so entries commit in number order and a reader never sees entry n+1 without entry n). A device's
-- outcome is not a row of its own: its job_devices row (final outcome) or job_device_attempts row (an attempt after
-- which it waits) names the entry that wrote it (event_n), in the same update that writes the outcome.
ALTER TABLE jobs ADD COLUMN event_seq BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE job_devices ADD COLUMN event_n BIGINT;
ALTER TABLE job_device_attempts ADD COLUMN event_n BIGINT;

-- kind: 0 device outcomes (rows of positions first_seq..last_seq naming the entry), 1 status change.
CREATE TABLE job_events (
  job_id     VARCHAR(255)  NOT NULL,
  n          BIGINT        NOT NULL,
  kind       SMALLINT      NOT NULL,
  first_seq  BIGINT,
  last_seq   BIGINT,
  devices    INT,
  status     VARCHAR(16),
  reason     VARCHAR(64),
  at         TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (job_id, n)
);

-- Jobs from before the log start it with their current status (their earlier outcomes are not in it).
INSERT INTO job_events (job_id, n, kind, status, reason, at)
  SELECT id, 1, 1, status, status_reason, COALESCE(ended_at, started_at, created_at) FROM jobs;
UPDATE jobs SET event_seq = 1;
