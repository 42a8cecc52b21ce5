package io.flotilla.domain.device;

/**
 * Told about device writes after they succeed (port; the simulator implements it). Calls come from whatever thread
 * completed the write and must return quickly without blocking.
 */
public interface DeviceListener {
  /** The device was created ({@code before} is {@code null}) or replaced. */
  void changed(Device before, Device after);

  /** The device was deleted. */
  void deleted(String deviceId);

  /** Tells {@code first}, then {@code second}. */
  static DeviceListener both(DeviceListener first, DeviceListener second) {
    return new DeviceListener() {
      @Override
      public void changed(Device before, Device after) {
        first.changed(before, after);
        second.changed(before, after);
      }

      @Override
      public void deleted(String deviceId) {
        first.deleted(deviceId);
        second.deleted(deviceId);
      }
    };
  }

  /** A listener that ignores everything. */
  DeviceListener NONE = new DeviceListener() {
    @Override
    public void changed(Device before, Device after) {
    }

    @Override
    public void deleted(String deviceId) {
    }
  };
}
