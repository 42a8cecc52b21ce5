package io.flotilla.domain.device;

import java.util.List;

/** A registered device. {@code templateId} is null for an unassigned ("unmodeled") device. */
public record Device(String id, String displayName, String templateId, boolean enabled, boolean simulated,
                     boolean provisioned, String etag, List<String> organizations) {

  public Device withProvisioned(boolean p) {
    return new Device(id, displayName, templateId, enabled, simulated, p, etag, organizations);
  }

  public Device withEtag(String e) {
    return new Device(id, displayName, templateId, enabled, simulated, provisioned, e, organizations);
  }
}
