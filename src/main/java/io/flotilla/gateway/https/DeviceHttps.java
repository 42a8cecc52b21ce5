package io.flotilla.gateway.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.provisioning.CandidateKey;
import io.flotilla.domain.provisioning.ProvisioningService;
import io.flotilla.domain.upload.UploadService;
import io.flotilla.gateway.mqtt.MalformedCredentials;
import io.flotilla.gateway.mqtt.SasToken;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-facing HTTPS listener of IoT Hub file uploads, as the Azure IoT device SDKs use it
 * (docs/api.md "File uploads"): {@code POST /devices/{id}/files} hands out an upload URI, the device writes its bytes
 * to that URI on this same listener (Azure Blob "Put Blob"), then {@code POST /devices/{id}/files/notifications}
 * reports the outcome. Device calls carry the device's SAS token in {@code Authorization}; blob writes carry the blob
 * SAS of their URI. Bodies are bounded: JSON calls to {@value #MAX_JSON_BYTES} bytes, files to the configured size.
 */
public final class DeviceHttps {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceHttps.class);
  static final int MAX_JSON_BYTES = 16 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FILES = Pattern.compile("^/devices/([^/]+)/files(/notifications)?$");
  private static final Pattern BLOB = Pattern.compile("^/([^/]+)/(.+)$");

  /** Where to listen and what to accept; {@code port} 0 picks a free port. */
  public record Settings(String bind, int port, Path certificate, Path privateKey, String hostName,
                         long maxFileBytes, int maxUploadsInFlight) {
  }

  private final Vertx vertx;
  private final UploadService uploads;
  private final ProvisioningService provisioning;
  private final UploadDirectory directory;
  private final Clock clock;
  private final Settings settings;
  private final AtomicInteger inFlight = new AtomicInteger();
  private HttpServer server;

  public DeviceHttps(Vertx vertx, UploadService uploads, ProvisioningService provisioning, UploadDirectory directory,
                     Clock clock, Settings settings) {
    this.vertx = vertx;
    this.uploads = uploads;
    this.provisioning = provisioning;
    this.directory = directory;
    this.clock = clock;
    this.settings = settings;
  }

  /** Starts listening; answers the bound port. */
  public Future<Integer> listen() {
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(settings.certificate().toString()).setKeyPath(settings.privateKey().toString()));
    return vertx.createHttpServer(options).requestHandler(this::handle)
        .listen(settings.port(), settings.bind()).map(s -> {
          server = s;
          return s.actualPort();
        });
  }

  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  /** The host devices upload to: the server's host name, with the port unless it is 443. */
  public String uploadHost() {
    return port() == 443 ? settings.hostName() : settings.hostName() + ":" + port();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest req) {
    req.pause();
    try {
      route(req);
    } catch (FlotillaException e) {
      deviceError(req, e);
    }
  }

  private void route(HttpServerRequest req) {
    String path = req.path();
    Matcher files = FILES.matcher(path);
    if (req.method() == HttpMethod.POST && files.matches()) {
      String deviceId = decode(files.group(1));
      boolean notification = files.group(2) != null;
      device(req, deviceId).compose(v -> smallJson(req)).compose(body -> notification
          ? notify(deviceId, body).map(v -> (Reply) new Reply(204, null))
          : grant(deviceId, body).map(o -> new Reply(200, o)))
          .onSuccess(r -> answerJson(req, r.status(), r.body()))
          .onFailure(e -> deviceError(req, e));
      return;
    }
    Matcher blob = BLOB.matcher(path);
    if (req.method() == HttpMethod.PUT && blob.matches()) {
      putBlob(req, decode(blob.group(1)), decode(blob.group(2)));
      return;
    }
    deviceError(req, new FlotillaException.NotFound("No such resource: " + req.method() + " " + path));
  }

  private record Reply(int status, JsonNode body) {
  }

  /** The caller must hold a valid SAS token of device {@code deviceId} itself (sr {@code {host}/devices/{id}}). */
  private Future<Void> device(HttpServerRequest req, String deviceId) {
    SasToken token;
    try {
      token = SasToken.parse(req.getHeader("authorization"));
    } catch (MalformedCredentials e) {
      return Future.failedFuture(new FlotillaException.Unauthorized("A device SAS token is required: " + e.getMessage()));
    }
    String[] sr = token.decodedResource().split("/", -1);
    if (sr.length != 3 || !sr[1].equals("devices") || !(sr[2].equals(deviceId) || decode(sr[2]).equals(deviceId))
        || !withoutPort(sr[0]).equalsIgnoreCase(withoutPort(settings.hostName()))) {
      return Future.failedFuture(new FlotillaException.Unauthorized("The SAS token does not name device " + deviceId
          + " of this hub."));
    }
    if (token.expiredAt(clock.instant())) {
      return Future.failedFuture(new FlotillaException.Unauthorized("The SAS token has expired."));
    }
    return provisioning.admission(deviceId).map(found -> {
      Optional<ProvisioningService.Admission> admission = found.filter(a -> a.device().enabled());
      if (admission.isEmpty() || admission.get().keys().stream().map(CandidateKey::key)
          .noneMatch(token::signatureMatches)) {
        throw new FlotillaException.Unauthorized("The SAS token is not valid for device " + deviceId + ".");
      }
      return null;
    });
  }

  private Future<JsonNode> grant(String deviceId, ObjectNode body) {
    JsonNode name = body.get("blobName");
    if (name == null || !name.isTextual()) {
      throw new FlotillaException.Invalid("blobName is required and must be a string.");
    }
    return uploads.grant(deviceId, name.asText()).map(g -> JSON.createObjectNode()
        .put("correlationId", g.correlationId()).put("hostName", uploadHost()).put("containerName", g.container())
        .put("blobName", g.blobName()).put("sasToken", g.sasToken()));
  }

  private Future<Void> notify(String deviceId, ObjectNode body) {
    JsonNode id = body.get("correlationId");
    JsonNode success = body.get("isSuccess");
    JsonNode code = body.get("statusCode");
    JsonNode description = body.get("statusDescription");
    if (id == null || !id.isTextual() || success == null || !success.isBoolean()) {
      throw new FlotillaException.Invalid("correlationId (string) and isSuccess (boolean) are required.");
    }
    if (code != null && !code.isNull() && !code.isInt() || description != null && !description.isNull()
        && !description.isTextual()) {
      throw new FlotillaException.Invalid("statusCode must be an integer and statusDescription a string.");
    }
    return uploads.complete(deviceId, id.asText(), success.asBoolean(),
        code == null || code.isNull() ? null : code.asInt(),
        description == null || description.isNull() ? null : description.asText());
  }

  /** Azure Blob "Put Blob" of a block blob, authorised by the blob SAS in the query string. */
  private void putBlob(HttpServerRequest req, String container, String blobName) {
    if (!"BlockBlob".equals(req.getHeader("x-ms-blob-type"))) {
      blobError(req, 400, "MissingRequiredHeader", "x-ms-blob-type: BlockBlob is required.");
      return;
    }
    long length;
    try {
      length = Long.parseLong(req.getHeader("content-length"));
    } catch (NumberFormatException | NullPointerException e) {
      blobError(req, 411, "MissingContentLengthHeader", "Content-Length is required.");
      return;
    }
    if (length > settings.maxFileBytes()) {
      blobError(req, 413, "RequestBodyTooLarge", "The file is larger than this server accepts ("
          + settings.maxFileBytes() + " bytes).");
      return;
    }
    if (inFlight.incrementAndGet() > settings.maxUploadsInFlight()) {
      inFlight.decrementAndGet();
      blobError(req, 503, "ServerBusy", "Too many uploads in progress; try again later.");
      return;
    }
    Path[] partial = new Path[1];
    uploads.authorize(container, blobName, req.query()).compose(upload -> {
      Path target = directory.file(container, blobName);
      partial[0] = directory.partial(upload.correlationId());
      return store(req, partial[0], target, length).compose(size -> uploads.stored(upload, size)
          .map(v -> upload));
    }).onComplete(ar -> {
      inFlight.decrementAndGet();
      if (ar.succeeded()) {
        req.response().setStatusCode(201).putHeader("ETag", "\"" + ar.result().correlationId() + "\"")
            .putHeader("x-ms-request-server-encrypted", "false").end();
      } else {
        if (partial[0] != null) {
          vertx.fileSystem().delete(partial[0].toString());
        }
        blobFailure(req, ar.cause());
      }
    });
  }

  /** Streams the body into {@code partial}, then moves it to {@code target}; answers the size written. */
  private Future<Long> store(HttpServerRequest req, Path partial, Path target, long length) {
    FileSystem fs = vertx.fileSystem();
    return fs.mkdirs(partial.getParent().toString())
        .compose(v -> fs.mkdirs(target.getParent().toString()))
        .compose(v -> fs.open(partial.toString(), new OpenOptions().setWrite(true).setCreate(true)
            .setTruncateExisting(true)))
        .compose(file -> req.pipeTo(file))
        .compose(v -> fs.props(partial.toString()))
        .compose(props -> {
          if (props.size() != length) {
            return Future.failedFuture(new FlotillaException.Invalid("The body ended after " + props.size()
                + " of " + length + " bytes."));
          }
          return fs.move(partial.toString(), target.toString(), new CopyOptions().setReplaceExisting(true)
              .setAtomicMove(true)).map(v -> props.size());
        });
  }

  /** Reads a JSON object body of at most {@value #MAX_JSON_BYTES} bytes. */
  private Future<ObjectNode> smallJson(HttpServerRequest req) {
    String declared = req.getHeader("content-length");
    if (declared != null && !(declared.matches("\\d{1,9}") && Long.parseLong(declared) <= MAX_JSON_BYTES)) {
      return Future.failedFuture(new TooLarge());
    }
    Promise<ObjectNode> done = Promise.promise();
    Buffer body = Buffer.buffer();
    req.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_JSON_BYTES) {
        done.tryFail(new TooLarge());
      } else {
        body.appendBuffer(chunk);
      }
    });
    req.exceptionHandler(done::tryFail);
    req.endHandler(v -> {
      try {
        JsonNode json = JSON.readTree(body.getBytes());
        if (!(json instanceof ObjectNode o)) {
          throw new FlotillaException.Invalid("The body must be a JSON object.");
        }
        done.tryComplete(o);
      } catch (java.io.IOException e) {
        done.tryFail(new FlotillaException.Invalid("The body is not JSON: " + e.getMessage()));
      } catch (FlotillaException e) {
        done.tryFail(e);
      }
    });
    req.resume();
    return done.future();
  }

  /** A body over the limit. */
  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("The request body is larger than " + MAX_JSON_BYTES + " bytes.", null, false, false);
    }
  }

  private void answerJson(HttpServerRequest req, int status, JsonNode body) {
    if (body == null) {
      req.response().setStatusCode(status).end();
    } else {
      req.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
          .end(body.toString());
    }
  }

  /** IoT Hub's error shape: {@code {"Message":"ErrorCode:…;…","ExceptionMessage":"…"}}. */
  private void deviceError(HttpServerRequest req, Throwable e) {
    int status;
    String code;
    if (e instanceof TooLarge) {
      status = 413;
      code = "RequestEntityTooLarge";
    } else if (e instanceof FlotillaException.Unauthorized) {
      status = 401;
      code = "IotHubUnauthorizedAccess";
    } else if (e instanceof FlotillaException.Invalid) {
      status = 400;
      code = "ArgumentInvalid";
    } else if (e instanceof FlotillaException.NotFound) {
      status = 404;
      code = "NotFound";
    } else if (e instanceof FlotillaException.Unavailable) {
      status = 503;
      code = "ServiceUnavailable";
    } else {
      LOG.warn("Device HTTPS request {} {} failed", req.method(), req.path(), e);
      status = 500;
      code = "ServerError";
    }
    ObjectNode body = JSON.createObjectNode().put("Message", "ErrorCode:" + code + ";" + e.getMessage())
        .put("ExceptionMessage", e.getMessage());
    closeAfter(req).setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
        .end(body.toString());
  }

  private void blobFailure(HttpServerRequest req, Throwable e) {
    if (e instanceof FlotillaException.Forbidden) {
      blobError(req, 403, "AuthenticationFailed", e.getMessage());
    } else if (e instanceof FlotillaException.NotFound) {
      blobError(req, 404, "ContainerNotFound", e.getMessage());
    } else if (e instanceof FlotillaException.Invalid) {
      blobError(req, 400, "InvalidInput", e.getMessage());
    } else if (e instanceof FlotillaException.Unavailable) {
      blobError(req, 503, "ServerBusy", e.getMessage());
    } else {
      LOG.warn("Storing an upload to {} failed", req.path(), e);
      blobError(req, 500, "InternalError", "The file could not be stored.");
    }
  }

  /** Azure Storage's error shape (XML {@code <Error><Code/><Message/></Error>}, code also in {@code x-ms-error-code}). */
  private void blobError(HttpServerRequest req, int status, String code, String message) {
    String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>"
        + escape(message) + "</Message></Error>";
    closeAfter(req).setStatusCode(status).putHeader("x-ms-error-code", code)
        .putHeader("content-type", "application/xml").end(xml);
  }

  /** An error answered before the body was read: the connection closes so the unread body is not parsed as a request. */
  private static io.vertx.core.http.HttpServerResponse closeAfter(HttpServerRequest req) {
    if (!req.isEnded()) {
      req.response().putHeader("connection", "close");
      req.response().endHandler(v -> req.connection().close());
    }
    return req.response();
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A path segment as the Java SDK encodes it ({@code URLEncoder}: {@code +} is a space). */
  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new FlotillaException.Invalid("The path is not URL-encoded properly.");
    }
  }

  private static String withoutPort(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 ? h.substring(0, end + 1) : h;
    }
    int colon = h.indexOf(':');
    return colon >= 0 ? h.substring(0, colon) : h;
  }
}
