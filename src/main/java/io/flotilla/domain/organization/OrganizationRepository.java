package io.flotilla.domain.organization;

import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Storage of the organization hierarchy (port). */
public interface OrganizationRepository {
  Future<Optional<Organization>> find(String id);

  /** The organizations {@code scope} reaches, in id order, one keyset page. */
  Future<Page<Organization>> list(OrganizationScope scope, PageRequest page);

  /**
   * Writes one organization in a transaction that holds every hierarchy change off meanwhile: {@code change} gets the
   * whole hierarchy as stored and answers the organization to write (created or replacing the one with its id); it
   * runs inside the transaction, must not wait, and aborts the write by throwing. The tree of ancestors is rebuilt
   * in the same transaction.
   */
  Future<Organization> write(Function<Hierarchy, Organization> change);

  /**
   * Deletes an organization unless something still belongs to it; answers what does (empty: deleted, or there was
   * no such organization, see {@code found}). Checked and deleted in one transaction that holds hierarchy changes off.
   */
  Future<Removal> delete(String id);

  /** What kept an organization from being deleted; {@code found} false when it did not exist. */
  record Removal(boolean found, Set<String> blockers) {
  }

  /** Those of {@code ids} that exist and that {@code scope} reaches. */
  Future<Set<String>> reachable(Collection<String> ids, OrganizationScope scope);
}
