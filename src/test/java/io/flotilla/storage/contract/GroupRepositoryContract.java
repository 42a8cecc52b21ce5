package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.group.DeviceGroup;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.storage.sql.SqlGroupRepository;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void replaceWritesOnlyOverTheExpectedVersionAndNeverCreates() {
    DeviceGroup first = new DeviceGroup("g", "G", null, FilterParser.parse("SELECT * FROM devices"), "\"e1\"", List.of());
    await(groups.save(first));
    DeviceGroup second = new DeviceGroup("g", "G2", "d", FilterParser.parse(FILTER), "\"e2\"", List.of("org-a"));
    assertThat(await(groups.replace(second, "\"e1\""))).isTrue();
    assertThat(await(groups.find("g"))).contains(second);

    DeviceGroup stale = new DeviceGroup("g", "stale", null, FilterParser.parse("SELECT * FROM devices"), "\"e3\"",
        List.of());
    assertThat(await(groups.replace(stale, "\"e1\""))).isFalse();
    assertThat(await(groups.find("g"))).contains(second);

    DeviceGroup absent = new DeviceGroup("absent", "A", null, FilterParser.parse("SELECT * FROM devices"), "\"e\"",
        List.of());
    assertThat(await(groups.replace(absent, "\"e\""))).isFalse();
    assertThat(await(groups.find("absent"))).isEmpty();
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
}
