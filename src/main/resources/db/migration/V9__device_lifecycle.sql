-- The explicit per-device lifecycle of jobs (docs/jobs.md): leases, waiting and retried devices, attempts, batches.
--
-- job_devices.status: 0 pending (dispatched when at or below the job's dispatch mark, under a lease), 1 dispatched
-- again (a retry, under the lease named by its job_device_waits row), 2 completed, 3 failed, 4 waiting.
-- The first attempt of every device stays on the fast path: a claim marks a range dispatched (one job_dispatch
-- update and one job_leases row per claim, not per device); only the exceptions (waiting, retried) get rows below.

-- A claim of a job's devices by one engine. holder = the engine's node name and instance; the holder renews its
-- leases while it lives. A range lease covers positions [first_seq, last_seq] (its pending rows are the devices it
-- sent); a lease without a range covers the job_device_waits rows that name it (devices sent again).
CREATE SEQUENCE job_lease_ids START WITH 1;
CREATE TABLE job_leases (
  id          BIGINT        PRIMARY KEY,
  job_id      VARCHAR(255)  NOT NULL,
  first_seq   BIGINT,
  last_seq    BIGINT,
  holder      VARCHAR(255)  NOT NULL,
  expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX job_leases_holder ON job_leases (holder);
CREATE INDEX job_leases_expiry ON job_leases (expires_at);

-- Devices off the fast path: waiting (reason 0) for their next attempt (due_at), (1) for a connection (due_at NULL,
-- until deadline; set due when it connects), (2) for their acknowledgement of a confirmed property job's desired
-- version (until deadline, if any); or sent again under lease_id. attempt = attempts made so far.
CREATE TABLE job_device_waits (
  k           BIGINT        PRIMARY KEY,
  job_no      BIGINT        NOT NULL,
  device_id   VARCHAR(128)  NOT NULL,
  reason      SMALLINT      NOT NULL,
  attempt     INT           NOT NULL,
  due_at      TIMESTAMP WITH TIME ZONE,
  deadline    TIMESTAMP WITH TIME ZONE,
  lease_id    BIGINT
);
CREATE INDEX job_device_waits_due ON job_device_waits (job_no, due_at);
CREATE INDEX job_device_waits_deadline ON job_device_waits (job_no, deadline);
CREATE INDEX job_device_waits_device ON job_device_waits (device_id);
CREATE INDEX job_device_waits_lease ON job_device_waits (lease_id);

-- Every attempt of a device that was retried, but its last (the job_devices row itself is the last attempt).
CREATE TABLE job_device_attempts (
  k             BIGINT        NOT NULL,
  n             INT           NOT NULL,
  at            TIMESTAMP WITH TIME ZONE,
  status        SMALLINT      NOT NULL,
  error_code    VARCHAR(64),
  error_message VARCHAR(1000),
  response_code INT,
  PRIMARY KEY (k, n)
);

-- A job's batches as they start (running) and are judged (done, gated, cancelled).
CREATE TABLE job_batches (
  job_id      VARCHAR(255)  NOT NULL,
  batch_no    INT           NOT NULL,
  first_seq   BIGINT        NOT NULL,
  last_seq    BIGINT        NOT NULL,
  status      VARCHAR(16)   NOT NULL,
  started_at  TIMESTAMP WITH TIME ZONE,
  ended_at    TIMESTAMP WITH TIME ZONE,
  completed   INT,
  failed      INT,
  PRIMARY KEY (job_id, batch_no)
);

-- Commands sent before this version by an unfinished job belong to a lease of no live engine: the first engine to
-- start recovers them (pending rows at or below the mark fail Interrupted, as before). Their ids are negative.
INSERT INTO job_leases (id, job_id, first_seq, last_seq, holder, expires_at)
  SELECT -ROW_NUMBER() OVER (ORDER BY d.job_id), d.job_id, 1, d.through, 'before-V9', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00'
  FROM job_dispatch d JOIN jobs j ON j.id = d.job_id
  WHERE d.through > 0 AND j.status IN ('pending', 'running', 'stopped');
