package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.upload.FileUpload;
import io.flotilla.domain.upload.UploadSettings;
import io.flotilla.storage.sql.SqlUploadRepository;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.upload.UploadRepository} promises, on every database. */
abstract class UploadRepositoryContract extends RepositoryContract {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  SqlUploadRepository uploads;

  @BeforeEach
  void repository() throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM file_uploads");
      s.executeUpdate("DELETE FROM file_upload_settings");
    }
    uploads = new SqlUploadRepository(db);
  }

  static UploadSettings settings(String container, String etag) {
    return new UploadSettings(UNICODE, "local", container, Duration.ofMinutes(90), true, "succeeded", etag,
        "a2V5a2V5a2V5a2V5a2V5a2V5");
  }

  @Test
  void theSettingsAreCreatedOnceUpdatedLockedAndDeleted() {
    assertThat(await(uploads.settings())).isEmpty();
    assertThat(await(uploads.updateSettings(s -> settings("x", "\"e\"")))).as("never creates").isEmpty();
    assertThat(await(uploads.createSettings(settings("abc", "\"e1\"")))).isTrue();
    assertThat(await(uploads.createSettings(settings("abd", "\"e2\"")))).as("one configuration").isFalse();
    assertThat(await(uploads.settings())).contains(settings("abc", "\"e1\""));

    List<Future<Optional<UploadSettings>>> updates = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      updates.add(uploads.updateSettings(s -> new UploadSettings(s.account() + "+", s.connectionString(),
          s.container(), s.sasTtl(), s.readAccess(), s.state(), s.etag(), s.signingKey())));
    }
    updates.forEach(u -> assertThat(await(u)).isPresent());
    assertThat(await(uploads.settings()).orElseThrow().account()).as("serialised, none lost")
        .isEqualTo(UNICODE + "+".repeat(10));
    assertThat(await(uploads.deleteSettings())).isTrue();
    assertThat(await(uploads.deleteSettings())).isFalse();
    assertThat(await(uploads.settings())).isEmpty();
  }

  @Test
  void anUploadRoundTripsIsStoredCompletedOnceAndListedPerDeviceInOrder() {
    FileUpload u = FileUpload.requested("0001", "dev-1", "box", "dev-1/" + UNICODE.replace("\n", ""), T0,
        T0.plusSeconds(3600));
    await(uploads.insert(u));
    assertThat(await(uploads.find("0001"))).contains(u);
    assertThat(await(uploads.stored("0001", 1234, T0.plusSeconds(5)))).isTrue();
    assertThat(await(uploads.stored("nope", 1, T0))).isFalse();
    assertThat(await(uploads.completed("dev-2", "0001", true, 200, "x", T0))).as("another device's").isFalse();
    assertThat(await(uploads.completed("dev-1", "0001", false, 500, UNICODE, T0.plusSeconds(9)))).isTrue();
    assertThat(await(uploads.completed("dev-1", "0001", true, 200, "again", T0.plusSeconds(10)))).isFalse();
    FileUpload done = await(uploads.find("0001")).orElseThrow();
    assertThat(done.sizeBytes()).isEqualTo(1234);
    assertThat(done.storedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(done.completedAt()).isEqualTo(T0.plusSeconds(9));
    assertThat(done.success()).isFalse();
    assertThat(done.statusCode()).isEqualTo(500);
    assertThat(done.statusDescription()).isEqualTo(UNICODE);

    for (int i = 2; i <= 6; i++) {
      await(uploads.insert(FileUpload.requested("000" + i, i % 2 == 0 ? "dev-2" : "dev-1", "box", "b" + i, T0,
          T0.plusSeconds(60))));
    }
    Page<FileUpload> first = await(uploads.list("dev-1", PageRequest.first(2)));
    assertThat(first.items()).extracting(FileUpload::correlationId).containsExactly("0001", "0003");
    Page<FileUpload> next = await(uploads.list("dev-1", new PageRequest(first.nextKey().orElseThrow(), 2)));
    assertThat(next.items()).extracting(FileUpload::correlationId).containsExactly("0005");
    assertThat(next.nextKey()).isEmpty();
    assertThat(await(uploads.list(null, PageRequest.first(10))).items()).hasSize(6);
  }
}
