package io.flotilla.domain.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** One telemetry message as the history keeps it ({@code component} null: the root). */
public record TelemetryMessage(String deviceId, String component, Instant timestamp, ObjectNode values) {

  /** The path the query language names a value by: {@code name}, or {@code component.name}. */
  public String path(String name) {
    return component == null ? name : component + "." + name;
  }
}
