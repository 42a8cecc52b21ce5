package io.flotilla.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.SymmetricKeys;
import io.flotilla.protocol.TopicParameters;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated device's MQTT session, speaking the IoT Hub device protocol exactly like an SDK client: CONNECT with a
 * SAS token signed by the device key, subscribe to twin responses, desired patches and method requests, GET the twin,
 * report, send telemetry, answer methods. Runs on the simulator's context only; owned by {@link Simulator}.
 */
final class SimulatedDevice {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedDevice.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_KEEP_ALIVE_SECONDS = 65_535;
  private static final String API_VERSION = "2021-04-12";
  private static final String TWIN_RESPONSES = "$iothub/twin/res/";
  private static final String DESIRED = "$iothub/twin/PATCH/properties/desired/";
  private static final String METHODS = "$iothub/methods/POST/";

  /** Where the device is in its life; only {@link Simulator} changes it. */
  enum State { QUEUED, CONNECTING, ONLINE, WAITING, STOPPED }

  final String id;
  State state = State.QUEUED;
  /** When the next wake-up (telemetry or reconnect) is due, epoch millis; meaningful while {@link #scheduled}. */
  long due;
  boolean scheduled;
  int failures;
  private MqttClient client;
  private DeviceBehaviour behaviour;
  private String telemetryTopic;
  private String twinRid;
  private int rid;

  SimulatedDevice(String id) {
    this.id = id;
  }

  /**
   * Connects and subscribes; the future completes once the twin has been read and answered (the device is online),
   * or fails (refused, closed). {@code onClose} runs when an established connection closes.
   */
  Future<Void> connect(Vertx vertx, Simulator.Settings settings, String key, String templateId,
                       DeviceBehaviour behaviour, Instant now, Runnable onClose) {
    this.behaviour = behaviour;
    this.telemetryTopic = "devices/" + id + "/messages/events/%24.ct=application%2Fjson&%24.ce=utf-8";
    String resource = settings.hubHostName() + "/devices/" + id;
    String expiry = Long.toString(now.plus(settings.tokenLifetime()).getEpochSecond());
    String password = "SharedAccessSignature sr=" + resource + "&sig="
        + encode(SymmetricKeys.sign(key, resource + "\n" + expiry)) + "&se=" + expiry;
    String username = settings.hubHostName() + "/" + id + "/?api-version=" + API_VERSION
        + (templateId == null ? "" : "&model-id=" + encode(templateId));
    MqttClientOptions options = new MqttClientOptions()
        .setClientId(id).setUsername(username).setPassword(password)
        .setCleanSession(false)
        // Loopback in the same process: the close handler tells liveness, so keep-alive is as long as MQTT allows
        // (one idle check per connection every 18 h instead of pings every few minutes).
        .setKeepAliveInterval(MAX_KEEP_ALIVE_SECONDS)
        .setMaxMessageSize(256 * 1024 + 8 * 1024);
    options.setConnectTimeout(10_000);
    MqttClient c = MqttClient.create(vertx, options);
    this.client = c;
    io.vertx.core.Promise<Void> online = io.vertx.core.Promise.promise();
    c.publishHandler(m -> onMessage(m, online));
    return c.connect(settings.port(), settings.host()).compose(ack -> {
      c.closeHandler(v -> {
        online.tryFail("connection closed");
        onClose.run();
      });
      return c.subscribe(Map.of(TWIN_RESPONSES + "#", 0, DESIRED + "#", 0, METHODS + "#", 0));
    }).compose(subscribed -> {
      twinRid = "g" + (++rid);
      return c.publish("$iothub/twin/GET/?$rid=" + twinRid, Buffer.buffer(), MqttQoS.AT_MOST_ONCE, false, false);
    }).compose(sent -> online.future());
  }

  boolean connected() {
    return client != null && client.isConnected();
  }

  /** Publishes one round of telemetry (QoS 0: loopback, fire and forget). */
  void sendTelemetry() {
    if (!connected()) {
      return;
    }
    for (DeviceBehaviour.Message m : behaviour.telemetry()) {
      String topic = m.component() == null ? telemetryTopic : telemetryTopic + "&%24.sub=" + encode(m.component());
      client.publish(topic, Buffer.buffer(m.body().toString()), MqttQoS.AT_MOST_ONCE, false, false);
    }
  }

  /** Disconnects (politely) if connected. */
  Future<Void> disconnect() {
    MqttClient c = client;
    client = null;
    if (c == null || !c.isConnected()) {
      return Future.succeededFuture();
    }
    c.closeHandler(null);
    return c.disconnect().otherwiseEmpty();
  }

  private void onMessage(MqttPublishMessage m, io.vertx.core.Promise<Void> online) {
    String topic = m.topicName();
    try {
      if (topic.startsWith(TWIN_RESPONSES)) {
        if (twinRid != null && twinRid.equals(TopicParameters.get(topic, "$rid"))
            && topic.startsWith(TWIN_RESPONSES + "200/")) {
          twinRid = null;
          report(behaviour.afterTwin(JSON.readTree(m.payload().getBytes())));
          online.tryComplete();
        }
      } else if (topic.startsWith(DESIRED)) {
        JsonNode patch = JSON.readTree(m.payload().getBytes());
        String v = TopicParameters.get(topic, "$version");
        long version = v != null ? Long.parseLong(v) : patch.path("$version").asLong();
        report(behaviour.acknowledge(patch, version));
      } else if (topic.startsWith(METHODS)) {
        String rest = topic.substring(METHODS.length());
        int slash = rest.indexOf('/');
        String method = slash < 0 ? rest : rest.substring(0, slash);
        DeviceBehaviour.Answer a = behaviour.command(method);
        client.publish("$iothub/methods/res/" + a.status() + "/?$rid=" + TopicParameters.get(topic, "$rid"),
            a.body() == null ? Buffer.buffer() : Buffer.buffer(a.body().toString()), MqttQoS.AT_MOST_ONCE, false, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Simulated device {} ignored a message on {}: {}", id, topic, e.toString());
    }
  }

  private void report(ObjectNode patch) {
    if (patch.isEmpty() || !connected()) {
      return;
    }
    client.publish("$iothub/twin/PATCH/properties/reported/?$rid=r" + (++rid), Buffer.buffer(patch.toString()),
        MqttQoS.AT_MOST_ONCE, false, false);
  }


  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
