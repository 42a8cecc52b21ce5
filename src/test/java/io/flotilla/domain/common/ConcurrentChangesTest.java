package io.flotilla.domain.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrentChangesTest {

  @Test
  void runsTheAttemptAgainWhileAttemptsAreLeft() {
    AtomicInteger calls = new AtomicInteger();
    Future<String> f = ConcurrentChanges.again("Device \"d\"", 2, () -> {
      calls.incrementAndGet();
      return Future.succeededFuture("written");
    });
    assertThat(calls.get()).isEqualTo(1);
    assertThat(f.result()).isEqualTo("written");
  }

  @Test
  void theLastLostAttemptIsAConflictNamingTheResource() {
    AtomicInteger calls = new AtomicInteger();
    Future<String> f = ConcurrentChanges.again("Device group \"g\"", 1, () -> {
      calls.incrementAndGet();
      return Future.succeededFuture("never");
    });
    assertThat(calls.get()).isZero();
    assertThat(f.cause()).isInstanceOf(FlotillaException.Conflict.class)
        .hasMessage("Device group \"g\" kept changing while this request was applied; try again.");
    assertThat(ConcurrentChanges.ATTEMPTS).isGreaterThan(1);
  }
}
