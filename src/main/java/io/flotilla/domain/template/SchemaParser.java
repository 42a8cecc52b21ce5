package io.flotilla.domain.template;

import static io.flotilla.domain.template.DtdlSyntax.field;
import static io.flotilla.domain.template.DtdlSyntax.index;
import static io.flotilla.domain.template.DtdlSyntax.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Parses DTDL schemas (a primitive name, a complex schema object, or the {@code @id} of one) into {@link Schema}s. */
final class SchemaParser {

  private static final List<String> COMPLEX = List.of("Object", "Enum", "Map", "Array");

  private final Definitions definitions;
  private final Set<String> resolving = new HashSet<>();

  SchemaParser(Definitions definitions) {
    this.definitions = definitions;
  }

  Schema parse(JsonNode schema, String path) {
    if (schema == null || schema.isNull()) {
      throw invalid(path, "missing schema");
    }
    if (schema.isTextual()) {
      return named(schema.textValue(), path);
    }
    if (!schema.isObject()) {
      throw invalid(path, "expected a schema name or a schema object");
    }
    List<String> types = DtdlSyntax.types(schema, path);
    List<String> kinds = types.stream().filter(COMPLEX::contains).toList();
    if (types.isEmpty()) {
      throw invalid(path, "missing \"@type\"");
    }
    if (kinds.size() != 1) {
      throw invalid(field(path, "@type"), "unknown schema type " + types);
    }
    DtdlSyntax.optionalId(schema, path);
    return switch (kinds.get(0)) {
      case "Object" -> object(schema, path);
      case "Enum" -> enumeration(schema, path);
      case "Map" -> map(schema, path);
      default -> new ArraySchema(parse(DtdlSyntax.required(schema, "elementSchema", path), field(path, "elementSchema")));
    };
  }

  private Schema named(String name, String path) {
    Optional<Schema> known = PrimitiveSchema.byName(name).<Schema>map(s -> s)
        .or(() -> "geopoint".equals(name) ? Optional.of(new GeopointSchema()) : Optional.empty())
        .or(() -> GeospatialSchema.byName(name));
    if (known.isPresent()) {
      return known.get();
    }
    Optional<Definitions.Located> defined = definitions.find(name)
        .filter(d -> DtdlSyntax.types(d.node(), d.path()).stream().anyMatch(COMPLEX::contains));
    if (defined.isEmpty()) {
      throw invalid(path, "unknown schema \"" + name + "\"");
    }
    if (!resolving.add(name)) {
      throw invalid(path, "schema \"" + name + "\" refers to itself");
    }
    try {
      return parse(defined.get().node(), defined.get().path());
    } finally {
      resolving.remove(name);
    }
  }

  private ObjectSchema object(JsonNode schema, String path) {
    JsonNode fields = DtdlSyntax.required(schema, "fields", path);
    if (!fields.isArray()) {
      throw invalid(field(path, "fields"), "expected an array");
    }
    List<ObjectSchema.Field> parsed = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < fields.size(); i++) {
      String at = index(field(path, "fields"), i);
      JsonNode element = DtdlSyntax.object(fields.get(i), at);
      String name = DtdlSyntax.name(element, at);
      if (!names.add(name)) {
        throw invalid(at, "duplicate field name \"" + name + "\"");
      }
      parsed.add(new ObjectSchema.Field(name, parse(DtdlSyntax.required(element, "schema", at), field(at, "schema"))));
    }
    return new ObjectSchema(parsed);
  }

  private EnumSchema enumeration(JsonNode schema, String path) {
    JsonNode valueSchema = DtdlSyntax.required(schema, "valueSchema", path);
    PrimitiveSchema type = switch (valueSchema.asText()) {
      case "integer" -> PrimitiveSchema.INTEGER;
      case "string" -> PrimitiveSchema.STRING;
      default -> throw invalid(field(path, "valueSchema"), "must be \"integer\" or \"string\", not " + valueSchema);
    };
    JsonNode values = DtdlSyntax.required(schema, "enumValues", path);
    if (!values.isArray() || values.isEmpty()) {
      throw invalid(field(path, "enumValues"), "expected a non-empty array");
    }
    List<EnumSchema.EnumValue> parsed = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<JsonNode> seen = new HashSet<>();
    for (int i = 0; i < values.size(); i++) {
      String at = index(field(path, "enumValues"), i);
      JsonNode element = DtdlSyntax.object(values.get(i), at);
      String name = DtdlSyntax.name(element, at);
      JsonNode value = DtdlSyntax.required(element, "enumValue", at);
      boolean fits = type == PrimitiveSchema.STRING
          ? value.isTextual()
          : value.isIntegralNumber() && value.canConvertToInt();
      if (!fits) {
        throw invalid(field(at, "enumValue"), "expected " + (type == PrimitiveSchema.STRING ? "a string" : "an integer")
            + " (valueSchema " + type.dtdlName() + ") but got " + Mismatch.kindOf(value));
      }
      if (!names.add(name)) {
        throw invalid(at, "duplicate enum value name \"" + name + "\"");
      }
      if (!seen.add(value)) {
        throw invalid(field(at, "enumValue"), "duplicate enum value " + value);
      }
      parsed.add(new EnumSchema.EnumValue(name, value));
    }
    return new EnumSchema(type, parsed);
  }

  private MapSchema map(JsonNode schema, String path) {
    String keyPath = field(path, "mapKey");
    JsonNode key = DtdlSyntax.object(DtdlSyntax.required(schema, "mapKey", path), keyPath);
    String keyName = DtdlSyntax.name(key, keyPath);
    JsonNode keySchema = DtdlSyntax.required(key, "schema", keyPath);
    if (!"string".equals(keySchema.asText()) || !keySchema.isTextual()) {
      throw invalid(field(keyPath, "schema"), "a map key must have schema \"string\"");
    }
    String valuePath = field(path, "mapValue");
    JsonNode value = DtdlSyntax.object(DtdlSyntax.required(schema, "mapValue", path), valuePath);
    String valueName = DtdlSyntax.name(value, valuePath);
    Schema valueSchema = parse(DtdlSyntax.required(value, "schema", valuePath), field(valuePath, "schema"));
    return new MapSchema(keyName, valueName, valueSchema);
  }
}
