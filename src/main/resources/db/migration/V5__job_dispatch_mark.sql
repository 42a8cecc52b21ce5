-- A command job marks devices dispatched once per claim instead of once per row: positions up to `through` that are
-- still pending (status 0) were sent and await their answer. Claims are monotonic per job.
CREATE TABLE job_dispatch (
  job_id   VARCHAR(255) PRIMARY KEY,
  through  BIGINT       NOT NULL
);

INSERT INTO job_dispatch (job_id, through)
  SELECT j.id, COALESCE((SELECT MAX(d.seq) FROM job_devices d WHERE d.job_id = j.id AND d.status = 1), 0)
  FROM jobs j;

UPDATE job_devices SET status = 0 WHERE status = 1;
