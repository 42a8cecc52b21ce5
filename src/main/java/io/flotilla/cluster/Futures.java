package io.flotilla.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;

/** Hazelcast's completion stages as Vert.x futures completed on the caller's context (when it has one). */
final class Futures {
  private Futures() {
  }

  static <T> Future<T> of(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
  }
}
