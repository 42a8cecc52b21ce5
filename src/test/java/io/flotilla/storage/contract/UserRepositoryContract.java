package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.domain.auth.User;
import io.flotilla.domain.auth.UserType;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.storage.sql.SqlUserRepository;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.auth.UserRepository} promises, on every database. */
abstract class UserRepositoryContract extends RepositoryContract {
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  SqlUserRepository users;

  @BeforeEach
  void repositories() {
    users = new SqlUserRepository(db);
  }

  private static User email(String id, String address) {
    return new User(id, UserType.EMAIL, address, null, null, List.of(new RoleAssignment(Role.OPERATOR, null),
        new RoleAssignment(Role.BUILDER, "org-1")));
  }

  @Test
  void writeCreatesThenReplacesAndRoundTripsEveryField() {
    User u = email("u1", "A@contoso.com");
    assertThat(await(users.write("u1", current -> {
      assertThat(current).isEmpty();
      return u;
    }))).isEqualTo(u);
    assertThat(await(users.find("u1"))).contains(u);
    User sp = new User("u1", UserType.SERVICE_PRINCIPAL, null, TENANT, TENANT, List.of(new RoleAssignment(
        Role.ADMINISTRATOR, null)));
    await(users.write("u1", current -> {
      assertThat(current).contains(u);
      return sp;
    }));
    assertThat(await(users.find("u1"))).contains(sp);
    assertThat(await(users.find("absent"))).isEmpty();
  }

  @Test
  void aPrincipalBelongsToOneUserOnly() {
    await(users.write("u1", c -> email("u1", "same@contoso.com")));
    assertThatThrownBy(() -> await(users.write("u2", c -> email("u2", "SAME@contoso.com"))))
        .isInstanceOf(FlotillaException.Conflict.class);
    assertThat(await(users.find("u2"))).isEmpty();
    await(users.write("u1", c -> email("u1", "same@contoso.com"))); // the same user keeps it
  }

  @Test
  void aFailingChangeWritesNothingAndListAndDeleteWork() {
    await(users.write("u1", c -> email("u1", "one@contoso.com")));
    assertThatThrownBy(() -> await(users.write("u1", c -> {
      throw new FlotillaException.Invalid("no");
    }))).isInstanceOf(FlotillaException.Invalid.class);
    assertThat(await(users.find("u1")).map(User::email)).isEqualTo(Optional.of("one@contoso.com"));
    for (int i = 2; i <= 7; i++) {
      String id = "u" + i;
      await(users.write(id, c -> email(id, id + "@contoso.com")));
    }
    assertThat(readAllPages(p -> users.list(p), 3, User::id)).extracting(User::id)
        .containsExactly("u1", "u2", "u3", "u4", "u5", "u6", "u7");
    assertThat(await(users.delete("u3"))).isTrue();
    assertThat(await(users.delete("u3"))).isFalse();
    assertThat(readAllPages(p -> users.list(p), 3, User::id)).hasSize(6);
  }
}
