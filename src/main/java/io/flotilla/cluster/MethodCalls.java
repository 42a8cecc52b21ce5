package io.flotilla.cluster;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.MethodResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct-method calls for devices whose sessions live on other nodes, sent in bulk: the calls made in one turn of the
 * event loop (a job's claim dispatches hundreds at once) are looked up in the session directory in one read and travel
 * as one event-bus message per owning node; the owner streams the answers back in small bundles ({@link
 * NodeEndpoint}). A call for a device connected nowhere else waits here, as on one node. Each call keeps its own
 * deadline; calls to a node that leaves fail at once as {@code Interrupted}.
 */
final class MethodCalls {
  /** Extra time a remote call gets beyond the device's own timeouts, for the two hops. */
  static final Duration HOPS = Duration.ofSeconds(5);
  /** Calls per message to one owner (bounds the message size). */
  private static final int PER_MESSAGE = 500;
  /** How often a call waiting for its device to connect looks for it here and in the session directory. */
  private static final long CONNECT_POLL_MS = 200;

  private final ClusterNode node;
  private final Sessions sessions;
  private final LocalSessions local;
  private final Queue<Call> gathered = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushPlanned = new AtomicBoolean();
  private final Map<Long, Call> awaiting = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger waitingForConnection =
      new java.util.concurrent.atomic.AtomicInteger();

  MethodCalls(ClusterNode node, Sessions sessions, LocalSessions local) {
    this.node = node;
    this.sessions = sessions;
    this.local = local;
  }

  /** One remote call: its owner once known, and its outcome. */
  static final class Call {
    final String deviceId;
    final JsonObject request;
    final Duration timeout;
    final Promise<MethodResult> promise = Promise.promise();
    volatile String owner;
    /** Waiting for its device to connect anywhere (counted in {@link #inFlight()}). */
    boolean waiting;

    private Call(String deviceId, JsonObject request, Duration timeout) {
      this.deviceId = deviceId;
      this.request = request;
      this.timeout = timeout;
    }

    Future<MethodResult> future() {
      return promise.future();
    }
  }

  /** Gathers the call; it leaves with the others of this turn of the event loop. */
  Call invoke(String deviceId, String methodName, String payloadJson, Duration connectTimeout,
              Duration responseTimeout) {
    long id = ids.incrementAndGet();
    JsonObject request = new JsonObject().put("id", id).put("d", deviceId).put("method", methodName)
        .put("payload", payloadJson).put("connectMs", Math.max(0, connectTimeout.toMillis()))
        .put("responseMs", responseTimeout.toMillis());
    Call call = new Call(deviceId, request, connectTimeout.plus(responseTimeout).plus(HOPS));
    gathered.add(call);
    if (flushPlanned.compareAndSet(false, true)) {
      node.vertx().runOnContext(v -> flush());
    }
    return call;
  }

  /** Calls waiting for an answer from another node, or for their device to connect somewhere. */
  int inFlight() {
    return awaiting.size() + waitingForConnection.get();
  }

  private void flush() {
    flushPlanned.set(false);
    List<Call> calls = new ArrayList<>();
    for (Call c; (c = gathered.poll()) != null; ) {
      calls.add(c);
    }
    if (calls.isEmpty()) {
      return;
    }
    List<String> deviceIds = calls.stream().map(c -> c.deviceId).toList();
    sessions.byOwner(deviceIds).onComplete(ar -> {
      if (ar.failed()) {
        calls.forEach(c -> c.promise.tryFail(new FlotillaException.Unavailable(
            "The session directory could not be read: " + ar.cause().getMessage())));
        return;
      }
      Map<String, String> ownerOf = new HashMap<>();
      ar.result().forEach((member, ids) -> ids.forEach(id -> ownerOf.put(id, member)));
      Map<String, List<Call>> byOwner = new HashMap<>();
      for (Call c : calls) {
        String owner = ownerOf.get(c.deviceId);
        if (owner == null || owner.equals(node.memberId())) {
          long connectMs = c.request.getLong("connectMs");
          if (connectMs > 0 && !local.methodReady(c.deviceId)) {
            c.waiting = true;
            waitingForConnection.incrementAndGet();
          }
          awaitAnywhere(c, connectMs);
        } else {
          c.owner = owner;
          byOwner.computeIfAbsent(owner, m -> new ArrayList<>()).add(c);
        }
      }
      byOwner.forEach(this::send);
    });
  }

  /**
   * A device connected on no other node: sent here if its session is here (or it never connects within the call's
   * connection timeout: the answer is then this node's {@code DeviceNotOnline}); while it may still connect, this node
   * and the session directory are asked again every {@link #CONNECT_POLL_MS}, so a device that connects to any node
   * gets the call.
   */
  private void awaitAnywhere(Call c, long connectMs) {
    if (connectMs <= 0 || local.methodReady(c.deviceId)) {
      stopWaiting(c);
      callHere(c);
      return;
    }
    sessions.ownerOf(c.deviceId).onComplete(ar -> {
      String owner = ar.succeeded() ? ar.result() : null;
      if (owner != null && !owner.equals(node.memberId())) {
        stopWaiting(c);
        c.owner = owner;
        send(owner, List.of(c));
      } else {
        long wait = Math.min(CONNECT_POLL_MS, connectMs);
        node.vertx().setTimer(wait, t -> {
          c.request.put("connectMs", connectMs - wait);
          awaitAnywhere(c, connectMs - wait);
        });
      }
    });
  }

  private void stopWaiting(Call c) {
    if (c.waiting) {
      c.waiting = false;
      waitingForConnection.decrementAndGet();
    }
  }

  private void callHere(Call c) {
    JsonObject r = c.request;
    local.channel().invokeMethod(c.deviceId, r.getString("method"), r.getString("payload"), Duration.ZERO,
        Duration.ofMillis(r.getLong("responseMs"))).onComplete(c.promise);
  }

  private void send(String owner, List<Call> calls) {
    for (int from = 0; from < calls.size(); from += PER_MESSAGE) {
      List<Call> part = calls.subList(from, Math.min(calls.size(), from + PER_MESSAGE));
      JsonArray requests = new JsonArray();
      long longest = 0;
      for (Call c : part) {
        awaiting.put(c.request.getLong("id"), c);
        requests.add(c.request);
        longest = Math.max(longest, c.timeout.toMillis());
      }
      JsonObject message = new JsonObject().put("op", "invokes").put("from", node.memberId()).put("calls", requests);
      List<Call> sent = List.copyOf(part);
      // the owner acknowledges the bundle at once; its answers come later, one bundle at a time
      node.vertx().eventBus().request(NodeEndpoint.address(owner), message,
          new DeliveryOptions().setSendTimeout(HOPS.toMillis())).onFailure(e -> sent.forEach(c ->
          fail(c, RoutedChannel.translate(e, c.deviceId))));
      node.vertx().setTimer(longest, t -> sent.forEach(c -> fail(c, new FlotillaException.Timeout(
          "Device \"" + c.deviceId + "\" did not answer in time (its node did not)."))));
      if (!node.isLive(owner)) {
        memberLeft(owner);
      }
    }
  }

  /** A bundle of answers from the node that made the calls. */
  void answered(JsonArray answers) {
    for (int i = 0; i < answers.size(); i++) {
      JsonObject a = answers.getJsonObject(i);
      Call c = awaiting.remove(a.getLong("id"));
      if (c == null) {
        continue; // timed out meanwhile
      }
      if (a.containsKey("fail")) {
        c.promise.tryFail(NodeEndpoint.failure(a.getInteger("fail"), a.getString("error")));
      } else {
        c.promise.tryComplete(new MethodResult(a.getInteger("status"), a.getString("payload")));
      }
    }
  }

  /** Calls waiting on a node that left the cluster fail now: the device may have received them. */
  void memberLeft(String member) {
    awaiting.values().removeIf(c -> {
      if (member.equals(c.owner)) {
        c.promise.tryFail(RoutedChannel.gone(c.deviceId));
        return true;
      }
      return false;
    });
  }

  private void fail(Call c, Throwable e) {
    if (awaiting.remove(c.request.getLong("id"), c)) {
      c.promise.tryFail(e);
    }
  }

}
