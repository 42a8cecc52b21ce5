package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** The latest value of one telemetry of one device ({@code component} null for the root). */
public record TelemetryValue(String deviceId, String component, String name, Instant timestamp, JsonNode value) {
}
