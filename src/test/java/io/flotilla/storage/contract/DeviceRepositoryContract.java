package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.Change;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.Twin;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.storage.sql.SqlDeviceRepository;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link io.flotilla.domain.device.DeviceRepository} promises, on every database. */
abstract class DeviceRepositoryContract extends RepositoryContract {
  static final String TRUCK = "dtmi:contoso:Truck;1";
  static final String SENSOR = "dtmi:contoso:Sensor;2";
  static final String W = "SELECT * FROM devices WHERE ";
  /** Unicode a filter literal can spell. */
  static final String LABEL = "Čerpadlo 🚀 東京 שלום e\u0301";

  SqlDeviceRepository devices;

  @BeforeEach
  void repositories() {
    devices = new SqlDeviceRepository(db);
  }

  static Device device(String id, String template) {
    return new Device(id, "Device " + id, template, true, false, false, "\"etag-" + id + "\"", List.of());
  }

  void insert(Device d) {
    await(devices.insert(d, Attestation.symmetricKey("pk-" + d.id(), "sk-" + d.id())));
  }

  List<String> ids(String filter, int limit) {
    DeviceFilter f = filter == null ? null : FilterParser.parse(filter);
    return readAllPages(p -> devices.list(f, p), limit, Device::id).stream().map(Device::id).toList();
  }

  // ---- insert / find / update / delete ----

  @Test
  void insertThenFindRoundTripsEveryField() {
    Device full = new Device("truck-Ü1", UNICODE, TRUCK, false, true, true, "\"e1\"", List.of("org-a", "org-b"));
    Device bare = new Device("bare", "bare", null, true, false, false, "\"e2\"", List.of());
    insert(full);
    insert(bare);

    assertThat(await(devices.find("truck-Ü1"))).contains(full);
    assertThat(await(devices.find("bare"))).contains(bare);
    assertThat(await(devices.find("bare")).orElseThrow().templateId()).isNull();
    assertThat(await(devices.find("absent"))).isEmpty();
  }

  @Test
  void attestationRoundTripsSymmetricKeysAndDocumentsAsSent() {
    insert(device("a", null));
    assertThat(await(devices.attestation("a"))).contains(Attestation.symmetricKey("pk-a", "sk-a"));

    ObjectNode x509 = json("{\"type\":\"x509\",\"x509\":{\"clientCertificates\":{\"primary\":{\"info\":{\"subject\":"
        + JSON.valueToTree(UNICODE) + "}}}}}");
    assertThat(await(devices.saveAttestation("a", new Attestation("x509", null, null, x509)))).isTrue();
    Attestation stored = await(devices.attestation("a")).orElseThrow();
    assertThat(stored.type()).isEqualTo("x509");
    assertThat(stored.document()).isEqualTo(x509);

    assertThat(await(devices.saveAttestation("absent", Attestation.generated()))).isFalse();
    assertThat(await(devices.attestation("absent"))).isEmpty();
  }

  @Test
  void insertOfAnExistingIdFailsWithConflictAndKeepsTheFirst() {
    Device first = device("dup", TRUCK);
    insert(first);
    Device second = new Device("dup", "other", SENSOR, false, true, true, "\"x\"", List.of("o"));

    assertThatThrownBy(() -> await(devices.insert(second, Attestation.generated())))
        .isInstanceOf(FlotillaException.Conflict.class);
    assertThat(await(devices.find("dup"))).contains(first);
    assertThat(await(devices.attestation("dup"))).contains(Attestation.symmetricKey("pk-dup", "sk-dup"));
  }

  @Test
  void updateReplacesAttributesButNotAttestationOrTwin() {
    insert(device("u", TRUCK));
    Twin before = await(devices.updateTwin("u", t -> withReported(t, "{\"temp\":1}")).map(Optional::orElseThrow));

    Device changed = new Device("u", UNICODE, null, false, true, false, "\"e9\"", List.of("org-z"));
    Change<Device> change = await(devices.update("u", (current, simulated) -> changed)).orElseThrow();

    assertThat(change.before()).isEqualTo(device("u", TRUCK));
    assertThat(change.after()).isEqualTo(changed);
    assertThat(await(devices.find("u"))).contains(changed);
    assertThat(await(devices.attestation("u"))).contains(Attestation.symmetricKey("pk-u", "sk-u"));
    assertThat(await(devices.twin("u"))).contains(before);
  }

  @Test
  void updateOfAnAbsentDeviceChangesNothingAndCreatesNothing() {
    boolean[] called = {false};
    assertThat(await(devices.update("absent", (current, simulated) -> {
      called[0] = true;
      return device("absent", null);
    }))).isEmpty();
    assertThat(called[0]).as("the change is not even made").isFalse();
    assertThat(await(devices.find("absent"))).isEmpty();
  }

  @Test
  void updateAppliesTheChangeToTheStoredDeviceAndNeverTouchesProvisioned() {
    insert(device("v", TRUCK));
    await(devices.markProvisioned("v"));
    Change<Device> change = await(devices.update("v", (current, simulated) -> new Device("v", "again", TRUCK, true,
        false, false, "\"e3\"", List.of()))).orElseThrow();
    assertThat(change.before().provisioned()).as("the change sees the stored device").isTrue();
    assertThat(await(devices.find("v")).orElseThrow().provisioned()).as("set by a connection, kept").isTrue();
    assertThat(await(devices.find("v")).orElseThrow().displayName()).isEqualTo("again");

    Device stored = await(devices.find("v")).orElseThrow();
    assertThat(await(devices.update("v", (current, simulated) -> current)).orElseThrow().after())
        .as("the current device itself: nothing written").isEqualTo(stored);
    assertThatThrownBy(() -> await(devices.update("v", (current, simulated) -> {
      throw new FlotillaException.PreconditionFailed("stale");
    }))).isInstanceOf(FlotillaException.PreconditionFailed.class);
    assertThat(await(devices.find("v"))).contains(stored);
  }

  @Test
  void updateCountsSimulatedDevicesInItsTransaction() {
    insert(new Device("sim-1", "s", null, true, true, false, "\"e\"", List.of()));
    insert(device("plain", null));
    long[] seen = {-1};
    await(devices.update("plain", (current, simulated) -> {
      seen[0] = simulated.getAsLong();
      return new Device("plain", "p", null, true, true, false, "\"e2\"", List.of());
    }));
    assertThat(seen[0]).isEqualTo(1);
    assertThat(await(devices.countSimulated())).isEqualTo(2);
  }

  @Test
  void concurrentUpdatesOfOneDeviceAreSerialisedAndNoneIsLost() {
    insert(device("busy", null));
    List<io.vertx.core.Future<Optional<Change<Device>>>> updates = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      updates.add(devices.update("busy", (current, simulated) -> new Device("busy", current.displayName() + "+",
          null, true, false, false, io.flotilla.domain.common.Etags.fresh(), List.of())));
    }
    List<String> seen = new ArrayList<>();
    for (var u : updates) {
      seen.add(await(u).orElseThrow().before().displayName());
    }
    assertThat(seen).as("each change saw a different version").doesNotHaveDuplicates();
    assertThat(await(devices.find("busy")).orElseThrow().displayName()).isEqualTo("Device busy" + "+".repeat(12));
  }

  @Test
  void updatesRacingADeleteNeverBringTheDeviceBack() {
    for (int round = 0; round < 10; round++) {
      String id = "doomed-" + round;
      insert(device(id, null));
      List<io.vertx.core.Future<Optional<Change<Device>>>> updates = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        if (i == 6) {
          assertThat(await(devices.delete(id))).isTrue();
        }
        String name = "p" + i;
        updates.add(devices.update(id, (current, simulated) -> new Device(id, name, null, true, false, false,
            "\"e\"", List.of())));
      }
      for (int i = 0; i < updates.size(); i++) {
        Optional<Change<Device>> outcome = await(updates.get(i));
        if (i >= 6) {
          assertThat(outcome).as("an update made after the delete finds nothing").isEmpty();
        }
      }
      assertThat(await(devices.find(id))).as("round %d", round).isEmpty();
      assertThat(await(devices.twin(id))).isEmpty();
    }
  }

  @Test
  void updateAttestationChangesTheStoredOneOnly() {
    insert(device("att", null));
    Attestation next = await(devices.updateAttestation("att", a -> Attestation.symmetricKey(a.primaryKey(), "sk-new")))
        .orElseThrow();
    assertThat(next).isEqualTo(Attestation.symmetricKey("pk-att", "sk-new"));
    assertThat(await(devices.attestation("att"))).contains(next);
    assertThat(await(devices.updateAttestation("none", a -> a))).isEmpty();
    assertThat(await(devices.find("none"))).isEmpty();
  }

  @Test
  void deleteRemovesDeviceTwinAttestationAndIndexedProperties() {
    insert(device("gone", TRUCK));
    await(devices.updateTwin("gone", t -> withCloud(t, "{\"CustomerName\":\"x\"}")));
    assertThat(ids(W + "CustomerName = \"x\"", 10)).containsExactly("gone");

    assertThat(await(devices.delete("gone"))).isTrue();
    assertThat(await(devices.delete("gone"))).isFalse();
    assertThat(await(devices.find("gone"))).isEmpty();
    assertThat(await(devices.twin("gone"))).isEmpty();
    assertThat(await(devices.attestation("gone"))).isEmpty();
    assertThat(await(devices.updateTwin("gone", t -> t))).isEmpty();

    insert(device("gone", TRUCK));
    assertThat(ids(W + "CustomerName = \"x\"", 10)).as("no stale property rows after re-creation").isEmpty();
    assertThat(await(devices.twin("gone")).orElseThrow().cloud()).isEmpty();
  }

  @Test
  void markProvisionedIsIdempotentAndTouchesNothingElse() {
    Device d = device("p", TRUCK);
    insert(d);
    await(devices.markProvisioned("p"));
    await(devices.markProvisioned("p"));
    await(devices.markProvisioned("absent"));
    assertThat(await(devices.find("p"))).contains(d.withProvisioned(true));
  }

  // ---- twins ----

  @Test
  void aNewDeviceHasAnEmptyTwin() {
    insert(device("t", null));
    Twin t = await(devices.twin("t")).orElseThrow();
    assertThat(t.desired()).isEmpty();
    assertThat(t.reported()).isEmpty();
    assertThat(t.cloud()).isEmpty();
    assertThat(t.desiredMetadata().size()).isEqualTo(1);
    assertThat(t.reportedMetadata()).isEmpty();
    assertThat(t.cloudMetadata()).isEmpty();
    assertThat(t.reportedVersion()).isEqualTo(1);
    assertThat(t.desiredVersion()).isPositive();
    assertThat(t.baseline()).as("the version the twin was created at").isEqualTo(t.desiredVersion());
    assertThat(await(devices.twin("absent"))).isEmpty();
  }

  @Test
  void updateTwinRoundTripsEveryDocumentWithUnicode() {
    insert(device("t", TRUCK));
    ObjectNode doc = json("{\"name\":" + JSON.valueToTree(UNICODE) + ",\"n\":1.5,\"b\":false,\"nested\":{\"a\":[1,\"ü\"]}}");
    Twin written = await(devices.updateTwin("t", (t, versions) -> new Twin(doc.deepCopy(), versions.getAsLong(),
        json("{\"name\":{\"desiredVersion\":7}}"), doc.deepCopy(), t.reportedVersion() + 1,
        json("{\"name\":{\"lastUpdateTime\":\"2030-01-01T00:00:00Z\"}}"), doc.deepCopy(),
        json("{\"name\":{\"lastUpdateTime\":\"" + UNICODE.replace("\\", "").replace("\"", "").replace("\n", "")
            .replace("\t", "") + "\"}}")))).orElseThrow();

    assertThat(await(devices.twin("t"))).contains(written);
    assertThat(written.desired()).isEqualTo(doc);
    assertThat(written.reportedVersion()).isEqualTo(2);
  }

  @Test
  void desiredVersionsStrictlyIncreaseAcrossWritesAndDevices() {
    insert(device("a", TRUCK));
    insert(device("b", TRUCK));
    long previous = Math.max(await(devices.twin("a")).orElseThrow().desiredVersion(),
        await(devices.twin("b")).orElseThrow().desiredVersion());
    for (int i = 0; i < 6; i++) {
      String id = i % 2 == 0 ? "a" : "b";
      int n = i;
      Twin t = await(devices.updateTwin(id, (twin, versions) -> twin.withDesiredPatch(
          json("{\"setpoint\":" + n + "}"), versions.getAsLong(), "2030-01-01T00:00:00Z"))).orElseThrow();
      assertThat(t.desiredVersion()).as("write %d", i).isGreaterThan(previous);
      assertThat(await(devices.twin(id)).orElseThrow().desiredVersion()).isEqualTo(t.desiredVersion());
      assertThat(t.desiredMetadata().path("setpoint").path("desiredVersion").asLong()).isEqualTo(t.desiredVersion());
      previous = t.desiredVersion();
    }
    // two versions taken in one change are distinct and increasing too
    long[] two = new long[2];
    await(devices.updateTwin("a", (twin, versions) -> {
      two[0] = versions.getAsLong();
      two[1] = versions.getAsLong();
      return twin;
    }));
    assertThat(two[0]).isGreaterThan(previous);
    assertThat(two[1]).isGreaterThan(two[0]);
  }

  @Test
  void reportedVersionBumpsAreStored() {
    insert(device("r", TRUCK));
    for (int i = 1; i <= 3; i++) {
      int n = i;
      Twin t = await(devices.updateTwin("r", twin -> withReported(twin, "{\"temp\":" + n + "}"))).orElseThrow();
      assertThat(t.reportedVersion()).isEqualTo(1 + i);
      Twin read = await(devices.twin("r")).orElseThrow();
      assertThat(read.reportedVersion()).isEqualTo(1 + i);
      assertThat(read.reported().path("temp").asInt()).isEqualTo(i);
    }
  }

  @Test
  void concurrentTwinChangesSerialise() {
    insert(device("c", TRUCK));
    List<io.vertx.core.Future<Optional<Twin>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(devices.updateTwin("c", twin -> withReported(twin, "{\"n\":" + (twin.reported().path("n").asInt() + 1)
          + "}")));
    }
    all.forEach(RepositoryContract::await);
    Twin t = await(devices.twin("c")).orElseThrow();
    assertThat(t.reported().path("n").asInt()).as("no lost update").isEqualTo(20);
    assertThat(t.reportedVersion()).isEqualTo(21);
  }

  @Test
  void twinWritesQueuedTogetherAllLandAndAChangeThatThrowsFailsOnlyItself() {
    for (String id : List.of("b1", "b2", "b3")) {
      insert(device(id, TRUCK));
    }
    List<io.vertx.core.Future<Optional<Twin>>> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // more than one batch, interleaved over three devices and a missing one
      String id = List.of("b3", "b1", "b2", "missing").get(i % 4);
      all.add(devices.updateTwin(id, twin -> withReported(twin, "{\"n\":" + (twin.reported().path("n").asInt() + 1)
          + "}")));
    }
    io.vertx.core.Future<Optional<Twin>> refused = devices.updateTwin("b2", twin -> {
      throw new IllegalArgumentException("refused by the change");
    });
    io.vertx.core.Future<Optional<Twin>> after = devices.updateTwin("b2", twin -> withReported(twin, "{\"last\":1}"));
    all.forEach(RepositoryContract::await);
    assertThat(await(all.get(3))).as("a device that does not exist").isEmpty();
    assertThat(await(after)).isPresent();
    assertThatThrownBy(() -> await(refused)).hasMessageContaining("refused by the change");
    for (String id : List.of("b1", "b2", "b3")) {
      Twin t = await(devices.twin(id)).orElseThrow();
      assertThat(t.reported().path("n").asInt()).as(id + ": every write, none lost").isEqualTo(75);
    }
    Twin b2 = await(devices.twin("b2")).orElseThrow();
    assertThat(b2.reported().path("last").asInt()).isEqualTo(1);
    assertThat(b2.reportedVersion()).as("75 writes and the last; the refused one wrote nothing").isEqualTo(77);
  }

  // ---- listing, filters and the property index ----

  @Test
  void cloudAndReportedPropertiesWrittenByUpdateTwinAreFilterable() {
    insert(device("d1", TRUCK));
    insert(device("d2", TRUCK));
    assertThat(ids(W + "CustomerName = \"x\"", 10)).isEmpty();

    await(devices.updateTwin("d1", t -> withCloud(t, "{\"CustomerName\":\"x\"}")));
    await(devices.updateTwin("d2", t -> withReported(t,
        "{\"temp\":21.5,\"on\":true,\"settings\":{\"__t\":\"c\",\"targetTemp\":19},"
            + "\"fan\":{\"ac\":200,\"av\":3,\"value\":\"high\"},\"label\":\"" + LABEL + "\"}")));

    assertThat(ids(W + "CustomerName = \"x\"", 10)).containsExactly("d1");
    assertThat(ids(W + "CustomerName = \"y\"", 10)).isEmpty();
    assertThat(ids(W + "temp > 20", 10)).containsExactly("d2");
    assertThat(ids(W + "temp > 22", 10)).isEmpty();
    assertThat(ids(W + "on = true", 10)).containsExactly("d2");
    assertThat(ids(W + "settings.targetTemp = 19", 10)).containsExactly("d2");
    assertThat(ids(W + "fan = \"high\"", 10)).as("acknowledged writable value").containsExactly("d2");
    assertThat(ids(W + "label = \"" + LABEL + "\"", 10)).containsExactly("d2");

    await(devices.updateTwin("d1", t -> withCloud(t, "{\"CustomerName\":\"y\"}")));
    assertThat(ids(W + "CustomerName = \"x\"", 10)).as("the index follows the twin").isEmpty();
    assertThat(ids(W + "CustomerName = \"y\"", 10)).containsExactly("d1");
  }

  @Test
  void theIndexFollowsChangedRemovedAndAddedPropertiesAndCloudValuesWin() {
    insert(device("d1", TRUCK));
    await(devices.updateTwin("d1", t -> withReported(t, "{\"a\":1,\"b\":\"x\",\"c\":true}")));
    await(devices.updateTwin("d1", t -> withReported(t, "{\"a\":2,\"b\":null,\"d\":\"new\"}")));
    assertThat(ids(W + "a = 1", 10)).isEmpty();
    assertThat(ids(W + "a = 2", 10)).containsExactly("d1");
    assertThat(ids(W + "b = \"x\"", 10)).isEmpty();
    assertThat(ids(W + "c = true", 10)).as("unchanged, kept").containsExactly("d1");
    assertThat(ids(W + "d = \"new\"", 10)).containsExactly("d1");

    await(devices.updateTwin("d1", t -> withCloud(t, "{\"c\":false}")));
    assertThat(ids(W + "c = true", 10)).as("a cloud value wins over the reported one").isEmpty();
    assertThat(ids(W + "c = false", 10)).containsExactly("d1");
    await(devices.updateTwin("d1", t -> withCloud(t, "{\"c\":null}")));
    assertThat(ids(W + "c = true", 10)).as("the reported one again").containsExactly("d1");
    await(devices.updateTwin("d1", (t, versions) -> t.withDesiredPatch(json("{\"a\":5}"), versions.getAsLong(),
        "2030-01-01T00:00:00Z")));
    assertThat(ids(W + "a = 2", 10)).as("desired values are not indexed").containsExactly("d1");
    assertThat(indexedNames("d1")).containsExactlyInAnyOrder("a", "c", "d");

    // only changed names are written: a row the twin does not explain survives writes that do not touch its name
    await(db.transaction(c -> {
      try (var ps = c.prepareStatement("INSERT INTO device_property_values (device_id, name, num_value) "
          + "VALUES ('d1', 'stray', 1)")) {
        return ps.executeUpdate();
      }
    }));
    await(devices.updateTwin("d1", (t, versions) -> t.withDesiredPatch(json("{\"a\":6}"), versions.getAsLong(),
        "2030-01-01T00:00:01Z")));
    await(devices.updateTwin("d1", t -> withReported(t, "{\"a\":3}")));
    assertThat(indexedNames("d1")).containsExactlyInAnyOrder("a", "c", "d", "stray");
    assertThat(ids(W + "a = 3", 10)).containsExactly("d1");
  }

  List<String> indexedNames(String deviceId) {
    return await(db.read(c -> {
      List<String> names = new java.util.ArrayList<>();
      try (var ps = c.prepareStatement("SELECT name FROM device_property_values WHERE device_id = ?")) {
        ps.setString(1, deviceId);
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
      }
      return names;
    }));
  }

  @Test
  void listFiltersByTemplateAndFlags() {
    insert(new Device("a1", "a1", TRUCK, true, false, true, "\"e\"", List.of()));
    insert(new Device("a2", "a2", TRUCK, false, true, false, "\"e\"", List.of()));
    insert(new Device("b1", "b1", SENSOR, true, true, true, "\"e\"", List.of()));
    insert(new Device("c1", "c1", null, false, false, false, "\"e\"", List.of()));

    assertThat(ids(null, 10)).containsExactly("a1", "a2", "b1", "c1");
    assertThat(ids("SELECT * FROM devices", 10)).containsExactly("a1", "a2", "b1", "c1");
    assertThat(ids(W + "$template = \"" + TRUCK + "\"", 10)).containsExactly("a1", "a2");
    assertThat(ids(W + "$template != \"" + TRUCK + "\"", 10)).as("no template never matches").containsExactly("b1");
    assertThat(ids(W + "$simulated = true", 10)).containsExactly("a2", "b1");
    assertThat(ids(W + "$enabled = false", 10)).containsExactly("a2", "c1");
    assertThat(ids(W + "$provisioned = true", 10)).containsExactly("a1", "b1");
    assertThat(ids(W + "$template = \"" + TRUCK + "\" AND $simulated = true", 10)).containsExactly("a2");
    assertThat(ids(W + "$id IN ['c1', 'a1', 'zz']", 10)).containsExactly("a1", "c1");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 25, 100})
  void keysetPagingReturnsEveryDeviceOnceInIdOrder(int limit) {
    List<String> expected = shuffledInsert(25, "dev-");
    List<String> read = ids(null, limit);
    assertThat(read).containsExactlyElementsOf(expected);
  }

  @Test
  void pagingIsStableWhenDevicesAreInsertedBetweenPages() {
    java.util.TreeSet<String> stored = new java.util.TreeSet<>();
    for (String id : List.of("d-10", "d-20", "d-30", "d-40", "d-50", "d-60")) {
      insert(device(id, TRUCK));
      stored.add(id);
    }
    DeviceFilter byTemplate = FilterParser.parse(W + "$template = \"" + TRUCK + "\"");
    int round = 0;
    for (DeviceFilter filter : java.util.Arrays.asList(null, byTemplate)) {
      round++;
      var first = await(devices.list(filter, PageRequest.first(2)));
      List<String> firstIds = stored.stream().limit(2).toList();
      assertThat(first.items()).extracting(Device::id).containsExactlyElementsOf(firstIds);
      String key = first.nextKey().orElseThrow();
      assertThat(key).isEqualTo(firstIds.get(1));
      // one device before the key (belongs to a page already read: never seen) and one after (seen once)
      String before = "d-0" + round;
      String later = "d-3" + round;
      insert(device(before, TRUCK));
      insert(device(later, TRUCK));
      List<String> expected = new ArrayList<>(stored.tailSet(key, false));
      expected.add(later);
      Collections.sort(expected);
      stored.add(before);
      stored.add(later);

      List<String> rest = new ArrayList<>();
      String after = key;
      while (after != null) {
        var page = await(devices.list(filter, new PageRequest(after, 2)));
        page.items().forEach(d -> rest.add(d.id()));
        after = page.nextKey().orElse(null);
      }
      assertThat(rest).as("filter %s", filter).containsExactlyElementsOf(expected);
    }
  }

  /** The filters for which the page is ordered by an indexed column first ({@code DevicePageOrder}). */
  @ParameterizedTest
  @ValueSource(strings = {
      "$template = \"" + TRUCK + "\"",
      "$simulated = true",
      "$provisioned = false",
      "$enabled = true",
      "$template = \"" + TRUCK + "\" AND $simulated = true",
      "$simulated = true AND $enabled = true AND $provisioned = false",
      "$enabled = true AND $id != 'dev-07'"})
  void pinnedColumnPagesAreInIdOrder(String condition) {
    java.util.Map<String, String> templates = new java.util.TreeMap<>();
    for (int i = 0; i < 30; i++) {
      String id = String.format("dev-%02d", (i * 7) % 30); // inserted out of id order
      // every device matches the flag conditions; half have another template
      String template = i % 2 == 0 ? TRUCK : SENSOR;
      insert(new Device(id, id, template, true, true, false, "\"e\"", List.of()));
      templates.put(id, template);
    }
    insert(new Device("aaa", "aaa", SENSOR, false, false, true, "\"e\"", List.of())); // matches none of them
    DeviceFilter filter = FilterParser.parse(W + condition);
    List<String> expected = templates.entrySet().stream()
        .filter(e -> !condition.contains("$template") || e.getValue().equals(TRUCK))
        .map(java.util.Map.Entry::getKey)
        .filter(id -> !condition.contains("'dev-07'") || !id.equals("dev-07"))
        .toList();
    assertThat(expected).hasSizeGreaterThan(10);
    for (int limit : new int[] {1, 4, 100}) {
      List<String> read = readAllPages(p -> devices.list(filter, p), limit, Device::id).stream().map(Device::id)
          .toList();
      assertThat(read).as("limit %d", limit).containsExactlyElementsOf(expected);
    }
  }

  List<String> shuffledInsert(int n, String prefix) {
    List<String> ids = IntStream.range(0, n).mapToObj(i -> String.format("%s%03d", prefix, i))
        .collect(Collectors.toCollection(ArrayList::new));
    List<String> order = new ArrayList<>(ids);
    Collections.shuffle(order, new java.util.Random(42));
    for (String id : order) {
      insert(device(id, TRUCK));
    }
    return ids;
  }

  static Twin withReported(Twin t, String patch) {
    return new Twin(t.desired(), t.desiredVersion(), t.desiredMetadata(),
        io.flotilla.domain.common.MergePatch.apply(t.reported(), json(patch)), t.reportedVersion() + 1,
        t.reportedMetadata(), t.cloud(), t.cloudMetadata());
  }

  static Twin withCloud(Twin t, String patch) {
    return new Twin(t.desired(), t.desiredVersion(), t.desiredMetadata(), t.reported(), t.reportedVersion(),
        t.reportedMetadata(), io.flotilla.domain.common.MergePatch.apply(t.cloud(), json(patch)), t.cloudMetadata());
  }

  // ---- select: the list parameters (filter, orderby) of 2022-10-31-preview ----

  /** A small fleet with repeated display names, two templates, flags and organizations. */
  List<Device> listFleet() {
    List<Device> all = new ArrayList<>();
    String[] names = {"pump", "alpha", "zulu", "pump", "mike", "alpha", "bravo", "pump2"};
    for (int i = 0; i < 24; i++) {
      Device d = new Device(String.format("L%02d", (i * 7) % 24), names[i % names.length] + (i % 3 == 0 ? "" : i % 5),
          i % 3 == 0 ? SENSOR : i % 3 == 1 ? TRUCK : null, i % 2 == 0, i % 4 == 0, false, "\"e" + i + "\"",
          i % 5 == 0 ? List.of("seattle") : List.of());
      insert(d);
      all.add(d);
    }
    return all;
  }

  List<Device> select(String filter, String orderby, int limit) {
    var q = new io.flotilla.domain.common.ListQuery(filter == null ? null : io.flotilla.domain.common.ListFilterParser
        .parse(filter, io.flotilla.domain.device.DeviceService.LIST_FIELDS),
        io.flotilla.domain.common.ListOrder.parse(orderby, "id"));
    return readAllPages(p -> devices.select(q, p), limit, d -> q.order().key(d.id(), d.displayName()));
  }

  static final java.util.Comparator<Device> BY_NAME = java.util.Comparator.comparing(Device::displayName)
      .thenComparing(Device::id);

  @Test
  void selectPagesEveryOrderOnceAndInOrder() {
    List<Device> all = listFleet();
    for (int limit : new int[] {1, 3, 5, 100}) {
      assertThat(select(null, null, limit)).as("id order, pages of %s", limit)
          .isEqualTo(all.stream().sorted(java.util.Comparator.comparing(Device::id)).toList());
      assertThat(select(null, "id desc", limit))
          .isEqualTo(all.stream().sorted(java.util.Comparator.comparing(Device::id).reversed()).toList());
      assertThat(select(null, "displayName", limit)).as("displayName order, pages of %s", limit)
          .isEqualTo(all.stream().sorted(BY_NAME).toList());
      assertThat(select(null, "displayName desc", limit)).isEqualTo(all.stream().sorted(BY_NAME.reversed()).toList());
    }
  }

  @Test
  void selectFiltersEveryFieldWithEveryOperator() {
    List<Device> all = listFleet();
    record Case(String filter, java.util.function.Predicate<Device> expected) {
    }
    List<Case> cases = List.of(
        new Case("template eq '" + TRUCK + "'", d -> TRUCK.equals(d.templateId())),
        new Case("template ne '" + TRUCK + "'", d -> d.templateId() != null && !TRUCK.equals(d.templateId())),
        new Case("enabled eq true", Device::enabled),
        new Case("simulated eq false and enabled ne false", d -> !d.simulated() && d.enabled()),
        new Case("provisioned eq true", Device::provisioned),
        new Case("id ge 'L10' and id lt 'L15'", d -> d.id().compareTo("L10") >= 0 && d.id().compareTo("L15") < 0),
        new Case("id gt 'L20' or id le 'L01'", d -> d.id().compareTo("L20") > 0 || d.id().compareTo("L01") <= 0),
        new Case("contains(displayName, 'ump')", d -> d.displayName().contains("ump")),
        new Case("startswith(displayName, 'alpha')", d -> d.displayName().startsWith("alpha")),
        new Case("displayName eq 'pump'", d -> d.displayName().equals("pump")),
        new Case("scopes eq 'seattle'", d -> d.organizations().contains("seattle")),
        new Case("(template eq '" + SENSOR + "' or template eq '" + TRUCK + "') and enabled eq true",
            d -> d.templateId() != null && d.enabled()),
        new Case("contains(displayName, '%') or contains(id, '_')", d -> false));
    for (Case c : cases) {
      for (String order : new String[] {null, "displayName", "displayName desc", "id desc"}) {
        java.util.Comparator<Device> cmp = order == null ? java.util.Comparator.comparing(Device::id)
            : order.equals("displayName") ? BY_NAME : order.equals("displayName desc") ? BY_NAME.reversed()
            : java.util.Comparator.comparing(Device::id).reversed();
        List<Device> expected = all.stream().filter(c.expected()).sorted(cmp).toList();
        assertThat(select(c.filter(), order, 2)).as("%s ordered by %s", c.filter(), order).isEqualTo(expected);
      }
    }
  }

  @Test
  void selectRefusesASkiptokenOfAnotherOrder() {
    listFleet();
    var q = new io.flotilla.domain.common.ListQuery(null, io.flotilla.domain.common.ListOrder.parse("displayName", "id"));
    assertThatThrownBy(() -> await(devices.select(q, new PageRequest("L03", 2))))
        .isInstanceOf(FlotillaException.Invalid.class);
  }
}
