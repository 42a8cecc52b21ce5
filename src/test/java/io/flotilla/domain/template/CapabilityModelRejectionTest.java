package io.flotilla.domain.template;

import static io.flotilla.domain.template.CapabilityModels.aRefrigeratedTruck;
import static io.flotilla.domain.template.CapabilityModels.anInterfaceWith;
import static io.flotilla.domain.template.CapabilityModels.contents;
import static io.flotilla.domain.template.CapabilityModels.json;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class CapabilityModelRejectionTest {

  private static AbstractThrowableAssert<?, ? extends Throwable> rejecting(JsonNode model) {
    return assertThatThrownBy(() -> CapabilityModel.parse(model)).isInstanceOf(FlotillaException.Invalid.class);
  }

  @Test
  void unknownSchemaName() {
    ObjectNode truck = aRefrigeratedTruck();
    ((ObjectNode) contents(truck).get(2)).put("schema", "doubel");

    rejecting(truck).hasMessage("capabilityModel.contents[2].schema: unknown schema \"doubel\"");
  }

  @Test
  void unknownSchemaNestedInAnObjectField() {
    rejecting(anInterfaceWith("""
        {"@type": "Telemetry", "name": "t", "schema": {"@type": "Object", "fields": [
          {"name": "a", "schema": "double"}, {"name": "b", "schema": {"@type": "Array", "elementSchema": "strin"}}]}}
        """)).hasMessage("capabilityModel.contents[0].schema.fields[1].schema.elementSchema: unknown schema \"strin\"");
  }

  @Test
  void missingName() {
    ObjectNode truck = aRefrigeratedTruck();
    ((ObjectNode) contents(truck).get(0)).remove("name");

    rejecting(truck).hasMessage("capabilityModel.contents[0]: missing \"name\"");
  }

  @Test
  void nameNotMatchingTheDtdlPattern() {
    rejecting(anInterfaceWith("{\"@type\": \"Telemetry\", \"name\": \"temp_\", \"schema\": \"double\"}"))
        .hasMessageStartingWith("capabilityModel.contents[0].name: \"temp_\" must start with a letter");
    rejecting(anInterfaceWith("{\"@type\": \"Telemetry\", \"name\": \"2temp\", \"schema\": \"double\"}"))
        .hasMessageStartingWith("capabilityModel.contents[0].name: \"2temp\"");
  }

  @Test
  void nameLongerThan64Characters() {
    rejecting(anInterfaceWith("{\"@type\": \"Telemetry\", \"name\": \"" + "a".repeat(65) + "\", \"schema\": \"double\"}"))
        .hasMessageContaining("capabilityModel.contents[0].name: ").hasMessageContaining("longer than 64");
  }

  @Test
  void duplicateName() {
    rejecting(anInterfaceWith(
        "{\"@type\": \"Telemetry\", \"name\": \"temp\", \"schema\": \"double\"}",
        "{\"@type\": \"Property\", \"name\": \"temp\", \"schema\": \"double\"}"))
        .hasMessage("capabilityModel.contents[1]: duplicate name \"temp\"");
  }

  @Test
  void duplicateNameBetweenContentsAndExtends() {
    ObjectNode model = anInterfaceWith("{\"@type\": \"Telemetry\", \"name\": \"temp\", \"schema\": \"double\"}");
    model.set("extends", json("""
        [{"@type": "Interface", "contents": [{"@type": "Command", "name": "temp"}]}]"""));

    rejecting(model).hasMessage("capabilityModel.extends[0].contents[0]: duplicate name \"temp\"");
  }

  @Test
  void unknownContentType() {
    rejecting(anInterfaceWith("{\"@type\": [\"Telemtry\", \"Temperature\"], \"name\": \"t\", \"schema\": \"double\"}"))
        .hasMessageStartingWith("capabilityModel.contents[0].@type: expected exactly one of");
  }

  @Test
  void rootThatIsNotAnInterface() {
    ObjectNode truck = aRefrigeratedTruck();
    truck.put("@type", "Interfaze");

    rejecting(truck).hasMessage("capabilityModel.@type: expected \"Interface\" but got [Interfaze]");
  }

  @Test
  void malformedId() {
    ObjectNode truck = aRefrigeratedTruck();
    truck.put("@id", "dtmi:contoso:truck;0");

    rejecting(truck).hasMessageStartingWith("capabilityModel.@id: not a valid DTMI");
  }

  @Test
  void unresolvableComponentSchema() {
    rejecting(anInterfaceWith("{\"@type\": \"Component\", \"name\": \"c\", \"schema\": \"dtmi:test:Nowhere;1\"}"))
        .hasMessageStartingWith("capabilityModel.contents[0].schema: unknown interface \"dtmi:test:Nowhere;1\"");
  }

  @Test
  void componentWithinAComponent() {
    rejecting(anInterfaceWith("""
        {"@type": "Component", "name": "outer", "schema": {"@type": "Interface", "contents": [
          {"@type": "Component", "name": "inner", "schema": {"@type": "Interface", "contents": []}}]}}"""))
        .hasMessage("capabilityModel.contents[0].schema.contents[0]: a component's interface cannot contain components");
  }

  @Test
  void enumValueOfTheWrongType() {
    rejecting(anInterfaceWith("""
        {"@type": "Property", "name": "level", "schema": {"@type": "Enum", "valueSchema": "integer", "enumValues": [
          {"name": "low", "enumValue": 1}, {"name": "high", "enumValue": "2"}]}}"""))
        .hasMessage("capabilityModel.contents[0].schema.enumValues[1].enumValue: "
            + "expected an integer (valueSchema integer) but got a string");
  }

  @Test
  void mapKeyThatIsNotAString() {
    rejecting(anInterfaceWith("""
        {"@type": "Property", "name": "m", "schema": {"@type": "Map",
          "mapKey": {"name": "k", "schema": "integer"}, "mapValue": {"name": "v", "schema": "double"}}}"""))
        .hasMessage("capabilityModel.contents[0].schema.mapKey.schema: a map key must have schema \"string\"");
  }

  @Test
  void writableThatIsNotABoolean() {
    rejecting(anInterfaceWith("{\"@type\": \"Property\", \"name\": \"p\", \"schema\": \"double\", \"writable\": \"yes\"}"))
        .hasMessage("capabilityModel.contents[0].writable: must be a boolean");
  }

  @Test
  void commandPayloadWithoutSchema() {
    rejecting(anInterfaceWith("{\"@type\": \"Command\", \"name\": \"reboot\", \"request\": {\"name\": \"delay\"}}"))
        .hasMessage("capabilityModel.contents[0].request: missing \"schema\"");
  }

  @Test
  void selfReferencingSchema() {
    ObjectNode model = anInterfaceWith("{\"@type\": \"Telemetry\", \"name\": \"t\", \"schema\": \"dtmi:test:Node;1\"}");
    model.set("schemas", json("""
        [{"@id": "dtmi:test:Node;1", "@type": "Array", "elementSchema": "dtmi:test:Node;1"}]"""));

    rejecting(model).hasMessage("capabilityModel.schemas[0].elementSchema: schema \"dtmi:test:Node;1\" refers to itself");
  }

  @Test
  void tooManyCapabilities() {
    String[] contents = new String[CapabilityModel.MAX_CAPABILITIES];
    for (int i = 0; i < contents.length; i++) {
      contents[i] = "{\"@type\": \"Telemetry\", \"name\": \"t" + i + "\", \"schema\": \"double\"}";
    }
    ObjectNode model = anInterfaceWith(contents);
    contents(model).add(json("""
        {"@type": "Component", "name": "extra", "schema": {"@type": "Interface", "contents": [
          {"@type": "Property", "name": "p", "schema": "string"}]}}"""));

    rejecting(model).hasMessage("capabilityModel: 301 capabilities exceed the limit of 300 per template");
  }

  @Test
  void missingOrNonObjectModel() {
    rejecting(null).hasMessage("capabilityModel: missing capability model");
    rejecting(json("[]")).hasMessage("capabilityModel: expected an object");
  }
}
