package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One command run on a device: what was sent and what the device answered.
 *
 * @param component null for a root command
 * @param request the request value as sent (null when none)
 * @param response the device's payload (null when empty)
 */
public record CommandInvocation(String id, String deviceId, String component, String name, int connectionTimeout,
                                int responseTimeout, JsonNode request, JsonNode response, int responseCode) {
}
