package io.flotilla.domain.provisioning;

import io.flotilla.domain.common.GroupCommit;
import io.flotilla.domain.device.DeviceRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that devices connected ({@code provisioned}) with group commits: one write at a time, carrying every mark
 * that arrived while the previous one ran (at most {@value #PER_WRITE}). A lone connect is written at once; ten
 * thousand devices connecting together cost a few dozen transactions instead of ten thousand.
 */
final class ProvisionedMarks {
  static final int PER_WRITE = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionedMarks.class);

  private final DeviceRepository devices;
  private final GroupCommit<Mark> writes = new GroupCommit<>(PER_WRITE, this::write);

  ProvisionedMarks(DeviceRepository devices) {
    this.devices = devices;
  }

  /** Completes once the device's mark is committed. */
  Future<Void> mark(String deviceId) {
    Promise<Void> done = Promise.promise();
    writes.submit(new Mark(deviceId, done));
    return done.future();
  }

  private Future<Void> write(List<Mark> batch) {
    return devices.markProvisioned(batch.stream().map(Mark::deviceId).toList()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Could not mark {} device(s) provisioned (they are marked when they next connect): {}",
            batch.size(), ar.cause().toString());
      }
      for (Mark done : batch) {
        if (ar.succeeded()) {
          done.promise().complete();
        } else {
          done.promise().fail(ar.cause());
        }
      }
    });
  }

  private record Mark(String deviceId, Promise<Void> promise) {
  }
}
