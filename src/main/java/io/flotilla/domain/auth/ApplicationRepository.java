package io.flotilla.domain.auth;

import io.vertx.core.Future;
import java.util.Optional;

/** Storage of the application record (port). */
public interface ApplicationRepository {
  Future<Optional<Application>> find();

  Future<Void> create(Application application);
}
