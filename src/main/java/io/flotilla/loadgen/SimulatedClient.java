package io.flotilla.loadgen;

import io.flotilla.protocol.TopicParameters;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.TrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.time.Instant;
import java.util.Map;

/**
 * One real device session over MQTT/TLS: answers every direct method with 200, acknowledges desired properties
 * through a reported patch, and can send QoS 1 telemetry in a closed loop. Everything runs on the client's own
 * event-loop context.
 */
public final class SimulatedClient {
  static final String METHODS = "$iothub/methods/POST/#";
  static final String DESIRED = "$iothub/twin/PATCH/properties/desired/#";
  static final String TWIN_RESPONSES = "$iothub/twin/res/#";
  private static final String METHOD_PREFIX = "$iothub/methods/POST/";
  private static final String DESIRED_PREFIX = "$iothub/twin/PATCH/properties/desired/";
  private static final Buffer EMPTY_JSON = Buffer.buffer("{}");

  private final DeviceIdentity device;
  private final Context context;
  private final MqttClient client;
  private final FleetEvents events;
  private final String telemetryTopic;
  private long rid;
  private boolean closing;
  private boolean telemetryOn;
  private long telemetryIntervalMs;
  private long sentAt;
  // When this session saw its CONNACK, its SUBACK and its first method request (System.nanoTime(), 0 = not yet), and
  // how many method requests it got: written on the client's context, read by scenarios once they are over.
  private volatile long connackAt;
  private volatile long subackAt;
  private volatile long firstMethodAt;
  private volatile int methodRequests;

  public SimulatedClient(Vertx vertx, DeviceIdentity device, String host, TrustOptions trust, FleetEvents events) {
    this.device = device;
    this.events = events;
    this.context = vertx.getOrCreateContext();
    this.telemetryTopic = "devices/" + device.id() + "/messages/events/";
    long expiry = Instant.now().plusSeconds(24 * 3600).getEpochSecond();
    MqttClientOptions options = new MqttClientOptions()
        .setClientId(device.id())
        .setUsername(DeviceToken.username(host, device.id()))
        .setPassword(DeviceToken.sas(host, device.id(), device.primaryKey(), expiry))
        .setCleanSession(false)
        .setKeepAliveInterval(240)
        .setMaxInflightQueue(100);
    options.setConnectTimeout(60_000);
    options.setSslHandshakeTimeout(120);
    if (trust != null) {
      ClientTls.apply(options, trust);
    }
    this.client = MqttClient.create(vertx, options);
  }

  public String deviceId() {
    return device.id();
  }

  /** Connects, subscribes to methods, desired patches and twin responses, and completes on the SUBACK. */
  public Future<Void> connect(String host, int port) {
    Promise<Void> ready = Promise.promise();
    context.runOnContext(v -> {
      client.exceptionHandler(e -> { });
      client.publishHandler(this::onMessage);
      client.subscribeCompletionHandler(ack -> {
        if (subackAt == 0) {
          subackAt = System.nanoTime();
        }
        ready.tryComplete();
      });
      client.publishCompletionHandler(this::onPuback);
      client.closeHandler(x -> {
        ready.tryFail("connection closed before SUBACK");
        if (!closing) {
          events.sessionDropped();
        }
      });
      client.connect(port, host).compose(ack -> {
        connackAt = System.nanoTime();
        if (ack.code() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
          return Future.failedFuture("CONNACK " + ack.code());
        }
        return client.subscribe(Map.of(METHODS, 0, DESIRED, 0, TWIN_RESPONSES, 0));
      }).onFailure(ready::tryFail);
    });
    return ready.future();
  }

  /** System.nanoTime() of this session's CONNACK; 0 before it. */
  public long connackAt() {
    return connackAt;
  }

  /** System.nanoTime() of the SUBACK of its subscriptions (methods among them); 0 before it. */
  public long subackAt() {
    return subackAt;
  }

  /** System.nanoTime() of its first method request; 0 before one came. */
  public long firstMethodAt() {
    return firstMethodAt;
  }

  /** Method requests this session received. */
  public int methodRequests() {
    return methodRequests;
  }

  public Future<Void> disconnect() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closing = true;
      telemetryOn = false;
      if (!client.isConnected()) {
        done.complete();
        return;
      }
      client.disconnect().onComplete(ar -> done.complete());
    });
    return done.future();
  }

  /**
   * Sends telemetry (QoS 1), one message in flight: with {@code intervalMs} 0 the next right after the PUBACK (as fast
   * as the server answers); otherwise one every {@code intervalMs} from the first (the next when its time comes, or at
   * once after a PUBACK that came late), so a fleet offers its nominal rate whatever the server's latency.
   */
  public void startTelemetry(long intervalMs) {
    context.runOnContext(v -> {
      telemetryOn = true;
      telemetryIntervalMs = intervalMs;
      sendTelemetry();
    });
  }

  public void stopTelemetry() {
    context.runOnContext(v -> telemetryOn = false);
  }

  private void sendTelemetry() {
    if (!telemetryOn || !client.isConnected()) {
      return;
    }
    sentAt = System.nanoTime();
    client.publish(telemetryTopic, Buffer.buffer("{\"temperature\":21.5}"), MqttQoS.AT_LEAST_ONCE, false, false)
        .onFailure(e -> telemetryOn = false);
  }

  private void onPuback(Integer packetId) {
    long now = System.nanoTime();
    events.telemetryAcked(now - sentAt);
    long wait = telemetryIntervalMs - (now - sentAt) / 1_000_000;
    if (telemetryIntervalMs <= 0 || wait <= 0) {
      sendTelemetry();
    } else {
      context.owner().setTimer(wait, t -> sendTelemetry());
    }
  }

  private void onMessage(MqttPublishMessage m) {
    String topic = m.topicName();
    if (topic.startsWith(METHOD_PREFIX)) {
      if (firstMethodAt == 0) {
        firstMethodAt = System.nanoTime();
      }
      methodRequests++;
      events.methodArrived();
      String requestId = TopicParameters.get(topic, "$rid");
      client.publish("$iothub/methods/res/200/?$rid=" + requestId, EMPTY_JSON, MqttQoS.AT_MOST_ONCE, false, false);
    } else if (topic.startsWith(DESIRED_PREFIX)) {
      events.desiredArrived();
      acknowledge(m.payload(), TopicParameters.get(topic, "$version"));
    }
  }

  /** Reports every desired property back with {@code ac 200} and {@code av} = the patch version. */
  private void acknowledge(Buffer payload, String version) {
    JsonObject desired;
    try {
      desired = new JsonObject(payload);
    } catch (RuntimeException e) {
      return;
    }
    JsonObject reported = new JsonObject();
    long av = version == null ? 0 : Long.parseLong(version);
    desired.forEach(e -> {
      if (!e.getKey().startsWith("$")) {
        reported.put(e.getKey(), new JsonObject().put("value", e.getValue()).put("ac", 200).put("av", av)
            .put("ad", "completed"));
      }
    });
    if (!reported.isEmpty()) {
      client.publish("$iothub/twin/PATCH/properties/reported/?$rid=" + (++rid), reported.toBuffer(),
          MqttQoS.AT_MOST_ONCE, false, false);
    }
  }

}
