package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.device.MethodResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scripted stand-in for the gateway, for engine tests: who is online, what each answers, and holding answers. */
final class FakeChannel implements DeviceChannel {
  record Push(String deviceId, ObjectNode patch, long version) {
  }

  final Set<String> online = ConcurrentHashMap.newKeySet();
  final Map<String, Integer> status = new ConcurrentHashMap<>();
  /** Answers a device gives in turn before it falls back to {@link #status}. */
  final Map<String, java.util.Deque<Integer>> script = new ConcurrentHashMap<>();
  final Map<String, Promise<MethodResult>> held = new ConcurrentHashMap<>();
  final List<String> invoked = new CopyOnWriteArrayList<>();
  final List<Push> pushes = new CopyOnWriteArrayList<>();
  volatile boolean hold;

  @Override
  public Future<Boolean> isConnected(String deviceId) {
    return Future.succeededFuture(online.contains(deviceId));
  }

  @Override
  public Future<Void> disconnect(String deviceId) {
    online.remove(deviceId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> pushDesired(String deviceId, ObjectNode patch, long version) {
    if (online.contains(deviceId)) {
      pushes.add(new Push(deviceId, patch, version));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<MethodResult> invokeMethod(String deviceId, String methodName, String payloadJson,
                                           Duration connectTimeout, Duration responseTimeout) {
    invoked.add(deviceId);
    if (!online.contains(deviceId)) {
      return Future.failedFuture(new FlotillaException.NotFound("DeviceNotOnline", deviceId + " is not online."));
    }
    if (hold) {
      Promise<MethodResult> p = Promise.promise();
      held.put(deviceId, p);
      return p.future();
    }
    java.util.Deque<Integer> next = script.get(deviceId);
    Integer scripted = next == null ? null : next.pollFirst();
    return Future.succeededFuture(new MethodResult(scripted != null ? scripted : status.getOrDefault(deviceId, 200),
        "{\"ok\":true}"));
  }

  /** Answers every held call. */
  void releaseAll() {
    held.forEach((id, p) -> p.tryComplete(new MethodResult(status.getOrDefault(id, 200), "{}")));
    held.clear();
  }

  void timeOut(String deviceId) {
    Promise<MethodResult> p = held.remove(deviceId);
    p.tryFail(new FlotillaException.Timeout(deviceId + " did not answer."));
  }

  @Override
  public Future<Boolean> sendC2d(String deviceId, String body, Map<String, String> properties) {
    return Future.succeededFuture(false);
  }
}
