package io.flotilla.domain.provisioning;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Storage of enrollment groups (port). */
public interface EnrollmentRepository {
  /** Inserts or replaces; answers true when the group was created. */
  Future<Boolean> save(EnrollmentGroup group);

  /**
   * Changes a group in one transaction: locks its row, applies {@code change} to the stored group and writes the
   * result, so concurrent changes of one group are serialised. Empty when it does not exist (nothing is written).
   * {@code change} runs inside the transaction and must not wait for anything; an exception it throws aborts the
   * change.
   */
  Future<Optional<EnrollmentGroup>> update(String id, UnaryOperator<EnrollmentGroup> change);

  Future<Optional<EnrollmentGroup>> find(String id);

  Future<Page<EnrollmentGroup>> list(PageRequest page);

  /** Every group (there are few): what authentication derives keys from. */
  Future<List<EnrollmentGroup>> all();

  Future<Boolean> delete(String id);
}
