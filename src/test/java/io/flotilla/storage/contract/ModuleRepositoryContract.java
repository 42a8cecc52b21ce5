package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.CommandInvocation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.ModuleId;
import io.flotilla.domain.device.TelemetryValue;
import io.flotilla.domain.device.Twin;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlModuleRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.device.ModuleRepository} promises, on every database. */
abstract class ModuleRepositoryContract extends RepositoryContract {
  static final Instant T = Instant.parse("2030-05-06T07:08:09.123456Z");
  static final ModuleId M1 = new ModuleId("d", "m1");

  SqlModuleRepository modules;
  SqlDeviceRepository devices;

  @BeforeEach
  void repositories() {
    modules = new SqlModuleRepository(db);
    devices = new SqlDeviceRepository(db);
    await(devices.insert(new Device("d", "d", null, true, false, false, "\"e\"", List.of()), Attestation.generated()));
  }

  @Test
  void registerIsIdempotentBoundedPerDeviceAndNeedsTheDevice() {
    assertThat(await(modules.register(M1, 3, T))).isTrue();
    assertThat(await(modules.register(M1, 3, T))).as("again").isTrue();
    assertThat(await(modules.register(new ModuleId("d", "m0"), 3, T))).isTrue();
    assertThat(await(modules.register(new ModuleId("d", "m2"), 3, T))).isTrue();
    assertThat(await(modules.register(new ModuleId("d", "m3"), 3, T))).as("a fourth of three").isFalse();
    assertThat(await(modules.register(M1, 3, T))).as("a known one still").isTrue();
    assertThat(await(modules.register(new ModuleId("gone", "m1"), 3, T))).isFalse();
    assertThat(await(modules.list("d"))).containsExactly("m0", "m1", "m2");
    assertThat(await(modules.list("gone"))).isEmpty();
    assertThat(await(modules.twin(M1))).contains(Twin.empty());
    assertThat(await(modules.twin(new ModuleId("d", "m3")))).isEmpty();
  }

  @Test
  void updateTwinWritesTheChangeAndAnswersEmptyForAnUnknownModule() {
    await(modules.register(M1, 50, T));
    Twin t = Twin.empty();
    Twin changed = new Twin(json("{\"a\":" + JSON.valueToTree(UNICODE) + "}"), 7, json("{\"a\":{\"desiredVersion\":7}}"),
        json("{\"b\":[1,true,null]}"), 3, json("{\"b\":{\"lastUpdateTime\":\"x\"}}"), t.cloud(), t.cloudMetadata());
    assertThat(await(modules.updateTwin(M1, current -> changed))).contains(changed);
    assertThat(await(modules.twin(M1))).contains(changed);
    assertThat(await(modules.twin(new ModuleId("d", "m2")))).isEmpty();
    assertThat(await(modules.updateTwin(new ModuleId("d", "m2"), current -> changed))).isEmpty();
    assertThat(await(modules.list("d"))).containsExactly("m1");
  }

  @Test
  void aChangeThatThrowsWritesNothing() {
    await(modules.register(M1, 50, T));
    assertThatThrownBy(() -> await(modules.updateTwin(M1, current -> {
      throw new FlotillaException.Invalid("no");
    }))).hasMessageContaining("no");
    assertThat(await(modules.twin(M1))).contains(Twin.empty());
  }

  @Test
  void telemetryAndCommandsAreKeptPerModuleAndGoWithTheDevice() {
    await(modules.register(M1, 50, T));
    await(modules.register(new ModuleId("d", "m2"), 50, T));
    List<TelemetryValue> values = new ArrayList<>();
    for (int i = 0; i < 1003; i++) {
      values.add(new TelemetryValue(i % 2 == 0 ? "d/m1" : "d/m2", null, "t" + (i % 7), T.plusMillis(i), value(i)));
    }
    values.add(new TelemetryValue("d/gone", null, "t", T, value(1)));
    values.add(new TelemetryValue("d/m1", "c", "t0", T, value("component")));
    await(modules.telemetry().saveLatest(values));
    assertThat(await(modules.telemetry().latest("d/m1", null, "t6")))
        .contains(values.stream().filter(v -> v.deviceId().equals("d/m1") && v.name().equals("t6")
            && v.component() == null).reduce((a, b) -> b).orElseThrow());
    assertThat(await(modules.telemetry().latest("d/m2", null, "t6")))
        .contains(values.stream().filter(v -> v.deviceId().equals("d/m2") && v.name().equals("t6"))
            .reduce((a, b) -> b).orElseThrow());
    assertThat(await(modules.telemetry().latest("d/m1", "c", "t0")).map(TelemetryValue::value)).contains(value("component"));
    assertThat(await(modules.telemetry().latest("d/gone", null, "t"))).isEmpty();
    assertThat(await(modules.telemetry().latest("d", null, "t0"))).as("a device key").isEmpty();

    CommandInvocation run = new CommandInvocation("id1", "d/m1", null, "reboot", 0, 30, value(5),
        json("{\"ok\":true}"), 200);
    CommandInvocation again = new CommandInvocation("id2", "d/m1", null, "reboot", 1, 10, null, null, 500);
    CommandInvocation component = new CommandInvocation("id3", "d/m1", "c", "reboot", 0, 30, null, value("x"), 201);
    await(modules.commands().saveLatest(run));
    assertThat(await(modules.commands().latest("d/m1", null, "reboot"))).contains(run);
    await(modules.commands().saveLatest(again));
    await(modules.commands().saveLatest(component));
    assertThat(await(modules.commands().latest("d/m1", null, "reboot"))).contains(again);
    assertThat(await(modules.commands().latest("d/m1", "c", "reboot"))).contains(component);
    assertThat(await(modules.commands().latest("d/m2", null, "reboot"))).isEmpty();

    await(devices.delete("d"));
    assertThat(await(modules.list("d"))).isEmpty();
    assertThat(await(modules.telemetry().latest("d/m1", null, "t0"))).isEmpty();
    assertThat(await(modules.commands().latest("d/m1", "c", "reboot"))).isEqualTo(Optional.empty());
  }
}
