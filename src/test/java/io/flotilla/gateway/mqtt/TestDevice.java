package io.flotilla.gateway.mqtt;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A device over a real Vert.x MQTT client (TLS trusting the server's generated certificate), blocking for tests. */
final class TestDevice implements AutoCloseable {
  record Received(String topic, String payload, int qos) {
  }

  private final MqttClient client;
  private final int port;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile CompletableFuture<List<Integer>> subAck;
  /** QoS 1 publishes awaiting their PUBACK, by message id; ids acknowledged before they were known. */
  private final Map<Integer, CompletableFuture<Void>> acks = new ConcurrentHashMap<>();
  private final Set<Integer> completedAcks = ConcurrentHashMap.newKeySet();

  TestDevice(Vertx vertx, int port, Path caCert, String clientId, String username, String password) {
    this(vertx, port, caCert, clientId, username, password, true, null);
  }

  /** With {@code autoAck} false the device never PUBACKs the server's QoS 1 messages. */
  TestDevice(Vertx vertx, int port, Path caCert, String clientId, String username, String password, boolean autoAck) {
    this(vertx, port, caCert, clientId, username, password, autoAck, null);
  }

  /** @param clientCertificate presented in the TLS handshake (X.509 devices), or null */
  TestDevice(Vertx vertx, int port, Path caCert, String clientId, String username, String password,
             io.vertx.core.net.KeyCertOptions clientCertificate) {
    this(vertx, port, caCert, clientId, username, password, true, clientCertificate);
  }

  TestDevice(Vertx vertx, int port, Path caCert, String clientId, String username, String password, boolean autoAck,
             io.vertx.core.net.KeyCertOptions clientCertificate) {
    this.port = port;
    MqttClientOptions o = new MqttClientOptions();
    o.setSsl(true);
    if (clientCertificate != null) {
      o.setKeyCertOptions(clientCertificate);
    }
    o.setTrustOptions(new PemTrustOptions().addCertPath(caCert.toString()));
    o.setHostnameVerificationAlgorithm("HTTPS");
    o.setClientId(clientId);
    o.setUsername(username);
    o.setPassword(password);
    o.setCleanSession(false);
    o.setMaxMessageSize(1024 * 1024);
    o.setAutoKeepAlive(true);
    o.setAutoAck(autoAck);
    this.client = MqttClient.create(vertx, o);
    client.publishHandler(m -> received.add(new Received(m.topicName(), m.payload().toString(StandardCharsets.UTF_8),
        m.qosLevel().value())));
    client.closeHandler(v -> closed.countDown());
    client.publishCompletionHandler(id -> {
      CompletableFuture<Void> f = acks.remove(id);
      if (f != null) {
        f.complete(null);
      } else {
        completedAcks.add(id); // acknowledged before the publish's own future told its id
      }
    });
    client.subscribeCompletionHandler(a -> {
      CompletableFuture<List<Integer>> f = subAck;
      if (f != null) {
        f.complete(a.grantedQoSLevels());
      }
    });
  }

  /** A device session for {@code deviceId} signed with {@code key}, valid for an hour. */
  static TestDevice hub(Vertx vertx, int port, Path caCert, String deviceId, String key) {
    return hub(vertx, port, caCert, deviceId, key, Instant.now().plusSeconds(3600));
  }

  static TestDevice hub(Vertx vertx, int port, Path caCert, String deviceId, String key, Instant expiry) {
    String token = SasToken.create("127.0.0.1/devices/" + deviceId, key, expiry, false);
    return new TestDevice(vertx, port, caCert, deviceId, "127.0.0.1/" + deviceId + "/?api-version=2021-04-12", token);
  }

  /** Connects; answers the CONNACK code (ACCEPTED or the refusal). */
  MqttConnectReturnCode connect() {
    try {
      return client.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).code();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof MqttConnectionException c) {
        return c.code();
      }
      throw new AssertionError("connect failed", e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  TestDevice connected() {
    MqttConnectReturnCode code = connect();
    if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
      throw new AssertionError("CONNACK " + code);
    }
    return this;
  }

  /** Subscribes and answers the granted QoS. */
  int subscribe(String topic, int qos) {
    subAck = new CompletableFuture<>();
    client.subscribe(topic, qos);
    try {
      return subAck.get(5, TimeUnit.SECONDS).get(0);
    } catch (Exception e) {
      throw new AssertionError("no SUBACK for " + topic, e);
    }
  }

  /** Sends SUBSCRIBE without waiting for the SUBACK (for subscriptions the server answers by closing). */
  void subscribeWithoutWaiting(String topic, int qos) {
    client.subscribe(topic, qos);
  }

  /** Fire and forget: a publish whose answer (or the connection closing) the test awaits. */
  void publish(String topic, String payload, int qos) {
    publish(topic, Buffer.buffer(payload), qos);
  }

  void publish(String topic, Buffer payload, int qos) {
    client.publish(topic, payload, MqttQoS.valueOf(qos), false, false);
  }

  /**
   * Publishes at QoS 1 and waits for the PUBACK: the server acknowledges a device's message once it has handled it,
   * so what the message does has happened when this returns.
   */
  void publishAcknowledged(String topic, String payload) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false).onSuccess(id -> {
      acks.put(id, acked);
      if (completedAcks.remove(id)) {
        acked.complete(null);
      }
    }).onFailure(acked::completeExceptionally);
    try {
      acked.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no PUBACK for " + topic, e);
    }
  }

  /** The next message whose topic matches, within 5 s. */
  Received await(Predicate<String> topic) {
    return await(topic, Duration.ofSeconds(5));
  }

  Received await(Predicate<String> topic, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = end - System.nanoTime();
        Received r = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
        if (r == null) {
          throw new AssertionError("no message within " + timeout);
        }
        if (topic.test(r.topic())) {
          return r;
        }
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Whether the server closed the connection within the timeout. */
  boolean closedWithin(Duration timeout) {
    try {
      return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  boolean isConnected() {
    return client.isConnected() && closed.getCount() > 0;
  }

  @Override
  public void close() {
    if (client.isConnected()) {
      client.disconnect();
    }
  }
}
