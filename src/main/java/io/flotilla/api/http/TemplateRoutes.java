package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.template.DeviceTemplate;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.http.HttpMethod;

/** {@code /deviceTemplates}: everyone reads, builders and administrators write. */
public final class TemplateRoutes implements ResourceRoutes {
  private static final String ONE = "/api/deviceTemplates/{deviceTemplateId}";
  private final TemplateService templates;

  public TemplateRoutes(TemplateService templates) {
    this.templates = templates;
  }

  @Override
  public void register(RouteTable t) {
    t.add(HttpMethod.GET, "/api/deviceTemplates", Permission.READ_MODELS, "DeviceTemplates_List", 200,
        "List device templates",
        call -> templates.select(ListRequest.of(call, TemplateService.LIST_FIELDS, "@id"), call.page())
            .map(p -> call.pageReply(p, TemplateRoutes::dto)))
        .paged().accepts(ListRequest.parameters(TemplateService.LIST_FIELDS));
    t.add(HttpMethod.GET, ONE, Permission.READ_MODELS, "DeviceTemplates_Get", 200, "Get a device template",
        call -> templates.get(call.path("deviceTemplateId")).map(tpl -> Reply.ok(dto(tpl))));
    t.add(HttpMethod.PUT, ONE, Permission.BUILD_MODELS, "DeviceTemplates_Create", 200,
        "Publish a device template (creates its \"<name> - All devices\" group)",
        call -> templates.put(call.path("deviceTemplateId"), call.objectBody()).map(tpl -> Reply.ok(dto(tpl))));
    t.add(HttpMethod.PATCH, ONE, Permission.BUILD_MODELS, "DeviceTemplates_Update", 200,
        "Update a device template (JSON merge patch)",
        call -> templates.patch(call.path("deviceTemplateId"), call.objectBody()).map(tpl -> Reply.ok(dto(tpl))));
    t.add(HttpMethod.DELETE, ONE, Permission.BUILD_MODELS, "DeviceTemplates_Remove", 204,
        "Delete a device template (409 while devices use it)",
        call -> templates.delete(call.path("deviceTemplateId")).map(v -> Reply.noContent()));
  }

  static ObjectNode dto(DeviceTemplate t) {
    ObjectNode o = t.document().deepCopy();
    o.put("etag", t.etag());
    return o;
  }
}
