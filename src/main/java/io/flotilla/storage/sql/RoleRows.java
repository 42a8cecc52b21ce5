package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import java.util.ArrayList;
import java.util.List;

/** Role assignments as stored (JSON text), for API tokens and audit-log entries alike. */
final class RoleRows {
  private RoleRows() {
  }

  static String write(List<RoleAssignment> roles) {
    ArrayNode a = JsonText.MAPPER.createArrayNode();
    for (RoleAssignment r : roles) {
      var o = a.addObject().put("role", r.role().id());
      if (r.organization() != null) {
        o.put("organization", r.organization());
      }
    }
    return JsonText.write(a);
  }

  static List<RoleAssignment> read(String text) {
    List<RoleAssignment> out = new ArrayList<>();
    for (JsonNode n : JsonText.read(text)) {
      Role.byId(n.path("role").asText()).ifPresent(role ->
          out.add(new RoleAssignment(role, n.hasNonNull("organization") ? n.get("organization").asText() : null)));
    }
    return out;
  }
}
