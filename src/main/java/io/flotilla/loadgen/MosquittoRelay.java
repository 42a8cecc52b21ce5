package io.flotilla.loadgen;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The command-job message pattern through a plain broker (Mosquitto on loopback, plain MQTT or MQTT/TLS: a
 * {@link RelayBroker}), kept open for several rounds: N device clients each subscribed to their own request topic
 * answer every request; one "server" client publishes one request per device (QoS 0, like IoT Hub method requests)
 * and waits for every reply.
 */
final class MosquittoRelay implements AutoCloseable {
  private final LoadOptions options;
  private final List<Responder> responders = new ArrayList<>();
  private final Responder server;
  private final String base;
  private final Histogram arrivals = new ConcurrentHistogram(1, TimeUnit.MINUTES.toMicros(10), 3);
  private final long[] mark = {System.nanoTime()};
  private final AtomicInteger replies = new AtomicInteger();
  private final Bounded.Tally connected;
  private volatile Promise<Long> allBack = Promise.promise();
  private volatile long settledMillis;

  private MosquittoRelay(Rig rig, RelayBroker broker) {
    this.options = rig.options();
    Vertx vertx = rig.vertx();
    int n = options.devices;
    base = options.prefix + "/mb/";
    for (int i = 0; i < n; i++) {
      responders.add(new Responder(vertx, options.prefix + "-mb-" + i, broker));
    }
    connected = Rig.await(Bounded.run(n, options.connectConcurrency, i -> responders.get(i)
        .start(broker.host(), broker.port(), base + i + "/req", base + i + "/res", arrivals, mark)));
    server = new Responder(vertx, options.prefix + "-mb-server", broker);
    int expected = connected.ok();
    Promise<Void> subscribed = Promise.promise();
    server.context.runOnContext(v -> {
      server.client.publishHandler(m -> {
        if (replies.incrementAndGet() == expected) {
          allBack.tryComplete(System.nanoTime());
        }
      });
      server.client.subscribeCompletionHandler(ack -> subscribed.tryComplete());
      server.client.connect(broker.port(), broker.host())
          .compose(ack -> server.client.subscribe(base + "+/res", 0)).onFailure(subscribed::tryFail);
    });
    Rig.await(subscribed.future());
  }

  /** Connects the responders and the publishing client to {@code broker} (blocking). */
  static MosquittoRelay open(Rig rig, RelayBroker broker) {
    return new MosquittoRelay(rig, broker);
  }

  Bounded.Tally connected() {
    return connected;
  }

  /**
   * One round, once the machine is quiet (at most 15 % busy over 200 ms, waiting up to 10 s): a request to every
   * device, then every reply; answers devices/s (NaN when replies went missing).
   */
  double round() {
    settledMillis = CpuTimes.settle(0.15, 200, 10_000);
    replies.set(0);
    allBack = Promise.promise();
    arrivals.reset();
    Promise<Long> started = Promise.promise();
    int n = responders.size();
    server.context.runOnContext(v -> {
      mark[0] = System.nanoTime();
      Buffer body = Buffer.buffer("1");
      for (int i = 0; i < n; i++) {
        server.client.publish(base + i + "/req", body, MqttQoS.AT_MOST_ONCE, false, false);
      }
      started.complete(mark[0]);
    });
    long start = Rig.await(started.future());
    try {
      long end = allBack.future().toCompletionStage().toCompletableFuture()
          .get(options.jobTimeoutSeconds, TimeUnit.SECONDS);
      return ScenarioResult.perSecond(replies.get(), end - start);
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /** How long the last round waited for the machine to be quiet before it started. */
  long lastSettleMillis() {
    return settledMillis;
  }

  /** Request arrival at the devices in the last round, from its first publish. */
  LatencySummary lastRoundArrivals() {
    return LatencySummary.of(arrivals);
  }

  @Override
  public void close() {
    Rig.await(server.stop());
    Rig.await(Bounded.run(responders.size(), options.rampConcurrency, i -> responders.get(i).stop()));
  }

  /** A device client: answers the request on its topic. */
  private static final class Responder {
    final MqttClient client;
    final Context context;

    Responder(Vertx vertx, String clientId, RelayBroker broker) {
      this.context = vertx.getOrCreateContext();
      MqttClientOptions options = new MqttClientOptions().setClientId(clientId).setCleanSession(true)
          .setKeepAliveInterval(240);
      options.setConnectTimeout(60_000);
      if (broker.tls()) {
        options.setSslHandshakeTimeout(120);
        ClientTls.apply(options, broker.trust());
      }
      this.client = MqttClient.create(vertx, options);
    }

    Future<Void> start(String host, int port, String requestTopic, String replyTopic, Histogram arrivals,
                       long[] mark) {
      Promise<Void> ready = Promise.promise();
      context.runOnContext(v -> {
        client.publishHandler(m -> {
          arrivals.recordValue(Math.max(1, (System.nanoTime() - mark[0]) / 1000));
          client.publish(replyTopic, Buffer.buffer("{}"), MqttQoS.AT_MOST_ONCE, false, false);
        });
        client.subscribeCompletionHandler(ack -> ready.tryComplete());
        client.connect(port, host).compose(ack -> client.subscribe(requestTopic, 0)).onFailure(ready::tryFail);
      });
      return ready.future();
    }

    Future<Void> stop() {
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> (client.isConnected() ? client.disconnect() : Future.<Void>succeededFuture())
          .onComplete(ar -> done.complete()));
      return done.future();
    }
  }
}
