package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.device.MethodResult;
import io.flotilla.domain.template.CapabilityPath;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A command job's work on one device: each entry's command in order, the device must be online now; the device's
 * answer decides ({@code >= 400} fails). Never fails: every outcome is a {@link DeviceResult}.
 */
final class CommandRun {
  private CommandRun() {
  }

  static Future<DeviceResult> run(DeviceChannel channel, long seq, String deviceId, List<JobItem> items, Duration timeout,
                                  Clock clock) {
    Future<MethodResult> chain = Future.succeededFuture(null);
    for (JobItem item : items) {
      chain = chain.compose(previous -> {
        if (previous != null && previous.status() >= 400) {
          return Future.succeededFuture(previous);
        }
        return channel.invokeMethod(deviceId, methodName(item.path()), payload(item), Duration.ZERO, timeout);
      });
    }
    return chain.map(last -> last.status() >= 400
            ? DeviceResult.failed(seq, deviceId, "CommandFailed", "The device answered status " + last.status() + ".",
                last.status(), clock.instant())
            : DeviceResult.completed(seq, deviceId, last.status(), clock.instant()))
        .recover(e -> Future.succeededFuture(failure(seq, deviceId, e, clock)));
  }

  static String methodName(String path) {
    CapabilityPath p = CapabilityPath.parse(path);
    return p.component() == null ? p.name() : p.component() + "*" + p.name();
  }

  private static String payload(JobItem item) {
    return item.value() == null || item.value().isNull() ? "" : item.value().toString();
  }

  private static DeviceResult failure(long seq, String deviceId, Throwable e, Clock clock) {
    if (e instanceof FlotillaException fe) {
      return DeviceResult.failed(seq, deviceId, fe.code(), fe.getMessage(), null, clock.instant());
    }
    return DeviceResult.failed(seq, deviceId, "InternalError", e.toString(), null, clock.instant());
  }
}
