package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.Twin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * Brings the device's rows from what {@code before} indexed to what {@code after} does, touching only the names whose
   * value changed (a twin write that changes only desired properties, like a property job's fold, writes nothing here).
   */
  static void refresh(Connection c, String deviceId, Twin before, Twin after) throws SQLException {
    Map<String, JsonNode> old = values(before);
    Map<String, JsonNode> now = values(after);
    if (old.equals(now)) {
      return;
    }
    List<String> gone = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : old.entrySet()) {
      if (!e.getValue().equals(now.get(e.getKey()))) {
        gone.add(e.getKey());
      }
    }
    Map<String, JsonNode> added = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : now.entrySet()) {
      if (!e.getValue().equals(old.get(e.getKey()))) {
        added.put(e.getKey(), e.getValue());
      }
    }
    if (!gone.isEmpty()) {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM device_property_values WHERE device_id = ? "
          + "AND name = ?")) {
        for (String name : gone) {
          del.setString(1, deviceId);
          del.setString(2, name);
          del.addBatch();
        }
        del.executeBatch();
      }
    }
    if (added.isEmpty()) {
      return;
    }
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO device_property_values "
        + "(device_id, name, str_value, num_value, bool_value) VALUES (?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, JsonNode> e : added.entrySet()) {
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

  /** The indexed values of a twin by name: reported ones, then cloud ones over them. */
  static Map<String, JsonNode> values(Twin twin) {
    Map<String, JsonNode> values = new LinkedHashMap<>();
    collect(twin.reported(), null, values);
    collect(twin.cloud(), null, values);
    return values;
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
