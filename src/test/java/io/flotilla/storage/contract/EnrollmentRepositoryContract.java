package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.provisioning.EnrollmentGroup;
import io.flotilla.storage.sql.SqlEnrollmentRepository;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.provisioning.EnrollmentRepository} promises, on every database. */
abstract class EnrollmentRepositoryContract extends RepositoryContract {
  SqlEnrollmentRepository enrollments;

  @BeforeEach
  void repositories() {
    enrollments = new SqlEnrollmentRepository(db);
  }

  static EnrollmentGroup group(String id) {
    return new EnrollmentGroup(id, "Group " + id, true, EnrollmentGroup.TYPE_IOT, "pk-" + id, "sk-" + id, "\"e\"");
  }

  @Test
  void saveInsertsThenReplacesAndFindRoundTripsEveryField() {
    EnrollmentGroup g = new EnrollmentGroup("eg-1", UNICODE, false, EnrollmentGroup.TYPE_IOT_EDGE, "p".repeat(88),
        "s".repeat(88), "\"e1\"");
    assertThat(await(enrollments.save(g))).as("created").isTrue();
    assertThat(await(enrollments.find("eg-1"))).contains(g);

    EnrollmentGroup replaced = new EnrollmentGroup("eg-1", "Other", true, EnrollmentGroup.TYPE_IOT, "p2", "s2",
        "\"e2\"");
    assertThat(await(enrollments.save(replaced))).as("replaced").isFalse();
    assertThat(await(enrollments.find("eg-1"))).contains(replaced);
    assertThat(await(enrollments.find("absent"))).isEmpty();
  }

  @Test
  void x509GroupsRoundTripTheirSigningCertificatesAndTurnBackIntoSymmetricOnes() {
    java.util.Map<String, io.flotilla.domain.provisioning.SigningCertificate> certs = java.util.Map.of(
        "primary", new io.flotilla.domain.provisioning.SigningCertificate("Q0VSVA==", "AB".repeat(20), true, "\"c1\"",
            null),
        "secondary", new io.flotilla.domain.provisioning.SigningCertificate("T1RIRVI=", "CD".repeat(20), false,
            "\"c2\"", "0123456789ABCDEF"));
    EnrollmentGroup x509 = new EnrollmentGroup("eg-x509", "X509", true, EnrollmentGroup.TYPE_IOT, "", "", "\"e\"",
        certs);
    assertThat(await(enrollments.save(x509))).isTrue();
    assertThat(await(enrollments.find("eg-x509"))).contains(x509);
    EnrollmentGroup removed = await(enrollments.update("eg-x509", g -> g.withCertificate("secondary", null, "\"e2\"")))
        .orElseThrow();
    assertThat(removed.certificates()).containsOnlyKeys("primary");
    assertThat(await(enrollments.find("eg-x509"))).contains(removed);
    assertThat(await(enrollments.all())).contains(removed);
    EnrollmentGroup symmetric = group("eg-x509");
    await(enrollments.save(symmetric));
    assertThat(await(enrollments.find("eg-x509")).orElseThrow().x509()).isFalse();
    assertThat(await(enrollments.find("eg-x509"))).contains(symmetric);
  }

  @Test
  void updateAppliesTheChangeToTheStoredGroupSerialisedAndNeverCreates() {
    await(enrollments.save(group("eg")));
    List<io.vertx.core.Future<java.util.Optional<EnrollmentGroup>>> updates = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      updates.add(enrollments.update("eg", g -> new EnrollmentGroup(g.id(), g.displayName() + "+", g.enabled(),
          g.type(), g.primaryKey(), g.secondaryKey(), "\"e\"")));
    }
    updates.forEach(u -> assertThat(await(u)).isPresent());
    assertThat(await(enrollments.find("eg")).orElseThrow().displayName()).isEqualTo("Group eg" + "+".repeat(12));

    assertThat(await(enrollments.update("absent", g -> group("absent")))).isEmpty();
    assertThat(await(enrollments.find("absent"))).isEmpty();
  }

  @Test
  void listAndAllAnswerEveryGroupOnceInIdOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 7; i >= 0; i--) {
      String id = "eg-" + i;
      await(enrollments.save(group(id)));
      ids.add(0, id);
    }
    assertThat(readAllPages(p -> enrollments.list(p), 3, EnrollmentGroup::id)).extracting(EnrollmentGroup::id)
        .containsExactlyElementsOf(ids);
    assertThat(await(enrollments.all())).extracting(EnrollmentGroup::id).containsExactlyElementsOf(ids);
    assertThat(await(enrollments.all())).first().isEqualTo(group("eg-0"));

    assertThat(await(enrollments.delete("eg-2"))).isTrue();
    assertThat(await(enrollments.delete("eg-2"))).isFalse();
    assertThat(await(enrollments.all())).hasSize(7).extracting(EnrollmentGroup::id).doesNotContain("eg-2");
  }
}
