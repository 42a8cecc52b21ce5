package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.PropertyView;
import io.flotilla.domain.template.CapabilityPath;
import java.util.List;

/** The desired-properties patch a property (or the cloud document a cloud-property) job writes on each device. */
public final class DesiredPatch {
  private DesiredPatch() {
  }

  /** {@code {"prop": v, "component": {"__t": "c", "prop": v}}} from the job's entries. */
  public static ObjectNode of(List<JobItem> items) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    for (JobItem item : items) {
      CapabilityPath path = CapabilityPath.parse(item.path());
      JsonNode value = item.value();
      if (path.component() == null) {
        patch.set(path.name(), value);
      } else {
        JsonNode existing = patch.get(path.component());
        ObjectNode level = existing instanceof ObjectNode o ? o : patch.putObject(path.component());
        level.put(PropertyView.COMPONENT_MARKER, "c");
        level.set(path.name(), value);
      }
    }
    return patch;
  }
}
