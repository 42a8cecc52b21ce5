package io.flotilla.domain.audit;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** Storage of the audit log (port). */
public interface AuditRepository {
  /** Stores the entries in one transaction, in list order (their {@code seq} ascending). */
  Future<Void> append(List<AuditEntry> entries);

  /**
   * A page of entries matching {@code filter}, newest first ({@code seq} descending); {@code page.after()} is the
   * decimal {@code seq} of the last entry of the previous page. Fails with {@code Invalid} for a key that is not one.
   */
  Future<Page<AuditEntry>> list(AuditFilter filter, PageRequest page);

  /** Deletes at most {@code limit} entries recorded before {@code cutoff}, oldest first; answers how many. */
  Future<Integer> deleteBefore(Instant cutoff, int limit);
}
