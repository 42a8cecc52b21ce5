-- File uploads (issue 17): the application's one upload configuration (/fileUploads; at most one row, id 1) and every
-- upload a device asked for (POST /devices/{id}/files), with what became of it: the bytes stored (size_bytes,
-- stored_at) and the device's completion notification (completed_at, success, status_code, status_description).
CREATE TABLE file_upload_settings (
  id                 INT            NOT NULL PRIMARY KEY,
  account            VARCHAR(255),
  connection_string  VARCHAR(4096)  NOT NULL,
  container          VARCHAR(63)    NOT NULL,
  sas_ttl_seconds    BIGINT         NOT NULL,
  read_access        BOOLEAN        NOT NULL,
  state              VARCHAR(16)    NOT NULL,
  etag               VARCHAR(64)    NOT NULL,
  signing_key        VARCHAR(128)   NOT NULL
);
CREATE TABLE file_uploads (
  correlation_id     VARCHAR(64)    NOT NULL PRIMARY KEY,
  device_id          VARCHAR(255)   NOT NULL,
  container          VARCHAR(63)    NOT NULL,
  blob_name          VARCHAR(1024)  NOT NULL,
  requested_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  size_bytes         BIGINT,
  stored_at          TIMESTAMP WITH TIME ZONE,
  completed_at       TIMESTAMP WITH TIME ZONE,
  success            BOOLEAN,
  status_code        INT,
  status_description VARCHAR(1024)
);
CREATE INDEX file_uploads_device ON file_uploads (device_id, correlation_id);
