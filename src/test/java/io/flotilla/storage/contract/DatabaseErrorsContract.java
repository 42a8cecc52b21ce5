package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

/**
 * A database error that slips past validation reaches the client as a 4xx of the documented shape, never a 500: a
 * value too long for its column is {@code Invalid} (400), a duplicate key or a missing parent {@code Conflict} (409).
 */
abstract class DatabaseErrorsContract extends RepositoryContract {

  private void insertGroup(String id, String displayName) {
    await(db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_groups (id, display_name, filter, etag, "
          + "created_at) VALUES (?, ?, 'SELECT * FROM devices', 'e', CURRENT_TIMESTAMP)")) {
        ps.setString(1, id);
        ps.setString(2, displayName);
        return ps.executeUpdate();
      }
    }));
  }

  @Test
  void aValueTooLongForItsColumnIsInvalid() {
    assertThatThrownBy(() -> insertGroup("g", "x".repeat(100_000)))
        .isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageNotContaining("xxxxxxxxxx");
  }

  @Test
  void aMissingRequiredValueIsInvalid() {
    assertThatThrownBy(() -> insertGroup("g", null)).isInstanceOf(FlotillaException.Invalid.class);
  }

  @Test
  void aDuplicateKeyIsAConflict() {
    insertGroup("g", "first");
    assertThatThrownBy(() -> insertGroup("g", "second")).isInstanceOf(FlotillaException.Conflict.class);
  }

  @Test
  void aRowWhoseParentIsGoneIsAConflict() {
    assertThatThrownBy(() -> await(db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_property_values (device_id, name, "
          + "str_value) VALUES ('no-such-device', 'p', 'v')")) {
        return ps.executeUpdate();
      }
    }))).isInstanceOf(FlotillaException.Conflict.class);
  }

  @Test
  void readsTranslateToo() {
    assertThatThrownBy(() -> await(db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS INTEGER)")) {
        ps.setString(1, "not a number");
        ps.executeQuery().close();
        return null;
      }
    }))).isInstanceOf(FlotillaException.Invalid.class);
  }
}
