-- Device relationships (reference 5.7): a parent (source) and a child (target) device. Deleting either device
-- removes its relationships.
CREATE TABLE device_relationships (
  id          VARCHAR(255)  PRIMARY KEY,
  source      VARCHAR(128)  NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  target      VARCHAR(128)  NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX device_relationships_source ON device_relationships (source, id);
CREATE INDEX device_relationships_target ON device_relationships (target, id);
