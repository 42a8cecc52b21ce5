package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.group.DeviceGroup;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.storage.sql.SqlGroupRepository;
import java.util.ArrayList;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.group.GroupRepository} promises, on every database. */
abstract class GroupRepositoryContract extends RepositoryContract {
  static final String FILTER = "SELECT * FROM devices WHERE $template = \"dtmi:contoso:Truck;1\" AND "
      + "contains(CustomerName, \"Čerpadlo 🚀\")";

  SqlGroupRepository groups;

  @BeforeEach
  void repositories() {
    groups = new SqlGroupRepository(db);
  }

  @Test
  void saveInsertsThenReplacesAndFindRoundTripsEveryField() {
    DeviceGroup full = new DeviceGroup("trucks", UNICODE, UNICODE, FilterParser.parse(FILTER), "\"e1\"",
        List.of("org-a", "org-b"));
    await(groups.save(full));
    assertThat(await(groups.find("trucks"))).contains(full);

    DeviceGroup replaced = new DeviceGroup("trucks", "Trucks", null, FilterParser.parse("SELECT * FROM devices"),
        "\"e2\"", List.of());
    await(groups.save(replaced));
    assertThat(await(groups.find("trucks"))).contains(replaced);
    assertThat(await(groups.find("absent"))).isEmpty();
  }

  static DeviceGroup named(String id, String name) {
    return new DeviceGroup(id, name, null, FilterParser.parse("SELECT * FROM devices"), "\"" + name + "\"", List.of());
  }

  @Test
  void updateAppliesTheChangeToTheStoredGroupAndNeverCreates() {
    await(groups.save(named("g", "G")));
    DeviceGroup second = new DeviceGroup("g", "G2", "d", FilterParser.parse(FILTER), "\"e2\"", List.of("org-a"));
    DeviceGroup[] seen = {null};
    assertThat(await(groups.update("g", current -> {
      seen[0] = current;
      return second;
    }))).contains(second);
    assertThat(seen[0]).isEqualTo(named("g", "G"));
    assertThat(await(groups.find("g"))).contains(second);

    assertThatThrownBy(() -> await(groups.update("g", current -> {
      throw new FlotillaException.PreconditionFailed("stale");
    }))).isInstanceOf(FlotillaException.PreconditionFailed.class);
    assertThat(await(groups.find("g"))).contains(second);

    assertThat(await(groups.update("absent", current -> named("absent", "A")))).isEmpty();
    assertThat(await(groups.find("absent"))).isEmpty();
    assertThatThrownBy(() -> await(groups.insert(named("g", "again")))).isInstanceOf(FlotillaException.Conflict.class);
  }

  @Test
  void concurrentUpdatesOfOneGroupAreSerialisedAndNoneIsLost() {
    await(groups.save(named("busy", "G")));
    List<Future<Optional<DeviceGroup>>> updates = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      updates.add(groups.update("busy", current -> named("busy", current.displayName() + "+")));
    }
    updates.forEach(u -> assertThat(await(u)).isPresent());
    assertThat(await(groups.find("busy")).orElseThrow().displayName()).isEqualTo("G" + "+".repeat(12));
  }

  @Test
  void updatesRacingADeleteNeverBringTheGroupBack() {
    for (int round = 0; round < 10; round++) {
      String id = "doomed-" + round;
      await(groups.save(named(id, "G")));
      List<Future<Optional<DeviceGroup>>> updates = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        if (i == 6) {
          assertThat(await(groups.delete(id))).isTrue();
        }
        String name = "p" + i;
        updates.add(groups.update(id, current -> named(id, name)));
      }
      for (int i = 6; i < updates.size(); i++) {
        assertThat(await(updates.get(i))).as("an update made after the delete finds nothing").isEmpty();
      }
      updates.forEach(RepositoryContract::await);
      assertThat(await(groups.find(id))).as("round %d", round).isEmpty();
    }
  }

  @Test
  void listPagesEveryGroupOnceInIdOrderAndDeleteRemoves() {
    List<String> ids = new ArrayList<>();
    for (int i = 9; i >= 0; i--) {
      String id = "group-" + i;
      await(groups.save(new DeviceGroup(id, id, null, FilterParser.parse("SELECT * FROM devices"), "\"e\"",
          List.of())));
      ids.add(0, id);
    }
    assertThat(readAllPages(p -> groups.list(p), 3, DeviceGroup::id)).extracting(DeviceGroup::id)
        .containsExactlyElementsOf(ids);

    assertThat(await(groups.delete("group-3"))).isTrue();
    assertThat(await(groups.delete("group-3"))).isFalse();
    assertThat(await(groups.find("group-3"))).isEmpty();
    assertThat(readAllPages(p -> groups.list(p), 100, DeviceGroup::id)).hasSize(9);
  }

  @Test
  void selectFiltersAndPagesByDisplayNameAndId() {
    String[] names = {"b", "a", "c", "a", "b"};
    List<DeviceGroup> all = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      DeviceGroup g = new DeviceGroup("g" + i, names[i], null, FilterParser.parse("SELECT * FROM devices"),
          "\"e\"", i == 2 ? List.of("seattle") : List.of());
      await(groups.save(g));
      all.add(g);
    }
    java.util.Comparator<DeviceGroup> byName = java.util.Comparator.comparing(DeviceGroup::displayName)
        .thenComparing(DeviceGroup::id);
    for (String order : new String[] {"displayName", "displayName desc", "id desc"}) {
      var q = new io.flotilla.domain.common.ListQuery(null, io.flotilla.domain.common.ListOrder.parse(order, "id"));
      var cmp = order.equals("displayName") ? byName : order.equals("displayName desc") ? byName.reversed()
          : java.util.Comparator.comparing(DeviceGroup::id).reversed();
      assertThat(readAllPages(p -> groups.select(q, p), 2, g -> q.order().key(g.id(), g.displayName())))
          .as(order).isEqualTo(all.stream().sorted(cmp).toList());
    }
    var f = new io.flotilla.domain.common.ListQuery(io.flotilla.domain.common.ListFilterParser.parse(
        "displayName eq 'a' or scopes eq 'seattle'", io.flotilla.domain.group.GroupService.LIST_FIELDS),
        io.flotilla.domain.common.ListOrder.BY_ID);
    assertThat(readAllPages(p -> groups.select(f, p), 1, DeviceGroup::id)).extracting(DeviceGroup::id)
        .containsExactly("g1", "g2", "g3");
  }
}
