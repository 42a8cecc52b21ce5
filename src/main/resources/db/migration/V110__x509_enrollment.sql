-- X.509 enrollment groups: the attestation kind and the signing certificates (a JSON object by entry, primary /
-- secondary, each with its certificate, thumbprint, verified flag, etag and pending verification code). Symmetric-key
-- groups keep attestation_type 'symmetricKey' and no certificates; x509 groups store empty keys.

ALTER TABLE enrollment_groups ADD COLUMN attestation_type VARCHAR(16) DEFAULT 'symmetricKey' NOT NULL;
ALTER TABLE enrollment_groups ADD COLUMN signing_certificates VARCHAR(100000);
