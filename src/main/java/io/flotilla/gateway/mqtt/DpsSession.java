package io.flotilla.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.provisioning.Registration;
import io.flotilla.gateway.mqtt.DeviceTopic.DpsPollStatus;
import io.flotilla.gateway.mqtt.DeviceTopic.DpsRegister;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttTopicSubscription;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One DPS registration connection: register answers 202 {@code assigning} at once, polls answer 202 until the
 * registration is done, then 200 with the registration state. Every reply answers one request (the Java SDK takes
 * the next message on {@code res/#} as the reply) and leaves {@value #REPLY_DELAY_MILLIS} ms after it, in order.
 */
final class DpsSession {
  static final int RETRY_AFTER_SECONDS = 1;
  /**
   * How long a reply waits. The Java provisioning client (2.1.3) publishes a request and only then starts waiting
   * for the reply, and a reply that arrives in between is missed: the registration times out. The real service never
   * answers within a millisecond; this one did, so a busy client machine lost a reply every few dozen registrations.
   */
  static final long REPLY_DELAY_MILLIS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DpsSession.class);

  private final MqttEndpoint endpoint;
  private final String registrationId;
  private final String groupId;
  private final SessionServices services;
  private final Map<String, Future<Registration>> operations = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> payloads = new ConcurrentHashMap<>();
  private final Map<String, String> hubs = new ConcurrentHashMap<>();
  private final Vertx vertx;

  /** @param groupId the enrollment group whose derived key authenticated, null for the device's own key */
  DpsSession(Vertx vertx, MqttEndpoint endpoint, String registrationId, String groupId, SessionServices services) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.registrationId = registrationId;
    this.groupId = groupId;
    this.services = services;
  }

  void start() {
    endpoint.publishAutoAck(false);
    endpoint.subscriptionAutoAck(false);
    endpoint.publishHandler(this::onPublish);
    endpoint.subscribeHandler(this::onSubscribe);
    endpoint.unsubscribeHandler(m -> {
      if (m.topics().isEmpty()) {
        close(); // a protocol violation (MQTT 3.1.1, 3.10.3)
      } else {
        endpoint.unsubscribeAcknowledge(m.messageId());
      }
    });
    endpoint.disconnectHandler(v -> { });
    endpoint.exceptionHandler(e -> close());
    endpoint.accept(false);
  }

  private void close() {
    if (endpoint.isConnected()) {
      endpoint.close();
    }
  }

  private void onSubscribe(MqttSubscribeMessage m) {
    LOG.debug("DPS {} subscribed {}", registrationId, m.topicSubscriptions().size());
    if (m.topicSubscriptions().isEmpty()) {
      close(); // a protocol violation (MQTT 3.1.1, 3.8.3)
      return;
    }
    List<MqttQoS> granted = new ArrayList<>();
    for (MqttTopicSubscription s : m.topicSubscriptions()) {
      if (SubscriptionFilter.parse(s.topicName()).kind() != SubscriptionFilter.Kind.DPS_RESPONSES) {
        close();
        return;
      }
      granted.add(s.qualityOfService() == MqttQoS.EXACTLY_ONCE ? MqttQoS.AT_LEAST_ONCE : s.qualityOfService());
    }
    endpoint.subscribeAcknowledge(m.messageId(), granted);
  }

  private void onPublish(MqttPublishMessage m) {
    LOG.debug("DPS {} published {} ({} bytes, QoS {})", registrationId, m.topicName(), m.payload().length(),
        m.qosLevel().value());
    if (m.qosLevel() == MqttQoS.EXACTLY_ONCE || m.payload().length() > DeviceSession.MAX_MESSAGE_BYTES) {
      close();
      return;
    }
    DeviceTopic topic = DeviceTopic.parse(m.topicName());
    if (topic instanceof DpsRegister r) {
      register(r, m.payload());
    } else if (topic instanceof DpsPollStatus p) {
      poll(p);
    } else {
      close();
      return;
    }
    if (m.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
      endpoint.publishAcknowledge(m.messageId());
    }
  }

  private void register(DpsRegister r, Buffer body) {
    JsonNode payload = payloadOf(body);
    String operationId = "4.0000000000000000." + UUID.randomUUID();
    operations.put(operationId, services.provisioning().register(registrationId, groupId, payload)
        .compose(done -> !done.assigned() ? Future.succeededFuture(done)
            : services.hubs().hubFor(done.deviceId()).map(hub -> {
              hubs.put(operationId, hub);
              return done;
            })));
    if (payload != null) {
      payloads.put(operationId, payload);
    }
    reply(202, r.rid(), RETRY_AFTER_SECONDS, assigning(operationId));
  }

  private void poll(DpsPollStatus p) {
    Future<Registration> op = operations.get(p.operationId());
    if (op == null) {
      ObjectNode error = JSON.createObjectNode().put("errorCode", 404201).put("message", "Operation not found.");
      reply(404, p.rid(), null, error);
    } else if (!op.isComplete()) {
      reply(202, p.rid(), RETRY_AFTER_SECONDS, assigning(p.operationId()));
    } else if (op.failed()) {
      ObjectNode error = JSON.createObjectNode().put("errorCode", 500000).put("message", "Registration failed.");
      reply(500, p.rid(), null, error);
    } else {
      services.metrics().registrations.increment();
      reply(200, p.rid(), null, result(p.operationId(), op.result()));
    }
  }

  private ObjectNode result(String operationId, Registration r) {
    ObjectNode out = JSON.createObjectNode().put("operationId", operationId).put("status", r.status());
    ObjectNode state = out.putObject("registrationState");
    state.put("registrationId", r.registrationId());
    state.put("createdDateTimeUtc", r.created().toString());
    if (r.assigned()) {
      state.put("assignedHub", hubs.getOrDefault(operationId, services.hostName()));
      state.put("deviceId", r.deviceId());
    }
    state.put("status", r.status());
    if (r.substatus() != null) {
      state.put("substatus", r.substatus());
    }
    if (r.errorMessage() != null) {
      state.put("errorCode", r.assigned() ? 0 : 400208);
      state.put("errorMessage", r.errorMessage());
    }
    state.put("lastUpdatedDateTimeUtc", r.updated().toString());
    state.put("etag", "\"" + operationId.hashCode() + "\"");
    JsonNode payload = payloads.get(operationId);
    if (payload != null) {
      state.set("payload", payload);
    }
    return out;
  }

  private static ObjectNode assigning(String operationId) {
    return JSON.createObjectNode().put("operationId", operationId).put("status", "assigning");
  }

  /** The registration's {@code payload}: an object (Node) or a JSON string holding one (Java). */
  private static JsonNode payloadOf(Buffer body) {
    try {
      JsonNode doc = JSON.readTree(body.getBytes());
      JsonNode payload = doc == null ? null : doc.get("payload");
      if (payload != null && payload.isTextual()) {
        payload = JSON.readTree(payload.asText());
      }
      return payload == null || payload.isNull() || payload.isMissingNode() ? null : payload;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private void reply(int status, String rid, Integer retryAfter, ObjectNode body) {
    LOG.debug("DPS {} reply {} rid {}", registrationId, status, rid);
    Buffer payload = Buffer.buffer(body.toString());
    // set on the connection's context (replies are made in its publish handler), so the timer fires there too
    vertx.setTimer(REPLY_DELAY_MILLIS, t -> {
      if (endpoint.isConnected()) {
        endpoint.publish(ServerTopics.dpsResponse(status, rid, retryAfter), payload, MqttQoS.AT_MOST_ONCE, false,
            false);
      }
    });
  }
}
