package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.upload.FileUpload;
import io.flotilla.domain.upload.UploadService;
import io.flotilla.domain.upload.UploadSettings;
import io.vertx.core.http.HttpMethod;

/**
 * {@code /fileUploads}: the application's file upload configuration (an Administrator's application setting, like
 * data export), and Flotilla's {@code /fileUploads/files}: the uploads devices made (docs/api.md "File uploads").
 */
public final class FileUploadRoutes implements ResourceRoutes {
  private static final String PATH = "/api/fileUploads";
  private final UploadService uploads;

  public FileUploadRoutes(UploadService uploads) {
    this.uploads = uploads;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.ADMINISTER;
    t.add(HttpMethod.GET, PATH, p, "FileUploads_Get", 200, "Get the file upload configuration",
        call -> since(call).compose(v -> uploads.get()).map(s -> Reply.ok(dto(s, call.version()))));
    t.add(HttpMethod.PUT, PATH, p, "FileUploads_Create", 200, "Create or replace the file upload configuration",
        call -> since(call).compose(v -> {
          ObjectNode body = call.objectBody();
          return uploads.put(definition(body), Fields.optionalString(body, "etag"));
        }).map(s -> Reply.ok(dto(s, call.version()))));
    t.add(HttpMethod.PATCH, PATH, p, "FileUploads_Update", 200,
        "Update the file upload configuration (merge patch)", call -> since(call).compose(v -> {
          ObjectNode patch = call.objectBody();
          String etag = Fields.optionalString(patch, "etag");
          return uploads.patch(current -> definition(MergePatch.apply(stored(current), patch)), etag);
        }).map(s -> Reply.ok(dto(s, call.version()))));
    t.add(HttpMethod.DELETE, PATH, p, "FileUploads_Remove", 204, "Remove the file upload configuration",
        call -> since(call).compose(v -> uploads.delete()).map(v -> Reply.noContent()));
    t.add(HttpMethod.GET, PATH + "/files", p, "FileUploads_ListFiles", 200,
        "List the uploads devices asked for, oldest first (Flotilla)",
        call -> uploads.uploads(call.query("deviceId"), call.page()).map(page -> call.pageReply(page,
            FileUploadRoutes::upload))).paged()
        .accepts(QueryParameter.always("deviceId", "Only this device's uploads."));
  }

  /** File uploads came with 2022-05-31: under 1.0 the routes do not exist (404, like an unknown route). */
  private static io.vertx.core.Future<Void> since(Call call) {
    if (call.version() == ApiVersion.V1_0) {
      return io.vertx.core.Future.failedFuture(new FlotillaException.NotFound(
          "File uploads are not part of api-version 1.0; use 2022-05-31 or later."));
    }
    return io.vertx.core.Future.succeededFuture();
  }

  private static UploadService.Definition definition(ObjectNode body) {
    return new UploadService.Definition(Fields.optionalString(body, "account"),
        Fields.optionalString(body, "connectionString"), Fields.optionalString(body, "container"),
        Fields.optionalString(body, "sasTtl"), Fields.optionalBoolean(body, "readAccess"));
  }

  /** The stored configuration as the client's fields, for a merge patch. */
  private static ObjectNode stored(UploadSettings s) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    if (s.account() != null) {
      o.put("account", s.account());
    }
    o.put("connectionString", s.connectionString());
    o.put("container", s.container());
    o.put("sasTtl", s.sasTtl().toString());
    o.put("readAccess", s.readAccess());
    return o;
  }

  static ObjectNode dto(UploadSettings s, ApiVersion version) {
    ObjectNode o = stored(s);
    o.put("state", s.state());
    o.put("etag", s.etag());
    if (version != ApiVersion.V2022_10_31_PREVIEW && version != ApiVersion.PREVIEW) {
      o.remove("readAccess");
    }
    return o;
  }

  static ObjectNode upload(FileUpload u) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("correlationId", u.correlationId());
    o.put("deviceId", u.deviceId());
    o.put("container", u.container());
    o.put("blobName", u.blobName());
    o.put("requestedAt", u.requestedAt().toString());
    o.put("expiresAt", u.expiresAt().toString());
    if (u.sizeBytes() != null) {
      o.put("sizeBytes", u.sizeBytes());
      o.put("storedAt", u.storedAt().toString());
    }
    if (u.completedAt() != null) {
      o.put("completedAt", u.completedAt().toString());
      o.put("isSuccess", u.success());
      if (u.statusCode() != null) {
        o.put("statusCode", u.statusCode());
      }
      if (u.statusDescription() != null) {
        o.put("statusDescription", u.statusDescription());
      }
    }
    return o;
  }
}
