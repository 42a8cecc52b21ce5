package io.flotilla.domain.group.filter;

import static io.flotilla.domain.group.filter.TestDevice.device;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * A small fleet and a table of filters with the ids each must select. Shared by the in-memory tests and by the SQL
 * test, so both evaluators are held to the same expectations.
 */
public final class FilterFleet {

  public static final String TRUCK = "dtmi:fleet:truck;1";
  public static final String SENSOR = "dtmi:fleet:sensor;1";
  public static final Set<String> ALL =
      Set.of("truck1", "truck2", "sensor1", "orphan", "deviceId1", "deviceId2", "deviceId3");

  private FilterFleet() {}

  public static List<TestDevice> devices() {
    return List.of(
        device("truck1").withTemplate(TRUCK).withDisplayName("Truck One").asProvisioned()
            .with("CustomerName", "Contoso").with("temperature", 21.5).with("settings.targetTemp", 20L)
            .with("active", true).with("note", "50%_off\\x"),
        device("truck2").withTemplate(TRUCK).withDisplayName(null).asSimulated()
            .with("CustomerName", "Fabrikam").with("temperature", 30L).with("active", false)
            .with("note", "5000 off"),
        device("sensor1").withTemplate(SENSOR).withDisplayName("Sensor \"A\"").asProvisioned().asDisabled()
            .with("CustomerName", "Contoso Ltd").with("temperature", new BigDecimal("-4.25"))
            .with("settings.targetTemp", 18.0),
        device("orphan").withDisplayName("Orphan").asSimulated().with("temperature", "hot"),
        device("deviceId1").withTemplate("templateId"),
        device("deviceId2").withTemplate("templateId").asProvisioned(),
        device("deviceId3").withTemplate("templateId"));
  }

  /** (filter, expected ids). */
  public static Stream<Arguments> cases() {
    String w = "SELECT * FROM devices WHERE ";
    return Stream.of(
        Arguments.of("SELECT * FROM devices", ALL),
        Arguments.of(w + "$template = \"" + TRUCK + "\"", Set.of("truck1", "truck2")),
        Arguments.of(w + "$template = \"" + TRUCK + "\" AND $provisioned = true", Set.of("truck1")),
        Arguments.of(w + "$template = \"templateId\" AND $id IN [\"deviceId1\", \"deviceId2\"]",
            Set.of("deviceId1", "deviceId2")),
        Arguments.of("select * from DEVICES where $TEMPLATE = 'templateId' and $id in ['deviceId3']",
            Set.of("deviceId3")),
        Arguments.of(w + "$simulated = true", Set.of("truck2", "orphan")),
        Arguments.of(w + "$enabled != true", Set.of("sensor1")),
        Arguments.of(w + "$template != \"" + TRUCK + "\"", Set.of("sensor1", "deviceId1", "deviceId2", "deviceId3")),
        Arguments.of(w + "$template <> \"" + TRUCK + "\" AND $provisioned = true", Set.of("sensor1", "deviceId2")),
        Arguments.of(w + "$displayName = \"truck2\"", Set.of("truck2")),
        Arguments.of(w + "$displayName IN ['Orphan', 'truck2']", Set.of("orphan", "truck2")),
        Arguments.of(w + "$displayName = 'Sensor \"A\"' OR $displayName = \"Sensor \\\"A\\\"\"", Set.of("sensor1")),
        Arguments.of(w + "contains($displayName, \"Truck\")", Set.of("truck1")),
        Arguments.of(w + "contains($template, \"sensor\")", Set.of("sensor1")),
        Arguments.of(w + "$id > \"deviceId2\"", Set.of("deviceId3", "orphan", "sensor1", "truck1", "truck2")),
        Arguments.of(w + "contains(note, \"50%\")", Set.of("truck1")),
        Arguments.of(w + "contains(note, \"0%_o\")", Set.of("truck1")),
        Arguments.of(w + "contains(note, \"\\\\x\")", Set.of("truck1")),
        Arguments.of(w + "contains(CustomerName, \"Contoso\")", Set.of("truck1", "sensor1")),
        Arguments.of(w + "contains(CustomerName, \"contoso\")", Set.of()),
        Arguments.of(w + "temperature > 20", Set.of("truck1", "truck2")),
        Arguments.of(w + "temperature <= -4.25", Set.of("sensor1")),
        Arguments.of(w + "temperature != 30", Set.of("truck1", "sensor1")),
        Arguments.of(w + "temperature = 'hot'", Set.of("orphan")),
        Arguments.of(w + "settings.targetTemp >= 19", Set.of("truck1")),
        Arguments.of(w + "settings.targetTemp = 18", Set.of("sensor1")),
        Arguments.of(w + "CustomerName IN [\"Contoso\", \"Fabrikam\", 5]", Set.of("truck1", "truck2")),
        Arguments.of(w + "temperature IN [30, 'hot', true]", Set.of("truck2", "orphan")),
        Arguments.of(w + "CustomerName < \"D\"", Set.of("truck1", "sensor1")),
        Arguments.of(w + "active = false", Set.of("truck2")),
        Arguments.of(w + "active != true", Set.of("truck2")),
        Arguments.of(w + "CustomerName = \"Contoso\" OR $simulated = true AND temperature > 25",
            Set.of("truck1", "truck2")),
        Arguments.of(w + "(CustomerName = \"Contoso\" OR $simulated = true) AND temperature > 25",
            Set.of("truck2")),
        Arguments.of(w + "missing = 1 OR missing != 1 OR contains(missing, '')", Set.of()),
        Arguments.of(w + "$enabled = false OR ($template = 'templateId' AND ($provisioned = true OR $id = 'deviceId3'))",
            Set.of("sensor1", "deviceId2", "deviceId3")));
  }
}
