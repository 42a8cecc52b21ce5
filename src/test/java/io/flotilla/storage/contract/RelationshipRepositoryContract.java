package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceRelationship;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlRelationshipRepository;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.device.RelationshipRepository} promises, on every database. */
abstract class RelationshipRepositoryContract extends RepositoryContract {
  SqlDeviceRepository devices;
  SqlRelationshipRepository relationships;

  @BeforeEach
  void repositories() {
    devices = new SqlDeviceRepository(db);
    relationships = new SqlRelationshipRepository(db);
    for (String id : List.of("gw", "child-1", "child-2", "other")) {
      await(devices.insert(new Device(id, id, null, true, false, false, "\"e-" + id + "\"", List.of()),
          Attestation.generated()));
    }
  }

  private DeviceRelationship write(String id, String source, String target) {
    return await(relationships.write(id, current -> new DeviceRelationship(id, source, target)));
  }

  @Test
  void writeCreatesThenReplacesAndFindRoundTrips() {
    DeviceRelationship r = write("r1", "gw", "child-1");
    assertThat(await(relationships.find("r1"))).contains(r);
    DeviceRelationship replaced = await(relationships.write("r1", current -> {
      assertThat(current).contains(r);
      return new DeviceRelationship("r1", "gw", "child-2");
    }));
    assertThat(await(relationships.find("r1"))).contains(replaced);
    assertThat(await(relationships.find("absent"))).isEmpty();
  }

  @Test
  void aMissingDeviceIsNamedAndNothingIsWritten() {
    assertThatThrownBy(() -> write("r1", "gw", "ghost")).isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageContaining("\"target\"").hasMessageContaining("ghost");
    assertThatThrownBy(() -> write("r1", "ghost", "gw")).isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageContaining("\"source\"");
    assertThat(await(relationships.find("r1"))).isEmpty();
  }

  @Test
  void listGivesUpstreamAndDirectDownstreamInIdOrderPageByPage() {
    write("a", "gw", "child-1");
    write("b", "other", "gw");
    write("c", "gw", "child-2");
    write("d", "child-1", "child-2"); // not gw's: a grandchild link
    List<String> seen = new ArrayList<>();
    PageRequest page = new PageRequest(null, 2);
    while (true) {
      Page<DeviceRelationship> p = await(relationships.list("gw", page));
      p.items().forEach(r -> seen.add(r.id()));
      if (p.nextKey().isEmpty()) {
        break;
      }
      page = new PageRequest(p.nextKey().get(), 2);
    }
    assertThat(seen).containsExactly("a", "b", "c");
    assertThat(await(relationships.list("child-2", new PageRequest(null, 10))).items())
        .extracting(DeviceRelationship::id).containsExactly("c", "d");
  }

  @Test
  void deleteWorksFromEitherEndOnly() {
    write("r1", "gw", "child-1");
    write("r2", "gw", "child-2");
    assertThat(await(relationships.delete("other", "r1"))).isFalse();
    assertThat(await(relationships.delete("child-1", "r1"))).isTrue();
    assertThat(await(relationships.delete("gw", "r2"))).isTrue();
    assertThat(await(relationships.delete("gw", "r2"))).isFalse();
    assertThat(await(relationships.find("r1"))).isEmpty();
  }

  @Test
  void deletingADeviceRemovesItsRelationships() {
    write("r1", "gw", "child-1");
    write("r2", "other", "child-2");
    await(devices.delete("child-1"));
    assertThat(await(relationships.find("r1"))).isEmpty();
    assertThat(await(relationships.find("r2"))).isPresent();
    await(devices.delete("other"));
    assertThat(await(relationships.find("r2"))).isEmpty();
  }
}
