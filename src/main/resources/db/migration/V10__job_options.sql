-- Flotilla's job extensions (delivery, rollout, continuous, end) as their API JSON, on jobs and on scheduled jobs'
-- definitions; and why a policy stopped or cancelled a job (e.g. SuccessGate).
ALTER TABLE jobs ADD COLUMN options VARCHAR(10000);
ALTER TABLE jobs ADD COLUMN status_reason VARCHAR(64);
ALTER TABLE scheduled_jobs ADD COLUMN options VARCHAR(10000);

-- The devices of a continuous job (one that also reaches devices joining its group while it runs): written only for
-- such jobs, so a device that joins is added once however often it changes.
CREATE TABLE job_members (
  job_no     BIGINT        NOT NULL,
  device_id  VARCHAR(128)  NOT NULL,
  PRIMARY KEY (job_no, device_id)
);
