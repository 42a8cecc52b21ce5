package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.Twin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps {@code device_property_values} in step with a twin: one row per primitive cloud or reported property
 * ({@code name} or {@code component.name}), so group filters on properties run in SQL. Cloud values win over
 * reported ones of the same name; a writable property's acknowledged {@code value} counts as its reported value.
 */
final class PropertyIndex {
  private static final String MARKER = "__t";

  private PropertyIndex() {
  }

  static void refresh(Connection c, String deviceId, Twin twin) throws SQLException {
    Map<String, JsonNode> values = new LinkedHashMap<>();
    collect(twin.reported(), null, values);
    collect(twin.cloud(), null, values);
    try (PreparedStatement del = c.prepareStatement("DELETE FROM device_property_values WHERE device_id = ?")) {
      del.setString(1, deviceId);
      del.executeUpdate();
    }
    if (values.isEmpty()) {
      return;
    }
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO device_property_values "
        + "(device_id, name, str_value, num_value, bool_value) VALUES (?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, JsonNode> e : values.entrySet()) {
        JsonNode v = e.getValue();
        ins.setString(1, deviceId);
        ins.setString(2, e.getKey());
        if (v.isTextual() && v.asText().length() <= 4096) {
          ins.setString(3, v.asText());
        } else {
          ins.setNull(3, Types.VARCHAR);
        }
        if (v.isNumber()) {
          ins.setDouble(4, v.asDouble());
        } else {
          ins.setNull(4, Types.DOUBLE);
        }
        if (v.isBoolean()) {
          ins.setBoolean(5, v.asBoolean());
        } else {
          ins.setNull(5, Types.BOOLEAN);
        }
        ins.addBatch();
      }
      ins.executeBatch();
    }
  }

  private static void collect(ObjectNode doc, String component, Map<String, JsonNode> out) {
    doc.fields().forEachRemaining(e -> {
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (key.startsWith("$") || key.equals(MARKER)) {
        return;
      }
      String name = component == null ? key : component + "." + key;
      if (component == null && v.isObject() && v.has(MARKER)) {
        collect((ObjectNode) v, key, out);
      } else if (v.isObject() && v.has("ac") && v.has("av") && v.has("value") && v.get("value").isValueNode()) {
        out.put(name, v.get("value"));
      } else if (v.isValueNode() && !v.isNull() && name.length() <= 300) {
        out.put(name, v);
      }
    });
  }
}
