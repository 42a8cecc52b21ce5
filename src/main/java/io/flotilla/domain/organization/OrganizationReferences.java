package io.flotilla.domain.organization;

import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.OrganizationScope;
import io.vertx.core.Future;
import java.util.List;

/** Checks the organizations a device, group, job, scheduled job, token or user is given. */
public interface OrganizationReferences {
  /**
   * Only the form of the ids, every organization reachable (for components that run without the hierarchy, such as
   * the token command, and tests of one service).
   */
  OrganizationReferences FORM_ONLY = new OrganizationReferences() {
    @Override
    public Future<Void> check(List<String> organizations, OrganizationScope scope) {
      Limits.organizations("organizations", organizations);
      return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> reaches(List<String> organizations, OrganizationScope scope) {
      return Future.succeededFuture(true);
    }
  };

  /**
   * Fails with {@code Invalid} when an id is malformed, names no organization, or names one {@code scope} does not
   * reach (indistinguishable, so a scoped caller learns nothing of other organizations); a scoped caller may not
   * give the root ({@code []}) either. {@code null} (not given) passes.
   */
  Future<Void> check(List<String> organizations, OrganizationScope scope);

  /** Whether {@code scope} reaches a resource of {@code organizations} (empty: the root). */
  Future<Boolean> reaches(List<String> organizations, OrganizationScope scope);
}
