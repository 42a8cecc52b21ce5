package io.flotilla.domain.template;

import io.vertx.core.Future;

/**
 * Told when a device template is published for the first time (port): what IoT Central does then (create the
 * template's "&lt;name&gt; - All devices" group) lives with the groups, which the templates do not know.
 */
@FunctionalInterface
public interface TemplateListener {
  TemplateListener NONE = template -> Future.succeededFuture();

  /** A new template was stored; the PUT that stored it answers when this completes (a failure fails the PUT). */
  Future<Void> published(DeviceTemplate template);
}
