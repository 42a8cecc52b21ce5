package io.flotilla.gateway.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.device.MethodResult;
import io.flotilla.domain.device.QueuedCommand;
import io.flotilla.domain.device.QueuedCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DeviceChannel} over this node's MQTT sessions. Method requests in flight are one map entry (request id to
 * promise) and one timer each; a device can only answer its own requests.
 */
public final class MqttDeviceChannel implements DeviceChannel {
  private static final Logger LOG = LoggerFactory.getLogger(MqttDeviceChannel.class);
  private record Pending(String deviceId, Promise<MethodResult> promise, long timer) {
  }

  private final Vertx vertx;
  private final SessionRegistry registry;
  private final GatewayMetrics metrics;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong rids = new AtomicLong();
  private final ContextMailbox.Registry mailboxes = new ContextMailbox.Registry();
  private volatile QueuedCommands queued;

  MqttDeviceChannel(Vertx vertx, SessionRegistry registry, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.registry = registry;
    this.metrics = metrics;
  }

  @Override
  public Future<Boolean> isConnected(String deviceId) {
    return Future.succeededFuture(connectedHere(deviceId));
  }

  /** Whether the device has a live session on this node. */
  public boolean connectedHere(String deviceId) {
    return registry.get(deviceId) != null;
  }

  /** Whether the device's session on this node accepts method requests. */
  public boolean methodReadyHere(String deviceId) {
    return registry.methodReady(deviceId) != null;
  }

  @Override
  public Future<Void> disconnect(String deviceId) {
    DeviceSession s = registry.get(deviceId);
    if (s != null) {
      s.close();
    }
    registry.modulesOf(deviceId).forEach(DeviceSession::close); // a blocked or deleted device's modules go too
    return Future.succeededFuture();
  }

  /**
   * Closes the device's session on this node if it is the one numbered {@code sessionSeq} (a newer connection of the
   * device on another node wins over it); answers whether it closed one.
   */
  public boolean closeSession(String deviceId, long sessionSeq) {
    DeviceSession s = registry.get(deviceId);
    if (s == null || registry.seqOf(s) != sessionSeq) {
      return false;
    }
    s.close();
    return true;
  }

  @Override
  public Future<Void> pushDesired(String deviceId, ObjectNode patch, long version) {
    DeviceSession s = registry.get(deviceId);
    if (s != null) {
      s.pushDesired(patch, version);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<MethodResult> invokeMethod(String deviceId, String methodName, String payloadJson,
                                           Duration connectTimeout, Duration responseTimeout) {
    Context caller = Vertx.currentContext();
    Future<DeviceSession> ready;
    DeviceSession now = registry.methodReady(deviceId);
    if (now != null) {
      ready = Future.succeededFuture(now);
    } else if (connectTimeout.isZero() || connectTimeout.isNegative()) {
      ready = Future.failedFuture(DeviceChannel.notOnline(deviceId));
    } else {
      ready = registry.awaitMethodReady(deviceId, connectTimeout);
    }
    Future<MethodResult> result = ready.compose(session -> send(session, methodName, payloadJson, responseTimeout));
    return caller == null ? result : onCaller(caller, result);
  }

  private Future<MethodResult> send(DeviceSession session, String methodName, String payload, Duration timeout) {
    String rid = Long.toString(rids.incrementAndGet(), 36);
    Promise<MethodResult> promise = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> {
      Pending p = pending.remove(rid);
      if (p != null) {
        p.promise().tryFail(new FlotillaException.Timeout("Device \"" + session.deviceId()
            + "\" did not answer method \"" + methodName + "\" within " + timeout.toSeconds() + " s."));
      }
    });
    pending.put(rid, new Pending(session.deviceId(), promise, timer));
    metrics.methodsInvoked.increment();
    session.requestMethod(methodName, rid, payload == null ? "" : payload);
    return promise.future();
  }

  /** A device's method response; ignored unless it answers a pending request of that same device. */
  void methodAnswered(String deviceId, String rid, int status, String payload) {
    Pending p = pending.get(rid);
    if (p == null || !p.deviceId().equals(deviceId) || !pending.remove(rid, p)) {
      return;
    }
    vertx.cancelTimer(p.timer());
    p.promise().tryComplete(new MethodResult(status, payload == null || payload.isEmpty() ? null : payload));
  }

  /** Method requests waiting (up to their {@code connectionTimeout}) for their device to come online. */
  int awaitingDevices() {
    return registry.methodWaiters();
  }

  /** Method requests awaiting an answer. */
  public int pendingMethods() {
    return pending.size();
  }

  @Override
  public Future<Boolean> sendC2d(String deviceId, String body, Map<String, String> properties) {
    return Future.succeededFuture(sendC2dHere(deviceId, body, properties));
  }

  /** Hands a C2D message to the device's session on this node; answers whether it had one subscribed to C2D. */
  public boolean sendC2dHere(String deviceId, String body, Map<String, String> properties) {
    DeviceSession s = registry.get(deviceId);
    if (s == null || !s.acceptsC2d()) {
      return false;
    }
    PropertyBag bag = new PropertyBag(properties);
    if (bag.messageId().isEmpty()) {
      bag = bag.with(PropertyBag.MESSAGE_ID, UUID.randomUUID().toString());
    }
    s.sendC2d(ServerTopics.c2d(deviceId, bag), body == null ? "" : body, bag.messageId().get());
    return true;
  }

  /** Where queued (durable) commands wait; none until wired. */
  public void queuedCommands(QueuedCommands queued) {
    this.queued = queued;
  }

  /** Sends a device that just subscribed to C2D messages its queued commands, in order. */
  void deliverQueued(String deviceId) {
    QueuedCommands q = queued;
    if (q == null) {
      return;
    }
    q.forDelivery(deviceId).onSuccess(messages -> {
      DeviceSession s = registry.get(deviceId);
      if (s == null || !s.acceptsC2d()) {
        return; // gone meanwhile: they go at its next subscription
      }
      for (QueuedCommand m : messages) {
        s.sendC2d(ServerTopics.c2d(deviceId, new PropertyBag(QueuedCommands.properties(m))), m.body(), m.messageId());
      }
    }).onFailure(e -> LOG.warn("Reading the queued commands of {} failed (they go at its next connection): {}",
        deviceId, e.toString()));
  }

  /** The device acknowledged (PUBACK) C2D message {@code messageId}. */
  void c2dDelivered(String deviceId, String messageId) {
    QueuedCommands q = queued;
    if (q != null) {
      q.delivered(deviceId, messageId).onFailure(e -> LOG.warn("Recording the delivery of {} to {} failed (it is "
          + "sent again at its next connection): {}", messageId, deviceId, e.toString()));
    }
  }

  private <T> Future<T> onCaller(Context caller, Future<T> f) {
    Promise<T> p = Promise.promise();
    ContextMailbox box = mailboxes.of(caller);
    f.onComplete(ar -> box.execute(() -> p.handle(ar)));
    return p.future();
  }

  /** The mailbox through which work reaches {@code context} from other threads. */
  ContextMailbox mailbox(Context context) {
    return mailboxes.of(context);
  }
}
