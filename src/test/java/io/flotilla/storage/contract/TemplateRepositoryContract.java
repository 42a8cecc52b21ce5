package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.template.TemplateRepository.Stored;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlTemplateRepository;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.template.TemplateRepository} promises, on every database. */
abstract class TemplateRepositoryContract extends RepositoryContract {
  SqlTemplateRepository templates;
  SqlDeviceRepository devices;

  @BeforeEach
  void repositories() {
    templates = new SqlTemplateRepository(db);
    devices = new SqlDeviceRepository(db);
  }

  static Stored template(String id, String name) {
    ObjectNode doc = json("{\"@id\":\"" + id + "\",\"@type\":[\"ModelDefinition\",\"DeviceModel\"],"
        + "\"displayName\":" + JSON.valueToTree(name) + ",\"capabilityModel\":{\"contents\":[{\"@type\":\"Property\","
        + "\"name\":\"t\",\"schema\":\"double\",\"comment\":" + JSON.valueToTree(UNICODE) + "}]},\"n\":1.25}");
    return new Stored(id, name, doc, "\"etag-" + name.hashCode() + "\"");
  }

  @Test
  void saveInsertsThenReplacesAndFindRoundTripsEveryField() {
    Stored first = template("dtmi:contoso:Truck;1", UNICODE);
    assertThat(await(templates.save(first))).as("new").isTrue();
    assertThat(await(templates.find(first.id()))).contains(first);

    Stored replaced = new Stored(first.id(), null, json("{\"@id\":\"dtmi:contoso:Truck;1\",\"other\":[\"ü\",null]}"),
        "\"e2\"");
    assertThat(await(templates.save(replaced))).as("existing").isFalse();
    assertThat(await(templates.find(first.id()))).contains(replaced);
    assertThat(await(templates.find("dtmi:absent;1"))).isEmpty();
  }

  @Test
  void updateAppliesTheChangeToTheStoredTemplateSerialisedAndNeverCreates() {
    Stored first = template("dtmi:contoso:Truck;1", "T");
    await(templates.save(first));
    List<io.vertx.core.Future<java.util.Optional<Stored>>> updates = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      updates.add(templates.update(first.id(), current -> new Stored(current.id(), current.displayName() + "+",
          current.document(), "\"e\"")));
    }
    updates.forEach(u -> assertThat(await(u)).isPresent());
    assertThat(await(templates.find(first.id())).orElseThrow().displayName()).isEqualTo("T" + "+".repeat(12));
    assertThat(await(templates.find(first.id())).orElseThrow().document()).isEqualTo(first.document());

    assertThat(await(templates.update("dtmi:absent;1", current -> first))).isEmpty();
    assertThat(await(templates.find("dtmi:absent;1"))).isEmpty();
  }

  @Test
  void listPagesEveryTemplateOnceInIdOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 12; i >= 0; i--) {
      String id = String.format("dtmi:contoso:t%02d;1", i);
      await(templates.save(template(id, "T" + i)));
      ids.add(0, id);
    }
    assertThat(readAllPages(p -> templates.list(p), 4, Stored::id)).extracting(Stored::id)
        .containsExactlyElementsOf(ids);
    assertThat(readAllPages(p -> templates.list(p), 13, Stored::id)).hasSize(13);
  }

  @Test
  void deleteUnusedFailsWithConflictWhileADeviceUsesTheTemplateAndNotFoundWhenAbsent() {
    Stored t = template("dtmi:contoso:Truck;1", "Truck");
    await(templates.save(t));
    Device d = new Device("d", "d", t.id(), true, false, false, "\"e\"", List.of());
    await(devices.insert(d, Attestation.generated()));

    assertThatThrownBy(() -> await(templates.deleteUnused(t.id()))).isInstanceOf(FlotillaException.Conflict.class);
    assertThat(await(templates.find(t.id()))).contains(t);

    await(devices.update("d", (current, simulated) -> new Device("d", "d", null, true, false, false, "\"e2\"",
        List.of())));
    await(templates.deleteUnused(t.id()));
    assertThat(await(templates.find(t.id()))).isEmpty();
    assertThatThrownBy(() -> await(templates.deleteUnused(t.id()))).isInstanceOf(FlotillaException.NotFound.class);
    assertThatThrownBy(() -> await(templates.deleteUnused("dtmi:never;1")))
        .isInstanceOf(FlotillaException.NotFound.class);
  }

  @Test
  void aDeletedDeviceNoLongerBlocksDeletion() {
    Stored t = template("dtmi:contoso:Truck;1", "Truck");
    await(templates.save(t));
    await(devices.insert(new Device("d", "d", t.id(), true, false, false, "\"e\"", List.of()), Attestation.generated()));
    await(devices.delete("d"));
    await(templates.deleteUnused(t.id()));
    assertThat(await(templates.find(t.id()))).isEmpty();
  }

  @Test
  void selectFiltersOnCapabilityModelIdAndOrdersByDisplayNameWithTemplatesWithoutOne() {
    Stored a = template("dtmi:t:a;1", "beta");
    Stored b = template("dtmi:t:b;1", "alpha");
    a.document().with("capabilityModel").put("@id", "dtmi:model:x;1");
    b.document().with("capabilityModel").put("@id", "dtmi:model:y;1");
    Stored none = new Stored("dtmi:t:c;1", null, template("dtmi:t:c;1", "x").document(), "\"e\"");
    none.document().remove("displayName");
    for (Stored t : List.of(a, b, none)) {
      await(templates.save(t));
    }
    assertThat(await(templates.find(none.id()))).contains(none);
    var fields = io.flotilla.domain.template.TemplateService.LIST_FIELDS;
    var byModel = new io.flotilla.domain.common.ListQuery(io.flotilla.domain.common.ListFilterParser.parse(
        "capabilityModelId eq 'dtmi:model:y;1' or @id eq 'dtmi:t:c;1'", fields), null);
    assertThat(readAllPages(p -> templates.select(byModel, p), 1, Stored::id)).extracting(Stored::id)
        .containsExactly("dtmi:t:b;1", "dtmi:t:c;1");
    var byName = new io.flotilla.domain.common.ListQuery(null, io.flotilla.domain.common.ListOrder.parse(
        "displayName", "@id"));
    assertThat(readAllPages(p -> templates.select(byName, p), 1, t -> byName.order().key(t.id(),
        t.displayName() == null ? "" : t.displayName()))).extracting(Stored::id)
        .containsExactly("dtmi:t:c;1", "dtmi:t:b;1", "dtmi:t:a;1");
  }
}
