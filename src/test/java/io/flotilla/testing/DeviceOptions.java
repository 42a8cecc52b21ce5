package io.flotilla.testing;

import io.flotilla.gateway.mqtt.SasToken;
import io.vertx.mqtt.MqttClientOptions;
import java.time.Instant;

/** MQTT client options of a device session on host 127.0.0.1, signed with its key for an hour. */
public final class DeviceOptions {
  private DeviceOptions() {
  }

  public static MqttClientOptions hub(String deviceId, String key) {
    return new MqttClientOptions().setClientId(deviceId)
        .setUsername("127.0.0.1/" + deviceId + "/?api-version=2021-04-12")
        .setPassword(SasToken.create("127.0.0.1/devices/" + deviceId, key, Instant.now().plusSeconds(3600), false));
  }
}
