package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.export.DataExport;
import io.flotilla.domain.export.ExportDestination;
import io.flotilla.domain.export.ExportDestination.Customization;
import io.flotilla.domain.export.ExportHealth;
import io.flotilla.domain.export.ExportService;
import io.flotilla.domain.device.ExportSource;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /dataExport/destinations} and {@code /dataExport/exports} (IoT Central's data export, 2022-10-31-preview
 * shapes; docs/api.md "Data export"). Data export is the Administrator's (IoT Central: Builders may do everything but
 * application settings and data export).
 */
public final class DataExportRoutes implements ResourceRoutes {
  private static final String DESTINATIONS = "/api/dataExport/destinations";
  private static final String DESTINATION = DESTINATIONS + "/{destinationId}";
  private static final String EXPORTS = "/api/dataExport/exports";
  private static final String EXPORT = EXPORTS + "/{exportId}";
  private final ExportService exports;

  public DataExportRoutes(ExportService exports) {
    this.exports = exports;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.ADMINISTER;
    t.add(HttpMethod.GET, DESTINATIONS, p, "Destinations_List", 200, "List data export destinations",
        call -> exports.destinations(call.page()).map(page -> call.pageReply(page, d -> dto(d, null)))).paged();
    t.add(HttpMethod.GET, DESTINATION, p, "Destinations_Get", 200, "Get a destination",
        call -> exports.destination(call.path("destinationId")).map(d -> Reply.ok(dto(d, null))));
    t.add(HttpMethod.PUT, DESTINATION, p, "Destinations_Create", 200,
        "Create or replace a destination (webhook@v1; signingSecret generated and shown once when not given)",
        call -> exports.putDestination(call.path("destinationId"), destination(call.objectBody()))
            .map(put -> Reply.ok(dto(put.destination(), put.generatedSecret()))));
    t.add(HttpMethod.PATCH, DESTINATION, p, "Destinations_Update", 200, "Update a destination (merge patch)",
        call -> {
          ObjectNode patch = call.objectBody();
          return exports.destination(call.path("destinationId"))
              .compose(current -> exports.putDestination(current.id(),
                  destination(MergePatch.apply(stored(current), patch))))
              .map(put -> Reply.ok(dto(put.destination(), put.generatedSecret())));
        });
    t.add(HttpMethod.DELETE, DESTINATION, p, "Destinations_Remove", 204,
        "Delete a destination no export uses, with its undelivered messages",
        call -> exports.deleteDestination(call.path("destinationId")).map(v -> Reply.noContent()));
    t.add(HttpMethod.GET, DESTINATION + "/exports", p, "Destinations_ListExports", 200,
        "List the exports that send to the destination",
        call -> exports.exportsTo(call.path("destinationId"), call.page())
            .map(page -> call.pageReply(page, this::dto))).paged();

    t.add(HttpMethod.GET, EXPORTS, p, "Exports_List", 200, "List data exports",
        call -> exports.exports(call.page()).map(page -> call.pageReply(page, this::dto))).paged();
    t.add(HttpMethod.GET, EXPORT, p, "Exports_Get", 200, "Get a data export with its status",
        call -> exports.export(call.path("exportId")).map(e -> Reply.ok(dto(e))));
    t.add(HttpMethod.PUT, EXPORT, p, "Exports_Create", 200, "Create or replace a data export",
        call -> exports.putExport(call.path("exportId"), export(call.objectBody())).map(e -> Reply.ok(dto(e))));
    t.add(HttpMethod.PATCH, EXPORT, p, "Exports_Update", 200, "Update a data export (merge patch)",
        call -> {
          ObjectNode patch = call.objectBody();
          return exports.export(call.path("exportId"))
              .compose(current -> exports.putExport(current.id(), export(MergePatch.apply(dto(current), patch))))
              .map(e -> Reply.ok(dto(e)));
        });
    t.add(HttpMethod.DELETE, EXPORT, p, "Exports_Remove", 204, "Delete a data export with its undelivered messages",
        call -> exports.deleteExport(call.path("exportId")).map(v -> Reply.noContent()));
    t.add(HttpMethod.GET, EXPORT + "/destinations", p, "Exports_ListDestinations", 200,
        "List the destinations of the export",
        call -> exports.destinationsOf(call.path("exportId"))
            .map(list -> call.pageReply(new Page<>(list, Optional.empty()), d -> dto(d, null))));
  }

  // ---- destinations ----

  static ExportDestination destination(ObjectNode body) {
    ObjectNode auth = Fields.optionalObject(body, "authorization");
    ExportDestination.Authorization authorization = ExportDestination.Authorization.NONE;
    if (auth != null) {
      authorization = new ExportDestination.Authorization(Fields.requiredString(auth, "type"),
          Fields.optionalString(auth, "value"));
    }
    return new ExportDestination(null, Fields.requiredString(body, "displayName"), Fields.requiredString(body, "type"),
        Fields.optionalString(body, "url"), customizations(body, "queryCustomizations"),
        customizations(body, "headerCustomizations"), authorization, Fields.optionalString(body, "signingSecret"));
  }

  private static Map<String, Customization> customizations(ObjectNode body, String field) {
    ObjectNode o = Fields.optionalObject(body, field);
    Map<String, Customization> out = new LinkedHashMap<>();
    if (o == null) {
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!(e.getValue() instanceof ObjectNode c)) {
        throw Fields.wrongType(field + "." + e.getKey(), "an object", e.getValue());
      }
      Boolean secret = Fields.optionalBoolean(c, "secret");
      out.put(e.getKey(), new Customization(Fields.optionalString(c, "value"), Boolean.TRUE.equals(secret)));
    }
    return out;
  }

  /** The destination as stored, secrets included (what a merge patch is applied to). */
  private static ObjectNode stored(ExportDestination d) {
    ObjectNode o = wire(d, true);
    o.put("signingSecret", d.signingSecret());
    return o;
  }

  private ObjectNode dto(ExportDestination d, String generatedSecret) {
    ObjectNode o = wire(d, false);
    if (generatedSecret != null) {
      o.put("signingSecret", generatedSecret);
    }
    status(o, exports.status(d));
    return o;
  }

  private static ObjectNode wire(ExportDestination d, boolean secrets) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", d.id());
    o.put("displayName", d.displayName());
    o.put("type", d.type());
    o.put("url", d.url());
    putCustomizations(o.putObject("queryCustomizations"), d.queryCustomizations(), secrets);
    putCustomizations(o.putObject("headerCustomizations"), d.headerCustomizations(), secrets);
    if (!"none".equals(d.authorization().type())) {
      ObjectNode a = o.putObject("authorization").put("type", d.authorization().type());
      if (secrets && d.authorization().value() != null) {
        a.put("value", d.authorization().value());
      }
    }
    return o;
  }

  private static void putCustomizations(ObjectNode o, Map<String, Customization> c, boolean secrets) {
    c.forEach((name, v) -> {
      ObjectNode e = o.putObject(name);
      if (!v.secret() || secrets) {
        e.put("value", v.value());
      }
      e.put("secret", v.secret());
    });
  }

  // ---- exports ----

  static DataExport export(ObjectNode body) {
    Boolean enabled = Fields.optionalBoolean(body, "enabled");
    if (enabled == null) {
      throw new FlotillaException.Invalid("\"enabled\" is required.");
    }
    String filter = Fields.optionalString(body, "filter");
    if (filter != null && !filter.isBlank()) {
      throw new FlotillaException.Invalid("Export filters are not supported by Flotilla yet: leave \"filter\" out.");
    }
    Map<String, String> enrichments = new LinkedHashMap<>();
    ObjectNode e = Fields.optionalObject(body, "enrichments");
    if (e != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!(f.getValue() instanceof ObjectNode en)) {
          throw Fields.wrongType("enrichments." + f.getKey(), "an object", f.getValue());
        }
        if (en.has("path") || en.has("target")) {
          throw new FlotillaException.Invalid("Enrichment \"" + f.getKey() + "\": only custom values "
              + "({\"value\": \"...\"}) are supported by Flotilla, not properties (path, target).");
        }
        enrichments.put(f.getKey(), Fields.requiredString(en, "value"));
      }
    }
    List<String> destinations = new ArrayList<>();
    for (JsonNode d : Fields.requiredArray(body, "destinations")) {
      if (!(d instanceof ObjectNode ref)) {
        throw Fields.wrongType("destinations[]", "an object", d);
      }
      String transform = Fields.optionalString(ref, "transform");
      if (transform != null && !transform.isBlank()) {
        throw new FlotillaException.Invalid("Destination transforms are not supported by Flotilla: leave "
            + "\"transform\" out.");
      }
      destinations.add(Fields.requiredString(ref, "id"));
    }
    return new DataExport(null, Fields.requiredString(body, "displayName"), enabled,
        ExportSource.fromWire(Fields.requiredString(body, "source")), enrichments, destinations);
  }

  private ObjectNode dto(DataExport e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", e.id());
    o.put("displayName", e.displayName());
    o.put("enabled", e.enabled());
    o.put("source", e.source().wire());
    if (!e.enrichments().isEmpty()) {
      ObjectNode en = o.putObject("enrichments");
      e.enrichments().forEach((k, v) -> en.putObject(k).put("value", v));
    }
    ArrayNode d = o.putArray("destinations");
    e.destinations().forEach(id -> d.addObject().put("id", id));
    status(o, exports.status(e));
    return o;
  }

  private static void status(ObjectNode o, ExportHealth.Status s) {
    o.put("status", s.status());
    if (!s.errors().isEmpty()) {
      ArrayNode errors = o.putArray("errors");
      s.errors().forEach(err -> errors.addObject().put("code", err.code()).put("message", err.message()));
    }
    if (s.lastExportTime() != null) {
      o.put("lastExportTime", s.lastExportTime().toString());
    }
    o.put("errorCount", s.errorCount());
  }
}
