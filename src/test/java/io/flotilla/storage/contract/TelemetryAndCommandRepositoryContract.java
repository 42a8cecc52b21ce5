package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.CommandInvocation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.TelemetryValue;
import io.flotilla.storage.sql.SqlCommandRepository;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlTelemetryRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link io.flotilla.domain.device.TelemetryRepository} and {@link io.flotilla.domain.device.CommandRepository}
 * promise, on every database.
 */
abstract class TelemetryAndCommandRepositoryContract extends RepositoryContract {
  static final Instant T = Instant.parse("2030-05-06T07:08:09.123456Z");

  SqlTelemetryRepository telemetry;
  SqlCommandRepository commands;
  SqlDeviceRepository devices;

  @BeforeEach
  void repositories() {
    telemetry = new SqlTelemetryRepository(db);
    commands = new SqlCommandRepository(db);
    devices = new SqlDeviceRepository(db);
  }

  void device(String id) {
    await(devices.insert(new Device(id, id, null, true, false, false, "\"e\"", List.of()), Attestation.generated()));
  }

  @Test
  void saveLatestInsertsThenUpdatesAndTheLastValueOfABatchWins() {
    device("d");
    TelemetryValue root = new TelemetryValue("d", null, "temp", T, value(21.5));
    TelemetryValue component = new TelemetryValue("d", "engine", "temp", T, json("{\"x\":" + JSON.valueToTree(UNICODE)
        + ",\"a\":[1,true,null]}"));
    await(telemetry.saveLatest(List.of(root, component)));
    assertThat(await(telemetry.latest("d", null, "temp"))).contains(root);
    assertThat(await(telemetry.latest("d", "engine", "temp"))).contains(component);
    assertThat(await(telemetry.latest("d", "other", "temp"))).isEmpty();
    assertThat(await(telemetry.latest("d", null, "absent"))).isEmpty();

    TelemetryValue later = new TelemetryValue("d", null, "temp", T.plusSeconds(1), value("hot"));
    TelemetryValue latest = new TelemetryValue("d", null, "temp", T.plusSeconds(2), value(false));
    await(telemetry.saveLatest(List.of(later, latest)));
    assertThat(await(telemetry.latest("d", null, "temp"))).contains(latest);
    assertThat(await(telemetry.latest("d", "engine", "temp"))).as("untouched").contains(component);
  }

  @Test
  void saveLatestDropsValuesOfMissingDevicesAndHandlesBatchesOverTheJdbcBatchSize() {
    device("a");
    device("b");
    List<TelemetryValue> values = new ArrayList<>();
    for (int i = 0; i < 1203; i++) {
      String id = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "gone";
      values.add(new TelemetryValue(id, i % 2 == 0 ? null : "c", "t" + (i % 500), T.plusMillis(i), value(i)));
    }
    await(telemetry.saveLatest(values));
    await(telemetry.saveLatest(List.of()));
    for (TelemetryValue v : values) {
      TelemetryValue last = values.stream().filter(w -> w.deviceId().equals(v.deviceId())
          && java.util.Objects.equals(w.component(), v.component()) && w.name().equals(v.name()))
          .reduce((x, y) -> y).orElseThrow();
      if (v == last) {
        assertThat(await(telemetry.latest(v.deviceId(), v.component(), v.name())))
            .isEqualTo(v.deviceId().equals("gone") ? java.util.Optional.empty() : java.util.Optional.of(v));
      }
    }
  }

  @Test
  void deletingTheDeviceRemovesItsTelemetryAndCommands() {
    device("d");
    await(telemetry.saveLatest(List.of(new TelemetryValue("d", null, "t", T, value(1)))));
    await(commands.saveLatest(new CommandInvocation("i", "d", null, "reboot", 0, 30, null, null, 200)));
    await(devices.delete("d"));
    device("d");
    assertThat(await(telemetry.latest("d", null, "t"))).isEmpty();
    assertThat(await(commands.latest("d", null, "reboot"))).isEmpty();
  }

  @Test
  void commandSaveLatestReplacesTheInvocationOfTheSameCommand() {
    device("d");
    CommandInvocation first = new CommandInvocation("inv-1", "d", null, "reboot", 10, 30,
        json("{\"delay\":" + JSON.valueToTree(UNICODE) + "}"), json("{\"ok\":true}"), 200);
    CommandInvocation inComponent = new CommandInvocation("inv-2", "d", "engine", "reboot", 0, 5, value(3), null,
        404);
    await(commands.saveLatest(first));
    await(commands.saveLatest(inComponent));
    assertThat(await(commands.latest("d", null, "reboot"))).contains(first);
    assertThat(await(commands.latest("d", "engine", "reboot"))).contains(inComponent);
    assertThat(await(commands.latest("d", null, "other"))).isEmpty();

    CommandInvocation second = new CommandInvocation("inv-3", "d", null, "reboot", 1, 2, null, null, 504);
    await(commands.saveLatest(second));
    assertThat(await(commands.latest("d", null, "reboot"))).contains(second);
    assertThat(await(commands.latest("d", "engine", "reboot"))).contains(inComponent);

    await(commands.saveLatest(new CommandInvocation("inv-4", "gone", null, "reboot", 1, 2, null, null, 200)));
    assertThat(await(commands.latest("gone", null, "reboot"))).isEmpty();
  }
}
