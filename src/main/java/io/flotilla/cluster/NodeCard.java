package io.flotilla.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * What a member tells the others about itself, refreshed every discovery interval: its node name (as in job leases),
 * the host name devices connect to, its ports and its number of device sessions.
 */
public record NodeCard(String memberId, String nodeName, String hostName, int httpPort, int mqttPort, int sessions,
                       Instant updated) {
  private static final ObjectMapper JSON = new ObjectMapper();

  String toJson() {
    ObjectNode o = JSON.createObjectNode().put("memberId", memberId).put("nodeName", nodeName)
        .put("hostName", hostName).put("httpPort", httpPort).put("mqttPort", mqttPort).put("sessions", sessions)
        .put("updated", updated.toString());
    return o.toString();
  }

  static NodeCard fromJson(String json) {
    try {
      var o = JSON.readTree(json);
      return new NodeCard(o.path("memberId").asText(), o.path("nodeName").asText(), o.path("hostName").asText(),
          o.path("httpPort").asInt(), o.path("mqttPort").asInt(), o.path("sessions").asInt(),
          Instant.parse(o.path("updated").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
