package io.flotilla.domain.device;

/** Told when a queued command reached its device (its PUBACK arrived); e.g. the job engine, for command jobs. */
@FunctionalInterface
public interface DeliveryListener {
  void delivered(CommandQueue.Delivered delivery);
}
