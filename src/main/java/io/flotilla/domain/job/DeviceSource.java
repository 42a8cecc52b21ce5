package io.flotilla.domain.job;

import io.flotilla.domain.group.filter.DeviceFilter;

/** Where a job's devices come from when it starts: a group's filter, or the failed devices of another job (rerun). */
public sealed interface DeviceSource permits DeviceSource.Matching, DeviceSource.FailedIn {
  record Matching(DeviceFilter filter) implements DeviceSource {
  }

  record FailedIn(String jobId) implements DeviceSource {
  }
}
