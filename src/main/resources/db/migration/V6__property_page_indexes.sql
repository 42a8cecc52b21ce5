-- Pages of devices filtered by a property value walk (name, value, device_id) in device-id order.
DROP INDEX device_property_values_str;
DROP INDEX device_property_values_num;
CREATE INDEX device_property_values_str ON device_property_values (name, str_value, device_id);
CREATE INDEX device_property_values_num ON device_property_values (name, num_value, device_id);
CREATE INDEX device_property_values_bool ON device_property_values (name, bool_value, device_id);
