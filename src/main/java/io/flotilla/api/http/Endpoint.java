package io.flotilla.api.http;

import io.vertx.core.Future;

/** A route's logic: parse the call, make one service call, map the result. */
@FunctionalInterface
public interface Endpoint {
  Future<Reply> handle(Call call);
}
