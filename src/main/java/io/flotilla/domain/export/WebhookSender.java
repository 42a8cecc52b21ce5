package io.flotilla.domain.export;

import io.vertx.core.Future;
import java.util.Map;

/**
 * Posts one JSON message to a webhook (port). Answers the HTTP status; fails when no answer came (refused, reset,
 * timed out). Never waits longer than its own timeout.
 */
public interface WebhookSender {
  Future<Integer> post(String url, Map<String, String> headers, String body);
}
