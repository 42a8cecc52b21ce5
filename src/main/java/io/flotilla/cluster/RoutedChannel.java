package io.flotilla.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.device.MethodResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link DeviceChannel} of a cluster node: a device whose session is on this node is served here; any other is looked
 * up in the session directory and the call travels on the event bus to the node holding it, which answers. Timeouts,
 * {@code DeviceNotOnline} and {@code GatewayTimeout} mean what they mean on one node. A call in flight to a node that
 * dies fails at once with {@code Interrupted} (a timeout: the device may have received it; it is never sent again).
 */
public final class RoutedChannel implements DeviceChannel {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoutedChannel.class);
  private static final Duration HOPS = MethodCalls.HOPS;
  private static final Duration SHORT_CALL = Duration.ofSeconds(10);

  private final ClusterNode node;
  private final Sessions sessions;
  private final LocalSessions local;
  private final EventBus bus;
  /** Calls waiting for an answer, by the member they went to (with the device they concern). */
  private final Map<String, Map<Promise<?>, String>> inFlight = new ConcurrentHashMap<>();
  private final NodeEndpoint endpoint;
  private final MethodCalls methodCalls;

  public RoutedChannel(ClusterNode node, Sessions sessions, LocalSessions local) {
    this.node = node;
    this.sessions = sessions;
    this.local = local;
    this.bus = node.vertx().eventBus();
    sessions.closer((member, deviceId, session) -> call(member, new JsonObject().put("op", "close")
        .put("d", deviceId).put("session", session), SHORT_CALL));
    this.methodCalls = new MethodCalls(node, sessions, local);
    node.onMemberLeft(this::memberLeft);
    this.endpoint = new NodeEndpoint(local, methodCalls::answered);
  }

  /** Starts answering the calls other nodes route here (this node's event-bus address). */
  public Future<Void> start() {
    return endpoint.start(node);
  }

  public Future<Void> stop() {
    return endpoint.stop();
  }

  @Override
  public Future<Boolean> isConnected(String deviceId) {
    if (local.connected(deviceId)) {
      return Future.succeededFuture(true);
    }
    return remoteOwner(deviceId).compose(owner -> owner == null ? Future.succeededFuture(false)
        : this.<Boolean>call(owner, op("connected", deviceId), SHORT_CALL).otherwise(false));
  }

  @Override
  public Future<Void> disconnect(String deviceId) {
    Future<Void> here = local.channel().disconnect(deviceId);
    Future<Void> there = remoteOwner(deviceId).compose(owner -> owner == null ? Future.succeededFuture()
        : call(owner, op("disconnect", deviceId), SHORT_CALL).mapEmpty());
    return Future.join(here, there).mapEmpty();
  }

  @Override
  public Future<Void> pushDesired(String deviceId, ObjectNode patch, long version) {
    return pushDesired(List.of(deviceId), patch, version);
  }

  @Override
  public Future<Void> pushDesired(Collection<String> deviceIds, ObjectNode patch, long version) {
    List<String> elsewhere = new ArrayList<>();
    for (String id : deviceIds) {
      if (local.connected(id)) {
        local.channel().pushDesired(id, patch, version);
      } else {
        elsewhere.add(id);
      }
    }
    if (elsewhere.isEmpty()) {
      return Future.succeededFuture();
    }
    String encoded = NodeEndpoint.encode(patch);
    return sessions.byOwner(elsewhere).compose(byOwner -> {
      List<Future<Object>> sent = new ArrayList<>();
      byOwner.forEach((member, ids) -> {
        if (!member.equals(node.memberId())) {
          sent.add(call(member, new JsonObject().put("op", "push").put("ids", NodeEndpoint.ids(ids))
              .put("patch", encoded).put("version", version), SHORT_CALL));
        }
      });
      return Future.join(sent).<Void>mapEmpty();
    }).onFailure(e -> LOG.warn("Pushing desired properties to {} device(s) on other nodes failed", elsewhere.size(),
        e));
  }

  @Override
  public Future<MethodResult> invokeMethod(String deviceId, String methodName, String payloadJson,
                                           Duration connectTimeout, Duration responseTimeout) {
    if (local.methodReady(deviceId)) {
      return local.channel().invokeMethod(deviceId, methodName, payloadJson, connectTimeout, responseTimeout);
    }
    MethodCalls.Call call = methodCalls.invoke(deviceId, methodName, payloadJson, connectTimeout, responseTimeout);
    return call.future().recover(e -> {
      if (!notOnline(e) || call.owner == null) {
        return Future.failedFuture(e);
      }
      // the device may have just left the node the directory named (a reconnect elsewhere): ask it once more
      JsonObject single = op("invoke", deviceId).put("method", methodName).put("payload", payloadJson)
          .put("connectMs", Math.max(0, connectTimeout.toMillis())).put("responseMs", responseTimeout.toMillis());
      Duration timeout = connectTimeout.plus(responseTimeout).plus(HOPS);
      return remoteOwner(deviceId).compose(again -> again == null || again.equals(call.owner)
          ? Future.failedFuture(e) : invokeAt(again, single, timeout));
    });
  }

  private Future<MethodResult> invokeAt(String owner, JsonObject call, Duration timeout) {
    return this.<JsonObject>call(owner, call, timeout)
        .map(r -> new MethodResult(r.getInteger("status"), r.getString("payload")));
  }

  private static boolean notOnline(Throwable e) {
    return e instanceof FlotillaException.NotFound nf && "DeviceNotOnline".equals(nf.code());
  }

  @Override
  public Future<Boolean> sendC2d(String deviceId, String body, Map<String, String> properties) {
    if (local.connected(deviceId)) {
      return local.channel().sendC2d(deviceId, body, properties);
    }
    return remoteOwner(deviceId).compose(owner -> {
      if (owner == null) {
        return Future.succeededFuture(false);
      }
      JsonObject props = new JsonObject();
      properties.forEach(props::put);
      return call(owner, op("c2d", deviceId).put("body", body).put("props", props), SHORT_CALL);
    });
  }

  /** Remote calls waiting for an answer. */
  public int inFlight() {
    return inFlight.values().stream().mapToInt(Map::size).sum() + methodCalls.inFlight();
  }

  /** The live member other than this one that holds the device's session, or null. */
  private Future<String> remoteOwner(String deviceId) {
    return sessions.ownerOf(deviceId).map(owner -> owner == null || owner.equals(node.memberId()) ? null : owner);
  }

  private static JsonObject op(String op, String deviceId) {
    return new JsonObject().put("op", op).put("d", deviceId);
  }

  private <T> Future<T> call(String member, JsonObject message, Duration timeout) {
    Promise<T> promise = Promise.promise();
    Map<Promise<?>, String> mine = inFlight.computeIfAbsent(member, m -> new ConcurrentHashMap<>());
    String deviceId = message.getString("d", "");
    mine.put(promise, deviceId);
    bus.<T>request(NodeEndpoint.address(member), message, new DeliveryOptions().setSendTimeout(timeout.toMillis()))
        .onComplete(ar -> {
          mine.remove(promise);
          if (ar.succeeded()) {
            promise.tryComplete(ar.result().body());
          } else {
            promise.tryFail(translate(ar.cause(), deviceId));
          }
        });
    if (!node.isLive(member)) {
      mine.remove(promise);
      promise.tryFail(gone(deviceId));
    }
    return promise.future();
  }

  static Throwable translate(Throwable e, String deviceId) {
    if (e instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return NodeEndpoint.failure(r.failureCode(), r.getMessage());
      }
      if (r.failureType() == ReplyFailure.NO_HANDLERS) {
        return DeviceChannel.notOnline(deviceId);
      }
      return new FlotillaException.Timeout("Device \"" + deviceId + "\" did not answer in time (its node did not).");
    }
    return new FlotillaException.Unavailable(String.valueOf(e.getMessage()));
  }

  static FlotillaException gone(String deviceId) {
    return new FlotillaException.Timeout("Interrupted", "The node holding device \"" + deviceId
        + "\"'s session left the cluster before the device answered (it may have received the call).");
  }

  private void memberLeft(String member) {
    methodCalls.memberLeft(member);
    Map<Promise<?>, String> calls = inFlight.remove(member);
    if (calls != null) {
      calls.forEach((p, deviceId) -> p.tryFail(gone(deviceId)));
    }
  }
}
