-- Scheduled jobs: a job definition (JSON text as sent) and a schedule (JSON text), plus the scheduler's state in real
-- columns: next_run_at (null once completed), enabled, completed and runs (jobs started so far). series salts the
-- deterministic ids of the runs (fixed at creation).

CREATE TABLE scheduled_jobs (
  id                     VARCHAR(255)     PRIMARY KEY,
  display_name           VARCHAR(1000),
  description            VARCHAR(4000),
  group_id               VARCHAR(255)     NOT NULL,
  items                  VARCHAR(1000000) NOT NULL,
  batch                  VARCHAR(1000),
  cancellation_threshold VARCHAR(1000),
  organizations          VARCHAR(1000),
  schedule               VARCHAR(1000)    NOT NULL,
  enabled                BOOLEAN          NOT NULL,
  completed              BOOLEAN          NOT NULL,
  next_run_at            TIMESTAMP WITH TIME ZONE,
  runs                   INT              NOT NULL,
  series                 VARCHAR(64)      NOT NULL,
  etag                   VARCHAR(64)      NOT NULL,
  created_at             TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (next_run_at);
