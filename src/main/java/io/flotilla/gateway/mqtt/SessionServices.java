package io.flotilla.gateway.mqtt;

import io.flotilla.domain.device.TelemetryService;
import io.flotilla.domain.device.TwinService;
import io.flotilla.domain.provisioning.ProvisioningService;
import java.time.Clock;

/**
 * What device and DPS sessions use.
 *
 * @param hostName the host devices are told to connect to (DPS {@code assignedHub})
 * @param idScope the application's ID scope, which DPS usernames must name
 */
record SessionServices(TwinService twins, TelemetryService telemetry, ProvisioningService provisioning,
                       GatewayMetrics metrics, Clock clock, String hostName, String idScope,
                       io.flotilla.domain.provisioning.HubAssignment hubs) {
}
