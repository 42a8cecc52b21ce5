-- Keyset pages of the 2022-10-31-preview list parameters (filter, orderby): device groups and device templates
-- ordered by displayName, devices filtered on their template and ordered by displayName, templates filtered on the
-- @id of their capability model. A template without displayName is stored with '' (the repository reads it back as
-- none) so that its rows take part in the (display_name, id) order.
CREATE INDEX device_groups_display_name ON device_groups (display_name, id);
UPDATE device_templates SET display_name = '' WHERE display_name IS NULL;
DROP INDEX device_templates_display_name;
CREATE INDEX device_templates_display_name ON device_templates (display_name, id);
ALTER TABLE device_templates ADD COLUMN capability_model_id VARCHAR(2048);
CREATE INDEX device_templates_capability_model ON device_templates (capability_model_id, id);
CREATE INDEX devices_template_display_name ON devices (template_id, display_name, id);
