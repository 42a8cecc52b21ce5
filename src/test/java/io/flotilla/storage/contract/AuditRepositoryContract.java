package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.audit.AuditEntry;
import io.flotilla.domain.audit.AuditFilter;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.storage.sql.SqlAuditRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.audit.AuditRepository} promises, on every database. */
abstract class AuditRepositoryContract extends RepositoryContract {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  SqlAuditRepository audit;

  @BeforeEach
  void repositories() {
    audit = new SqlAuditRepository(db);
  }

  private static AuditEntry entry(int n, String kind, String resourceId, String token) {
    return new AuditEntry(0, T0.plusSeconds(n), "req-" + n, token,
        List.of(new RoleAssignment(Role.OPERATOR, null), new RoleAssignment(Role.BUILDER, "org-" + n)),
        n % 2 == 0 ? "PUT" : "DELETE", "/api/" + kind + "/" + resourceId, n % 3 == 0 ? "api-version=2022-07-31" : null,
        "Op_" + n, kind, resourceId, n % 2 == 0 ? 200 : 204);
  }

  @Test
  void appendedEntriesListNewestFirstWithEveryFieldRoundTripped() {
    AuditEntry first = new AuditEntry(0, Instant.parse("2030-02-03T04:05:06.789Z"), "req-a", "tok-a",
        List.of(new RoleAssignment(Role.ADMINISTRATOR, null), new RoleAssignment(Role.OPERATOR, "org-ü")), "PATCH",
        "/api/devices/" + "d".repeat(128) + "/properties", "api-version=2022-07-31&x=" + "q".repeat(3000),
        "Devices_UpdateProperties", "devices", "d".repeat(128), 202);
    AuditEntry second = new AuditEntry(0, Instant.parse("2030-02-03T04:05:07Z"), "req-b", "tok-b", List.of(),
        "DELETE", "/api/deviceTemplates/dtmi:x%3B1", null, "DeviceTemplates_Remove", "deviceTemplates",
        "dtmi:x;1", 204);
    await(audit.append(List.of(first)));
    await(audit.append(List.of(second)));

    List<AuditEntry> page = await(audit.list(AuditFilter.ALL, PageRequest.first(10))).items();
    assertThat(page).hasSize(2);
    assertThat(page.get(0).seq()).isGreaterThan(page.get(1).seq());
    assertThat(page.get(0)).isEqualTo(second.withSeq(page.get(0).seq()));
    assertThat(page.get(1)).isEqualTo(first.withSeq(page.get(1).seq()));
  }

  @Test
  void aBatchKeepsItsOrderAndPagesWalkEveryEntryOnceNewestFirst() {
    List<AuditEntry> batch = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      batch.add(entry(i, "devices", "dev-" + i, "tok"));
    }
    await(audit.append(batch));
    List<AuditEntry> all = readAllPages(p -> audit.list(AuditFilter.ALL, p), 5, e -> Long.toString(e.seq()));
    List<String> newestFirst = new ArrayList<>(batch.stream().map(AuditEntry::requestId).toList());
    java.util.Collections.reverse(newestFirst);
    assertThat(all).extracting(AuditEntry::requestId).containsExactlyElementsOf(newestFirst);
    assertThat(all).extracting(AuditEntry::seq).isSortedAccordingTo((a, b) -> Long.compare(b, a)).doesNotHaveDuplicates();
  }

  @Test
  void filtersByKindResourceAndTokenCombine() {
    List<AuditEntry> batch = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      batch.add(entry(i, i % 3 == 0 ? "apiTokens" : "devices", "r-" + (i % 4), i % 2 == 0 ? "alice" : "bob"));
    }
    await(audit.append(batch));
    assertThat(readAllPages(p -> audit.list(new AuditFilter("apiTokens", null, null), p), 2, e -> Long.toString(e.seq())))
        .extracting(AuditEntry::requestId).containsExactly("req-9", "req-6", "req-3", "req-0");
    assertThat(readAllPages(p -> audit.list(new AuditFilter(null, "r-1", null), p), 2, e -> Long.toString(e.seq())))
        .extracting(AuditEntry::requestId).containsExactly("req-9", "req-5", "req-1");
    assertThat(readAllPages(p -> audit.list(new AuditFilter(null, null, "alice"), p), 4, e -> Long.toString(e.seq())))
        .extracting(AuditEntry::requestId).containsExactly("req-10", "req-8", "req-6", "req-4", "req-2", "req-0");
    assertThat(await(audit.list(new AuditFilter("devices", "r-2", "alice"), PageRequest.first(10))).items())
        .extracting(AuditEntry::requestId).containsExactly("req-10", "req-2");
    assertThat(await(audit.list(new AuditFilter("nothing", null, null), PageRequest.first(10))).items()).isEmpty();
  }

  @Test
  void aPageKeyThatIsNotAnEntrysIsInvalid() {
    assertThatThrownBy(() -> await(audit.list(AuditFilter.ALL, new PageRequest("dev-1", 10))))
        .isInstanceOf(FlotillaException.Invalid.class);
  }

  @Test
  void deleteBeforeRemovesOnlyOlderEntriesOldestFirstAtMostTheLimit() {
    List<AuditEntry> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(entry(i, "devices", "d", "tok"));
    }
    await(audit.append(batch));
    Instant cutoff = T0.plusSeconds(7); // entries 0..6 are older
    assertThat(await(audit.deleteBefore(cutoff, 4))).isEqualTo(4);
    assertThat(requestIds()).containsExactly("req-9", "req-8", "req-7", "req-6", "req-5", "req-4");
    assertThat(await(audit.deleteBefore(cutoff, 4))).isEqualTo(3);
    assertThat(await(audit.deleteBefore(cutoff, 4))).isZero();
    assertThat(requestIds()).containsExactly("req-9", "req-8", "req-7");
  }

  private List<String> requestIds() {
    return await(audit.list(AuditFilter.ALL, PageRequest.first(100))).items().stream().map(AuditEntry::requestId)
        .toList();
  }
}
