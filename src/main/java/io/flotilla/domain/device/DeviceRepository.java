package io.flotilla.domain.device;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Storage of devices, their attestation and twins (port). */
public interface DeviceRepository {
  /** Inserts a device with its attestation and an empty twin; fails with {@code Conflict} if the id exists. */
  Future<Void> insert(Device device, Attestation attestation);

  /**
   * Replaces the device's attributes (not its attestation, twin or {@code provisioned}, which only connections set)
   * if its etag is still {@code expectedEtag}; answers false when it does not exist or changed meanwhile.
   */
  Future<Boolean> update(Device device, String expectedEtag);

  Future<Optional<Device>> find(String id);

  /** Devices matching {@code filter} (null: all), in id order, one keyset page. */
  Future<Page<Device>> list(DeviceFilter filter, PageRequest page);

  Future<Boolean> delete(String id);

  Future<Optional<Attestation>> attestation(String id);

  /** The device and its attestation in one read (what a connecting device is checked against). */
  Future<Optional<Credentialed>> findWithAttestation(String id);

  /** A device with its attestation. */
  record Credentialed(Device device, Attestation attestation) {
  }

  /** Answers false when the device does not exist. */
  Future<Boolean> saveAttestation(String id, Attestation attestation);

  Future<Optional<Twin>> twin(String id);

  /**
   * Reads the twin (including property-job values not yet folded into it), applies {@code change} and writes the
   * result, in one transaction (the row is locked, so
   * concurrent changes serialise). Answers the new twin, or empty when the device does not exist.
   */
  Future<Optional<Twin>> updateTwin(String id, TwinChange change);

  /** As {@link #updateTwin(String, TwinChange)} for changes that set no new desired version. */
  default Future<Optional<Twin>> updateTwin(String id, UnaryOperator<Twin> change) {
    return updateTwin(id, (twin, versions) -> change.apply(twin));
  }

  /** A change of a twin; a change that writes desired values takes its new desired {@code $version} from
   * {@code nextDesiredVersion} (always above every version given before, for any device). */
  @FunctionalInterface
  interface TwinChange {
    Twin apply(Twin current, java.util.function.LongSupplier nextDesiredVersion);
  }

  /** Number of devices marked {@code simulated} (enabled or not). */
  Future<Long> countSimulated();

  /** Marks the device provisioned (idempotent). */
  default Future<Void> markProvisioned(String id) {
    return markProvisioned(java.util.List.of(id));
  }

  /** Marks the devices provisioned in one transaction (idempotent; unknown ids are ignored). */
  Future<Void> markProvisioned(java.util.Collection<String> ids);
}
