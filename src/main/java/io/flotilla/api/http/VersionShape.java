package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What an older api-version does not show (reference §1.2): under {@code 1.0} there are no organizations, so
 * answers lose {@code organizations} (devices, groups, jobs, scheduled jobs) and a role assignment's
 * {@code organization}, in a resource and in each item of a list.
 */
final class VersionShape {
  private VersionShape() {
  }

  static Reply of(ApiVersion version, Reply reply) {
    if (version != ApiVersion.V1_0 || !(reply.body() instanceof ObjectNode body)) {
      return reply;
    }
    strip(body);
    if (body.get("value") != null && body.get("value").isArray()) {
      body.get("value").forEach(VersionShape::strip);
    }
    return reply;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove("organizations");
      JsonNode roles = o.get("roles");
      if (roles != null && roles.isArray()) {
        roles.forEach(r -> {
          if (r instanceof ObjectNode ro) {
            ro.remove("organization");
          }
        });
      }
    }
  }
}
