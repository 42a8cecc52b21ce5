package io.flotilla.domain.export;

import io.flotilla.domain.device.ExportSource;
import java.util.List;
import java.util.Map;

/**
 * A data export: while {@code enabled}, every event of {@code source} becomes a message, with the custom
 * {@code enrichments} (name to value), for each of its destinations.
 */
public record DataExport(String id, String displayName, boolean enabled, ExportSource source,
                         Map<String, String> enrichments, List<String> destinations) {
  public DataExport {
    enrichments = Map.copyOf(enrichments);
    destinations = List.copyOf(destinations);
  }
}
