package io.flotilla.app;

import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceListener;
import io.flotilla.domain.job.JobEngine;

/** Tells the job engine about created and changed devices: they may join the group of a continuous job. */
final class JobJoiners implements DeviceListener {
  private final JobEngine engine;

  JobJoiners(JobEngine engine) {
    this.engine = engine;
  }

  @Override
  public void changed(Device before, Device after) {
    engine.deviceChanged(after.id());
  }

  @Override
  public void deleted(String deviceId) {
  }
}
