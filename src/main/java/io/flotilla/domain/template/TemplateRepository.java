package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Storage of device templates (port). Documents are stored as sent; the service parses them. */
public interface TemplateRepository {
  /** A stored template document, its display name and etag. */
  record Stored(String id, String displayName, ObjectNode document, String etag) {
  }

  /** Inserts or replaces; answers true when the template is new. */
  Future<Boolean> save(Stored template);

  /**
   * Changes a template in one transaction: locks its row, applies {@code change} to the stored template and writes
   * the result, so concurrent changes of one template are serialised. Empty when it does not exist (nothing is
   * written). {@code change} runs inside the transaction and must not wait for anything; an exception it throws
   * aborts the change.
   */
  Future<Optional<Stored>> update(String id, UnaryOperator<Stored> change);

  Future<Optional<Stored>> find(String id);

  Future<Page<Stored>> list(PageRequest page);

  /**
   * One keyset page of the templates a list request selects ({@code filter} fields: {@code @id}, displayName,
   * capabilityModelId).
   */
  Future<Page<Stored>> select(ListQuery query, PageRequest page);

  /** Deletes the template unless a device uses it; fails with {@code Conflict} then, {@code NotFound} if absent. */
  Future<Void> deleteUnused(String id);
}
