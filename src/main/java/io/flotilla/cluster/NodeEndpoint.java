package io.flotilla.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DeviceChannel;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus address of one node ({@code flotilla.node.<memberId>}): other nodes send it the calls for devices
 * whose session lives here, and it answers what this node's channel answered. The request/response pairing of a
 * direct method stays here, with the session. Failures travel as a code and the domain error's wire code and message.
 */
final class NodeEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(NodeEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PREFIX = "flotilla.node.";
  static final int NOT_FOUND = 404;
  static final int TIMEOUT = 504;
  static final int OTHER = 500;

  /** Answers to calls from other nodes wait this long to travel together (at most {@link #PER_BUNDLE} at once). */
  private static final long BUNDLE_MS = 2;
  private static final int PER_BUNDLE = 1000;

  private final LocalSessions local;
  private final Consumer<JsonArray> answered;
  private final Map<String, Bundle> bundles = new ConcurrentHashMap<>();
  private ClusterNode node;
  private MessageConsumer<JsonObject> consumer;

  /** {@code answered} takes the answers other nodes send back for the calls this node made in bulk. */
  NodeEndpoint(LocalSessions local, Consumer<JsonArray> answered) {
    this.local = local;
    this.answered = answered;
  }

  /** Answers on their way back to one node. */
  private static final class Bundle {
    final Queue<JsonObject> answers = new ConcurrentLinkedQueue<>();
    final AtomicBoolean planned = new AtomicBoolean();
  }

  static String address(String member) {
    return PREFIX + member;
  }

  Future<Void> start(ClusterNode node) {
    this.node = node;
    consumer = node.vertx().eventBus().consumer(address(node.memberId()), this::handle);
    return consumer.completion();
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void handle(Message<JsonObject> m) {
    JsonObject body = m.body();
    String device = body.getString("d");
    DeviceChannel channel = local.channel();
    try {
      switch (body.getString("op")) {
        case "connected" -> m.reply(local.connected(device));
        case "disconnect" -> channel.disconnect(device).onComplete(ar -> m.reply(true));
        case "close" -> m.reply(local.close(device, body.getLong("session")));
        case "push" -> {
          ObjectNode patch = (ObjectNode) JSON.readTree(body.getString("patch"));
          long version = body.getLong("version");
          JsonArray ids = body.getJsonArray("ids");
          for (int i = 0; i < ids.size(); i++) {
            channel.pushDesired(ids.getString(i), patch, version);
          }
          m.reply(true);
        }
        case "c2d" -> {
          Map<String, String> props = new HashMap<>();
          body.getJsonObject("props").forEach(e -> props.put(e.getKey(), String.valueOf(e.getValue())));
          channel.sendC2d(device, body.getString("body"), props).onComplete(ar -> reply(m, ar.map(b -> b)));
        }
        case "invokes" -> {
          m.reply(true);
          invokeAll(channel, body.getString("from"), body.getJsonArray("calls"));
        }
        case "answers" -> answered.accept(body.getJsonArray("answers"));
        case "invoke" -> channel.invokeMethod(device, body.getString("method"), body.getString("payload"),
                Duration.ofMillis(body.getLong("connectMs")), Duration.ofMillis(body.getLong("responseMs")))
            .onComplete(ar -> reply(m, ar.map(r -> (Object) new JsonObject().put("status", r.status())
                .put("payload", r.payloadJson()))));
        default -> m.fail(OTHER, "unknown operation");
      }
    } catch (IOException e) {
      m.fail(OTHER, e.toString());
    } catch (RuntimeException e) {
      LOG.warn("Cluster call {} failed: {}", body.getString("op"), e.toString());
      m.fail(OTHER, e.toString());
    }
  }

  private void invokeAll(DeviceChannel channel, String from, JsonArray calls) {
    Bundle bundle = bundles.computeIfAbsent(from, f -> new Bundle());
    for (int i = 0; i < calls.size(); i++) {
      JsonObject c = calls.getJsonObject(i);
      long id = c.getLong("id");
      channel.invokeMethod(c.getString("d"), c.getString("method"), c.getString("payload"),
              Duration.ofMillis(c.getLong("connectMs")), Duration.ofMillis(c.getLong("responseMs")))
          .onComplete(ar -> {
            JsonObject answer = new JsonObject().put("id", id);
            if (ar.succeeded()) {
              answer.put("status", ar.result().status()).put("payload", ar.result().payloadJson());
            } else {
              answer.put("fail", failureCode(ar.cause())).put("error", error(ar.cause()));
            }
            bundle.answers.add(answer);
            if (bundle.planned.compareAndSet(false, true)) {
              node.vertx().setTimer(BUNDLE_MS, t -> sendBack(from, bundle));
            }
          });
    }
  }

  private void sendBack(String to, Bundle bundle) {
    bundle.planned.set(false);
    JsonArray answers = new JsonArray();
    for (JsonObject a; (a = bundle.answers.poll()) != null; ) {
      answers.add(a);
      if (answers.size() == PER_BUNDLE) {
        send(to, answers);
        answers = new JsonArray();
      }
    }
    if (!answers.isEmpty()) {
      send(to, answers);
    }
  }

  private void send(String to, JsonArray answers) {
    // the caller may have left meanwhile: its calls failed there already, nothing waits for these
    node.vertx().eventBus().send(address(to), new JsonObject().put("op", "answers").put("answers", answers));
  }

  private static int failureCode(Throwable e) {
    return e instanceof FlotillaException.NotFound ? NOT_FOUND : e instanceof FlotillaException.Timeout ? TIMEOUT : OTHER;
  }

  private static String error(Throwable e) {
    return new JsonObject().put("code", e instanceof FlotillaException f ? f.code() : "InternalServerError")
        .put("message", String.valueOf(e.getMessage())).encode();
  }

  private static void reply(Message<JsonObject> m, io.vertx.core.AsyncResult<Object> ar) {
    if (ar.succeeded()) {
      m.reply(ar.result());
      return;
    }
    m.fail(failureCode(ar.cause()), error(ar.cause()));
  }

  /** The domain failure a remote node answered. */
  static Throwable failure(int code, String json) {
    String errorCode = "InternalServerError";
    String message = json;
    try {
      JsonObject o = new JsonObject(json);
      errorCode = o.getString("code", errorCode);
      message = o.getString("message", message);
    } catch (RuntimeException e) {
      // a plain message
    }
    return switch (code) {
      case NOT_FOUND -> new FlotillaException.NotFound(errorCode, message);
      case TIMEOUT -> new FlotillaException.Timeout(message);
      default -> new FlotillaException.Unavailable(message);
    };
  }

  static JsonArray ids(List<String> ids) {
    return new JsonArray(List.copyOf(ids));
  }

  static String encode(ObjectNode patch) {
    try {
      return JSON.writeValueAsString(patch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
