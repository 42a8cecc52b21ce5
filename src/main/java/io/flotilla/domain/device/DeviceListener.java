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

  /** Tells each of {@code listeners}, in order. */
  static DeviceListener all(DeviceListener... listeners) {
    java.util.List<DeviceListener> list = java.util.List.of(listeners);
    return new DeviceListener() {
      @Override
      public void changed(Device before, Device after) {
        list.forEach(l -> l.changed(before, after));
      }

      @Override
      public void deleted(String deviceId) {
        list.forEach(l -> l.deleted(deviceId));
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
