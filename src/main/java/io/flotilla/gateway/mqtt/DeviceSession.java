package io.flotilla.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.TelemetryService;
import io.flotilla.domain.device.TwinAccess;
import io.flotilla.gateway.mqtt.DeviceTopic.MethodResponse;
import io.flotilla.gateway.mqtt.DeviceTopic.TelemetryTopic;
import io.flotilla.gateway.mqtt.DeviceTopic.TwinGet;
import io.flotilla.gateway.mqtt.DeviceTopic.TwinReportedPatch;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttTopicSubscription;
import io.vertx.mqtt.MqttWill;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import io.vertx.mqtt.messages.MqttUnsubscribeMessage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected IoT Hub device: telemetry, twin and method traffic on its own topics. Anything outside them, a QoS 2
 * publish or a message over {@value #MAX_MESSAGE_BYTES} bytes closes the connection. Runs on its connection's
 * context; calls from elsewhere hop onto it.
 */
final class DeviceSession {
  static final int MAX_MESSAGE_BYTES = 256 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MqttEndpoint endpoint;
  private final String deviceId;
  private final Instant expiry;
  private final Context context;
  private final ContextMailbox mailbox;
  private final SessionRegistry registry;
  private final MqttDeviceChannel channel;
  private final SessionServices services;
  private final TwinAccess twins;
  private final TelemetryService telemetry;
  private volatile boolean methods;
  private volatile boolean desired;
  private volatile boolean c2d;
  private volatile boolean closed;
  /** C2D messages sent and not acknowledged: MQTT packet id to {@code message-id} (on the session's context only). */
  private final java.util.Map<Integer, String> c2dInFlight = new java.util.HashMap<>();

  DeviceSession(MqttEndpoint endpoint, String deviceId, Instant expiry, SessionRegistry registry,
                MqttDeviceChannel channel, SessionServices services) {
    this(endpoint, deviceId, expiry, registry, channel, services, services.twins(), services.telemetry());
  }

  /**
   * A session of {@code deviceId} (a device id, or a module's {@code {deviceId}/{moduleId}}) whose twin traffic goes
   * to {@code twins} and telemetry to {@code telemetry}.
   */
  DeviceSession(MqttEndpoint endpoint, String deviceId, Instant expiry, SessionRegistry registry,
                MqttDeviceChannel channel, SessionServices services, TwinAccess twins, TelemetryService telemetry) {
    this.twins = twins;
    this.telemetry = telemetry;
    this.endpoint = endpoint;
    this.deviceId = deviceId;
    this.expiry = expiry;
    this.context = Vertx.currentContext();
    this.mailbox = channel.mailbox(context);
    this.registry = registry;
    this.channel = channel;
    this.services = services;
  }

  String deviceId() {
    return deviceId;
  }

  Instant expiry() {
    return expiry;
  }

  boolean acceptsMethods() {
    return methods && !closed;
  }

  boolean acceptsC2d() {
    return c2d && !closed;
  }

  /** Installs the handlers and answers CONNACK. */
  void start() {
    endpoint.publishAutoAck(false);
    endpoint.subscriptionAutoAck(false);
    endpoint.publishHandler(this::onPublish);
    endpoint.subscribeHandler(this::onSubscribe);
    endpoint.unsubscribeHandler(this::onUnsubscribe);
    endpoint.publishAcknowledgeHandler(this::onPubAck);
    endpoint.disconnectHandler(v -> {
      closed = true; // a DISCONNECT discards the will (MQTT 3.1.1, 3.14.4)
      registry.unregister(this);
    });
    endpoint.exceptionHandler(e -> {
      LOG.debug("Closing session of {}: {}", deviceId, e.toString());
      close();
    });
    endpoint.closeHandler(v -> {
      boolean lost = !closed; // not closed by this side (blocked, replaced, expired, a violation) nor DISCONNECTed
      closed = true;
      registry.unregister(this);
      if (lost) {
        sendWill();
      }
    });
    endpoint.accept(false);
  }

  /** Whether a CONNECT's will (if any) is allowed: only on the device's own telemetry topic. */
  static boolean willAllowed(MqttWill will, String deviceId) {
    return will == null || !will.isWillFlag()
        || DeviceTopic.parse(will.getWillTopic()) instanceof TelemetryTopic t && t.ownedBy(deviceId);
  }

  /**
   * A connection the device lost (closed or broken without DISCONNECT, or its keep-alive ran out) publishes its will: IoT Hub forwards it as the device's telemetry
   * (device-protocol.md 1.2), so it is recorded as such.
   */
  private void sendWill() {
    MqttWill will = endpoint.will();
    if (will == null || !will.isWillFlag()
        || !(DeviceTopic.parse(will.getWillTopic()) instanceof TelemetryTopic t) || !t.ownedBy(deviceId)) {
      return;
    }
    byte[] body = will.getWillMessageBytes();
    if (body != null && body.length <= MAX_MESSAGE_BYTES) {
      telemetry.record(deviceId, t.properties().componentName().orElse(null), body,
          timestamp(t.properties()));
    }
  }

  /** Closes the connection (any thread). */
  void close() {
    closed = true;
    registry.unregister(this);
    onContext(() -> {
      if (endpoint.isConnected()) {
        endpoint.close();
      }
    });
  }

  void pushDesired(ObjectNode patch, long version) {
    if (!desired || closed) {
      return;
    }
    ObjectNode body = patch.deepCopy().put("$version", version);
    send(ServerTopics.desiredPatch(version), Buffer.buffer(body.toString()), MqttQoS.AT_MOST_ONCE);
  }

  void requestMethod(String name, String rid, String payload) {
    send(ServerTopics.methodRequest(name, rid), Buffer.buffer(payload), MqttQoS.AT_MOST_ONCE);
  }

  /** Publishes a C2D message with QoS 1; its PUBACK tells the queue that {@code messageId} was delivered. */
  void sendC2d(String topic, String body, String messageId) {
    onContext(() -> {
      if (!closed && endpoint.isConnected()) {
        endpoint.publish(topic, Buffer.buffer(body), MqttQoS.AT_LEAST_ONCE, false, false)
            .onSuccess(packetId -> c2dInFlight.put(packetId, messageId));
      }
    });
  }

  private void onPubAck(Integer packetId) {
    String messageId = c2dInFlight.remove(packetId);
    if (messageId != null) {
      channel.c2dDelivered(deviceId, messageId);
    }
  }

  private void send(String topic, Buffer body, MqttQoS qos) {
    onContext(() -> {
      if (!closed && endpoint.isConnected()) {
        endpoint.publish(topic, body, qos, false, false);
      }
    });
  }

  private void onContext(Runnable r) {
    mailbox.execute(r);
  }

  private void onPublish(MqttPublishMessage m) {
    if (m.qosLevel() == MqttQoS.EXACTLY_ONCE || m.payload().length() > MAX_MESSAGE_BYTES) {
      close();
      return;
    }
    DeviceTopic topic = DeviceTopic.parse(m.topicName());
    if (!topic.ownedBy(deviceId)) {
      LOG.debug("Device {} published on {}: closing", deviceId, m.topicName());
      close();
      return;
    }
    if (topic instanceof TelemetryTopic t) {
      services.metrics().telemetryMessages.increment();
      boolean ack = m.qosLevel() == MqttQoS.AT_LEAST_ONCE;
      Future<Void> archived = telemetry.receive(deviceId, t.properties().componentName().orElse(null),
          m.payload().getBytes(), timestamp(t.properties()), ack).archived();
      if (ack && !archived.isComplete()) {
        // The telemetry history is full: the PUBACK waits for room (the device's in-flight window slows it down);
        // refused outright, the connection closes unacknowledged and the device sends the message again.
        int id = m.messageId();
        archived.onComplete(ar -> onContext(() -> {
          if (ar.succeeded()) {
            endpoint.publishAcknowledge(id);
          } else {
            close();
          }
        }));
        return;
      }
      if (archived.failed()) {
        close();
        return;
      }
    } else if (topic instanceof TwinGet g) {
      twins.deviceView(deviceId).onComplete(ar -> send(ar.succeeded()
              ? ServerTopics.twinResponse(200, g.rid()) : ServerTopics.twinResponse(failureStatus(ar.cause()), g.rid()),
          ar.succeeded() ? Buffer.buffer(ar.result().toString()) : Buffer.buffer(), MqttQoS.AT_MOST_ONCE));
    } else if (topic instanceof TwinReportedPatch p) {
      reportedPatch(p, m.payload());
    } else if (topic instanceof MethodResponse r) {
      channel.methodAnswered(deviceId, r.rid(), r.status(), m.payload().toString());
    } else {
      close();
      return;
    }
    if (m.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
      endpoint.publishAcknowledge(m.messageId());
    }
  }

  private void reportedPatch(TwinReportedPatch p, Buffer payload) {
    JsonNode patch;
    try {
      patch = JSON.readTree(payload.getBytes());
    } catch (java.io.IOException e) {
      patch = null;
    }
    if (!(patch instanceof ObjectNode o)) {
      send(ServerTopics.twinResponse(400, p.rid()), Buffer.buffer(), MqttQoS.AT_MOST_ONCE);
      return;
    }
    twins.patchReported(deviceId, o).onComplete(ar -> send(ar.succeeded()
        ? ServerTopics.twinResponse(204, p.rid(), ar.result())
        : ServerTopics.twinResponse(failureStatus(ar.cause()), p.rid()), Buffer.buffer(), MqttQoS.AT_MOST_ONCE));
  }

  /** A twin request that failed: 503 while the database is out of reach (the device tries again), else 500. */
  private static int failureStatus(Throwable cause) {
    return cause instanceof FlotillaException.Unavailable ? 503 : 500;
  }

  private Instant timestamp(PropertyBag bag) {
    String ctime = bag.creationTime().orElse(null);
    if (ctime != null) {
      try {
        return Instant.parse(ctime);
      } catch (DateTimeParseException ignored) {
        // fall back to the arrival time
      }
    }
    return services.clock().instant();
  }

  private void onSubscribe(MqttSubscribeMessage m) {
    if (m.topicSubscriptions().isEmpty()) {
      close(); // a SUBSCRIBE without topic filters is a protocol violation (MQTT 3.1.1, 3.8.3)
      return;
    }
    List<MqttQoS> granted = new ArrayList<>();
    boolean methodsNow = false;
    boolean c2dNow = false;
    for (MqttTopicSubscription s : m.topicSubscriptions()) {
      SubscriptionFilter f = SubscriptionFilter.parse(s.topicName());
      if (!f.ownedBy(deviceId) || f.kind() == SubscriptionFilter.Kind.DPS_RESPONSES) {
        LOG.debug("Device {} subscribed to {}: closing", deviceId, s.topicName());
        close();
        return;
      }
      switch (f.kind()) {
        case METHOD_REQUESTS -> methodsNow = true;
        case DESIRED_PATCHES -> desired = true;
        case C2D_MESSAGES -> c2dNow = !c2d;
        default -> { }
      }
      granted.add(s.qualityOfService() == MqttQoS.EXACTLY_ONCE ? MqttQoS.AT_LEAST_ONCE : s.qualityOfService());
    }
    endpoint.subscribeAcknowledge(m.messageId(), granted);
    if (c2dNow) {
      c2d = true;
      channel.deliverQueued(deviceId); // queued commands go out once the SUBACK is on its way
    }
    if (methodsNow) {
      methods = true;
      registry.methodsReady(this);
    }
  }

  private void onUnsubscribe(MqttUnsubscribeMessage m) {
    if (m.topics().isEmpty()) {
      close(); // an UNSUBSCRIBE without topic filters is a protocol violation (MQTT 3.1.1, 3.10.3)
      return;
    }
    for (String t : m.topics()) {
      switch (SubscriptionFilter.parse(t).kind()) {
        case METHOD_REQUESTS -> methods = false;
        case DESIRED_PATCHES -> desired = false;
        case C2D_MESSAGES -> c2d = false;
        default -> { }
      }
    }
    endpoint.unsubscribeAcknowledge(m.messageId());
  }
}
