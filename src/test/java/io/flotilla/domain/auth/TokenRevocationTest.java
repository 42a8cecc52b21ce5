package io.flotilla.domain.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A token revoked through {@link TokenService#delete} stops authenticating on the very next request, even when a
 * lookup that raced the revocation read the token before it was deleted (it used to put it back into the cache for up
 * to 10 seconds).
 */
class TokenRevocationTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** Tokens in memory; {@link #find} answers at once, or when the test releases it ({@link #holdFinds}). */
  static final class Tokens implements TokenRepository {
    final Map<String, ApiToken> rows = new HashMap<>();
    final Deque<Runnable> heldFinds = new ArrayDeque<>();
    boolean holdFinds;
    int finds;

    @Override
    public Future<Void> save(ApiToken token) {
      rows.put(token.id(), token);
      return Future.succeededFuture();
    }

    @Override
    public Future<Optional<ApiToken>> find(String id) {
      finds++;
      Optional<ApiToken> now = Optional.ofNullable(rows.get(id)); // read now, answered maybe later
      if (!holdFinds) {
        return Future.succeededFuture(now);
      }
      Promise<Optional<ApiToken>> p = Promise.promise();
      heldFinds.add(() -> p.complete(now));
      return p.future();
    }

    @Override
    public Future<Page<ApiToken>> list(PageRequest page) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Boolean> delete(String id) {
      return Future.succeededFuture(rows.remove(id) != null);
    }
  }

  private final Tokens repo = new Tokens();
  private final TokenService service = new TokenService(repo, new Application("app", "App", "0ne00000000"),
      Clock.fixed(NOW, ZoneOffset.UTC));

  private String issue(String id) {
    return service.create(id, List.of(new RoleAssignment(Role.OPERATOR, null)), null).result().headerValue();
  }

  @Test
  void aLookupThatRacedTheRevocationDoesNotCacheTheRevokedToken() {
    String header = issue("raced");
    repo.holdFinds = true;
    Future<Principal> inFlight = service.authenticate(header); // read the row while it still existed
    assertThat(service.delete("raced").succeeded()).isTrue();
    repo.heldFinds.poll().run(); // ... and answers after the DELETE completed
    assertThat(inFlight.succeeded()).as("the request that was already in flight").isTrue();

    repo.holdFinds = false;
    Future<Principal> next = service.authenticate(header);
    assertThat(next.failed()).as("the next request after the DELETE").isTrue();
    assertThat(next.cause()).isInstanceOf(FlotillaException.Unauthorized.class);
  }

  @Test
  void aCachedTokenStopsWorkingOnTheNextRequestAfterItsDeletion() {
    String header = issue("cached");
    assertThat(service.authenticate(header).succeeded()).isTrue();
    int finds = repo.finds;
    assertThat(service.authenticate(header).succeeded()).isTrue();
    assertThat(repo.finds).as("the second request is served from the cache").isEqualTo(finds);

    assertThat(service.delete("cached").succeeded()).isTrue();
    assertThat(service.authenticate(header).failed()).isTrue();
  }

  @Test
  void aTokenDeletedAndCreatedAgainUnderTheSameIdAcceptsOnlyTheNewSecret() {
    String old = issue("again");
    assertThat(service.authenticate(old).succeeded()).isTrue();
    assertThat(service.delete("again").succeeded()).isTrue();
    String fresh = issue("again");
    assertThat(service.authenticate(fresh).succeeded()).isTrue();
    assertThat(service.authenticate(old).failed()).isTrue();
  }
}
