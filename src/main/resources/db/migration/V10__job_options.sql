-- Flotilla's job extensions (delivery, rollout, continuous, end) as their API JSON, on jobs and on scheduled jobs'
-- definitions; and why a policy stopped or cancelled a job (e.g. SuccessGate).
ALTER TABLE jobs ADD COLUMN options VARCHAR(10000);
ALTER TABLE jobs ADD COLUMN status_reason VARCHAR(64);
ALTER TABLE scheduled_jobs ADD COLUMN options VARCHAR(10000);
