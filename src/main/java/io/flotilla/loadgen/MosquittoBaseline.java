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
 * The command-job message pattern through a plain broker (Mosquitto, plain MQTT on loopback): N device clients each
 * subscribed to their own request topic answer once; one "server" client publishes one request per device (QoS 0,
 * like IoT Hub method requests) and waits for every reply. The relay rate is the baseline for command-job.
 */
public final class MosquittoBaseline implements Scenario {
  @Override
  public String name() {
    return "mosquitto-baseline";
  }

  @SuppressWarnings("unchecked")
  private static Promise<Long>[] newRound() {
    return new Promise[] {Promise.promise()};
  }

  /** A device client: answers the request on its topic. */
  private static final class Responder {
    final MqttClient client;
    final Context context;

    Responder(Vertx vertx, String clientId) {
      this.context = vertx.getOrCreateContext();
      MqttClientOptions options = new MqttClientOptions().setClientId(clientId).setCleanSession(true)
          .setKeepAliveInterval(240);
      options.setConnectTimeout(60_000);
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

  @Override
  public ScenarioResult run(Rig rig) {
    LoadOptions o = rig.options();
    ScenarioResult r = new ScenarioResult(name());
    if (o.mosquittoPort <= 0) {
      return r.note("skipped: no --mosquitto-port");
    }
    Vertx vertx = rig.vertx();
    int n = o.devices;
    String base = o.prefix + "/mb/";
    Histogram arrivals = new ConcurrentHistogram(1, TimeUnit.MINUTES.toMicros(10), 3);
    long[] mark = {System.nanoTime()};
    List<Responder> responders = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      responders.add(new Responder(vertx, o.prefix + "-mb-" + i));
    }
    Bounded.Tally connected = Rig.await(Bounded.run(n, o.connectConcurrency, i -> responders.get(i)
        .start(o.mosquittoHost, o.mosquittoPort, base + i + "/req", base + i + "/res", arrivals, mark)));
    Responder server = new Responder(vertx, o.prefix + "-mb-server");
    AtomicInteger replies = new AtomicInteger();
    AtomicInteger expected = new AtomicInteger(connected.ok());
    Promise<Long>[] allBack = newRound();
    Promise<Void> subscribed = Promise.promise();
    server.context.runOnContext(v -> {
      server.client.publishHandler(m -> {
        if (replies.incrementAndGet() == expected.get()) {
          allBack[0].tryComplete(System.nanoTime());
        }
      });
      server.client.subscribeCompletionHandler(ack -> subscribed.tryComplete());
      server.client.connect(o.mosquittoPort, o.mosquittoHost)
          .compose(ack -> server.client.subscribe(base + "+/res", 0)).onFailure(subscribed::tryFail);
    });
    Rig.await(subscribed.future());
    // Like command-job-series: a warm-up round, then measured rounds judged on their median (one round lasts well
    // under a second, and a single one swings with whatever else the two cores do in that moment).
    int rounds = Math.max(1, o.seriesRuns);
    List<Double> rates = new ArrayList<>();
    double warmup = Double.NaN;
    for (int round = 0; round <= rounds; round++) {
      replies.set(0);
      allBack[0] = Promise.promise();
      if (round == rounds) {
        arrivals.reset();
      }
      Promise<Long> started = Promise.promise();
      server.context.runOnContext(v -> {
        mark[0] = System.nanoTime();
        Buffer body = Buffer.buffer("1");
        for (int i = 0; i < n; i++) {
          server.client.publish(base + i + "/req", body, MqttQoS.AT_MOST_ONCE, false, false);
        }
        started.complete(mark[0]);
      });
      long start = Rig.await(started.future());
      long end;
      try {
        end = allBack[0].future().toCompletionStage().toCompletableFuture().get(o.jobTimeoutSeconds, TimeUnit.SECONDS);
      } catch (Exception e) {
        end = System.nanoTime();
        r.note("round " + round + ": not every reply came back: " + replies.get() + " of " + expected.get());
      }
      double rate = ScenarioResult.perSecond(replies.get(), end - start);
      if (round == 0) {
        warmup = rate;
      } else {
        rates.add(rate);
      }
      ConnectStorm.pauseMillis(500);
    }
    RunSeries series = new RunSeries(rates);
    r.put("devices", n).put("connected", connected.ok()).put("connect_ms", ScenarioResult.millis(connected.nanos()))
        .put("warmup_devices_per_s", warmup).put("runs_devices_per_s", rates)
        .put("devices_per_s", series.median()).put("min_devices_per_s", series.min())
        .put("max_devices_per_s", series.max())
        .put("request_arrival_after_first_publish", LatencySummary.of(arrivals))
        .note("plain MQTT (no TLS), QoS 0 both ways, no persistence: a pure relay")
        .note("devices_per_s is the median of " + rates.size() + " rounds after a warm-up round");
    Rig.await(server.stop());
    Rig.await(Bounded.run(responders.size(), o.rampConcurrency, i -> responders.get(i).stop()));
    return r;
  }
}
