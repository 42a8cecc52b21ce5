package io.flotilla.domain.device;

import io.flotilla.domain.common.Change;
import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/** Storage of devices, their attestation and twins (port). */
public interface DeviceRepository {
  /** Inserts a device with its attestation and an empty twin; fails with {@code Conflict} if the id exists. */
  Future<Void> insert(Device device, Attestation attestation);

  /**
   * Changes a device in one transaction: locks its row, applies {@code change} to the stored device and writes the
   * attributes of the result (not its attestation, twin or {@code provisioned}, which only connections set). So
   * concurrent changes of one device are serialised, each applied over the one before it. Answers the device before
   * and after, or empty when it does not exist: then nothing is written (a change never creates a device).
   * {@code change} runs on a database thread inside the transaction, so it must not wait for anything; returning
   * {@code current} itself writes nothing; an exception it throws aborts the change and fails the future with it.
   */
  Future<Optional<Change<Device>>> update(String id, DeviceChange change);

  /** A change of a stored device. */
  @FunctionalInterface
  interface DeviceChange {
    /**
     * @param current the device as stored, its row locked
     * @param simulatedDevices counts the devices marked {@code simulated}, in the same transaction
     */
    Device apply(Device current, LongSupplier simulatedDevices);
  }

  Future<Optional<Device>> find(String id);

  /** Devices matching {@code filter} (null: all), in id order, one keyset page. */
  default Future<Page<Device>> list(DeviceFilter filter, PageRequest page) {
    return list(filter, OrganizationScope.WHOLE, page);
  }

  /** Devices matching {@code filter} (null: all) that {@code scope} reaches, in id order, one keyset page. */
  Future<Page<Device>> list(DeviceFilter filter, OrganizationScope scope, PageRequest page);

  /**
   * One keyset page of the devices a list request selects ({@code filter} fields: id, displayName, enabled,
   * provisioned, simulated, template, scopes), in its order. A skiptoken of another order fails with {@code Invalid}.
   */
  default Future<Page<Device>> select(ListQuery query, PageRequest page) {
    return select(query, OrganizationScope.WHOLE, page);
  }

  /** As {@link #select(ListQuery, PageRequest)}, only the devices {@code scope} reaches (the filter ANDs with it). */
  Future<Page<Device>> select(ListQuery query, OrganizationScope scope, PageRequest page);

  /** How many devices match {@code filter} (null: all). */
  Future<Long> count(DeviceFilter filter);

  Future<Boolean> delete(String id);

  Future<Optional<Attestation>> attestation(String id);

  /** The device and its attestation in one read (what a connecting device is checked against). */
  Future<Optional<Credentialed>> findWithAttestation(String id);

  /** A device with its attestation. */
  record Credentialed(Device device, Attestation attestation) {
  }

  /** Answers false when the device does not exist. */
  Future<Boolean> saveAttestation(String id, Attestation attestation);

  /**
   * Changes the attestation in one transaction (the device's row locked, like {@link #update}); empty when the
   * device does not exist. {@code change} runs inside the transaction and must not wait for anything.
   */
  Future<Optional<Attestation>> updateAttestation(String id, UnaryOperator<Attestation> change);

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
