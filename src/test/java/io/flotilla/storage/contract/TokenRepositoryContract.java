package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.auth.ApiToken;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.storage.sql.SqlTokenRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.auth.TokenRepository} promises, on every database. */
abstract class TokenRepositoryContract extends RepositoryContract {
  SqlTokenRepository tokens;

  @BeforeEach
  void repositories() {
    tokens = new SqlTokenRepository(db);
  }

  @Test
  void saveInsertsThenReplacesAndFindRoundTripsEveryField() {
    ApiToken token = new ApiToken("tok-1", "a".repeat(64), List.of(new RoleAssignment(Role.ADMINISTRATOR, null),
        new RoleAssignment(Role.OPERATOR, "org-ü")), Instant.parse("2031-02-03T04:05:06.789Z"));
    await(tokens.save(token));
    assertThat(await(tokens.find("tok-1"))).contains(token);

    ApiToken replaced = new ApiToken("tok-1", "b".repeat(64), List.of(new RoleAssignment(Role.BUILDER, "org-x")),
        Instant.parse("2032-01-01T00:00:00Z"));
    await(tokens.save(replaced));
    assertThat(await(tokens.find("tok-1"))).contains(replaced);
    assertThat(await(tokens.find("absent"))).isEmpty();
  }

  @Test
  void listPagesEveryTokenOnceInIdOrderAndDeleteAnswersWhetherItRemoved() {
    List<String> ids = new ArrayList<>();
    for (int i = 10; i >= 0; i--) {
      String id = String.format("tok-%02d", i);
      await(tokens.save(new ApiToken(id, "c".repeat(64), List.of(new RoleAssignment(Role.OPERATOR, null)),
          Instant.parse("2031-01-01T00:00:00Z"))));
      ids.add(0, id);
    }
    assertThat(readAllPages(p -> tokens.list(p), 4, ApiToken::id)).extracting(ApiToken::id)
        .containsExactlyElementsOf(ids);
    assertThat(await(tokens.delete("tok-05"))).isTrue();
    assertThat(await(tokens.delete("tok-05"))).isFalse();
    assertThat(await(tokens.find("tok-05"))).isEmpty();
    assertThat(readAllPages(p -> tokens.list(p), 4, ApiToken::id)).hasSize(10);
  }
}
