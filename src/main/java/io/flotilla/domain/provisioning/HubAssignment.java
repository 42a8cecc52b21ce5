package io.flotilla.domain.provisioning;

import io.vertx.core.Future;

/**
 * Which hub host name a device is told to connect to after it registers through DPS ({@code assignedHub}) (port; one
 * node answers its own host name, a cluster spreads devices over its nodes).
 */
public interface HubAssignment {
  Future<String> hubFor(String deviceId);

  static HubAssignment fixed(String hostName) {
    return deviceId -> Future.succeededFuture(hostName);
  }
}
