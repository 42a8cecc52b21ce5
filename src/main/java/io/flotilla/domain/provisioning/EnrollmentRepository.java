package io.flotilla.domain.provisioning;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** Storage of enrollment groups (port). */
public interface EnrollmentRepository {
  /** Inserts or replaces; answers true when the group was created. */
  Future<Boolean> save(EnrollmentGroup group);

  Future<Optional<EnrollmentGroup>> find(String id);

  Future<Page<EnrollmentGroup>> list(PageRequest page);

  /** Every group (there are few): what authentication derives keys from. */
  Future<List<EnrollmentGroup>> all();

  Future<Boolean> delete(String id);
}
