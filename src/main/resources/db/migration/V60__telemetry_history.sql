-- Telemetry history: every telemetry value, one row per value, in one table per UTC day. On H2 each day is a table
-- of its own; on PostgreSQL each day is a range partition of telemetry_history (partitioned by ts_micros). Both are
-- created ahead and dropped whole by SqlTelemetryHistory (the PostgreSQL parent on first use, since its
-- PARTITION BY clause has no H2 form); this catalog lists the days that have one. Portable between H2 2.x and
-- PostgreSQL 15.

CREATE TABLE telemetry_partitions (
  day_date    DATE         PRIMARY KEY,
  table_name  VARCHAR(64)  NOT NULL
);
