package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContextMailboxTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void tasksFromOtherThreadsRunOnTheContextInTheOrderGiven() throws Exception {
    Context context = vertx.getOrCreateContext();
    ContextMailbox box = new ContextMailbox.Registry().of(context);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    AtomicBoolean elsewhere = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(10_000);
    for (int i = 0; i < 10_000; i++) {
      int n = i;
      box.execute(() -> {
        if (Vertx.currentContext() != context) {
          elsewhere.set(true);
        }
        ran.add(n);
        done.countDown();
      });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(elsewhere).isFalse();
    assertThat(ran).hasSize(10_000).isSorted();
  }

  @Test
  void callersOnPerFiringContextsShareTheirEventLoopsMailbox() throws Exception {
    // Like the job engine: a periodic timer (a fresh duplicate context per firing), a database callback, then a
    // method call whose answer comes back through the caller's mailbox.
    MqttDeviceChannel channel = new MqttDeviceChannel(vertx, new SessionRegistry(vertx),
        new GatewayMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    CountDownLatch answered = new CountDownLatch(40);
    vertx.getOrCreateContext().runOnContext(v -> {
      long[] n = {0};
      vertx.setPeriodic(5, id -> vertx.executeBlocking(() -> 1).onComplete(ar -> {
        channel.invokeMethod("offline-device", "reboot", "", java.time.Duration.ZERO, java.time.Duration.ofSeconds(1))
            .onComplete(x -> answered.countDown());
        if (++n[0] == 40) {
          vertx.cancelTimer(id);
        }
      }));
    });
    assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
    java.lang.reflect.Field f = MqttDeviceChannel.class.getDeclaredField("mailboxes");
    f.setAccessible(true);
    assertThat(((ContextMailbox.Registry) f.get(channel)).size()).isEqualTo(1);
  }

  @Test
  void aTaskGivenOnTheContextRunsAtOnceAndAFailingTaskDoesNotStopTheRest() throws Exception {
    Context context = vertx.getOrCreateContext();
    ContextMailbox.Registry registry = new ContextMailbox.Registry();
    assertThat(registry.of(context)).isSameAs(registry.of(context));
    ContextMailbox box = registry.of(context);
    CountDownLatch done = new CountDownLatch(1);
    boolean[] synchronous = new boolean[1];
    context.runOnContext(v -> {
      box.execute(() -> synchronous[0] = true);
      done.countDown();
    });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(synchronous[0]).isTrue();
    CountDownLatch after = new CountDownLatch(1);
    box.execute(() -> {
      throw new IllegalStateException("boom");
    });
    box.execute(after::countDown);
    assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
  }
}
