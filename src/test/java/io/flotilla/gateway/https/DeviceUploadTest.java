package io.flotilla.gateway.https;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import io.flotilla.app.Config;
import io.flotilla.domain.device.DeviceService;
import io.flotilla.gateway.mqtt.SasToken;
import io.flotilla.gateway.mqtt.ServerCertificate;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The device side of file uploads over the device HTTPS listener (free port), as the Azure IoT SDKs speak it, with a
 * plain HTTPS client: grant, Put Blob, notification, and every way to get it wrong.
 */
class DeviceUploadTest {
  static final long MAX = 4096;
  static TestServer server;
  static ApiClient api;
  static HttpClient http;
  static SSLContext trust;
  static int port;
  static Path uploads;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(c -> c.withUploads(new Config.Uploads(null, 0, MAX)));
    api = server.api();
    port = server.server().wiring().uploads().httpsPort();
    uploads = server.dataDir().resolve("uploads");
    trust = IotHubSSLContext.getSSLContextFromFile(server.dataDir().resolve("certs")
        .resolve(ServerCertificate.CERTIFICATE_FILE).toString());
    http = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void configured() {
    assertThat(api.put("/api/fileUploads", "{\"connectionString\": \"local\", \"container\": \"box\"}").status())
        .isEqualTo(200);
  }

  static String device(String id) {
    DeviceService devices = server.server().wiring().services().devices();
    join(devices.put(id, new DeviceService.Definition(null, null, true, false, null, null)));
    return join(devices.attestation(id)).primaryKey();
  }

  static <T> T join(io.vertx.core.Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static String token(String deviceId, String key, Duration validFor) {
    return SasToken.create("127.0.0.1/devices/" + deviceId, key, server.clock().instant().plus(validFor), false);
  }

  static HttpResponse<String> post(String path, String auth, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path
        + "?api-version=2020-09-30")).header("content-type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode grant(String deviceId, String key, String blobName) throws Exception {
    HttpResponse<String> r = post("/devices/" + deviceId + "/files", token(deviceId, key, Duration.ofHours(1)),
        ApiClient.JSON.createObjectNode().put("blobName", blobName).toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return ApiClient.JSON.readTree(r.body());
  }

  /** The upload URI exactly as the Java SDK builds it ({@code FileUploadSasUriResponse.getBlobUri}). */
  static String blobUri(JsonNode g) {
    return "https://" + g.get("hostName").asText() + "/" + g.get("containerName").asText() + "/"
        + URLEncoder.encode(g.get("blobName").asText(), StandardCharsets.UTF_8) + g.get("sasToken").asText();
  }

  static HttpResponse<String> putBlob(String uri, byte[] bytes) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).header("x-ms-blob-type", "BlockBlob")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<Path> storedFiles() throws Exception {
    try (Stream<Path> files = Files.walk(server.dataDir())) {
      return files.filter(Files::isRegularFile).filter(p -> !p.startsWith(uploads.resolve("box")))
          .filter(p -> p.startsWith(uploads)).toList();
    }
  }

  @Test
  void aDeviceUploadsAFileIntoItsOwnDirectoryAndNotifiesTheOutcome() throws Exception {
    String key = device("up-1");
    JsonNode g = grant("up-1", key, "logs/2024 day.txt");
    assertThat(g.get("hostName").asText()).isEqualTo("127.0.0.1:" + port);
    assertThat(g.get("containerName").asText()).isEqualTo("box");
    assertThat(g.get("blobName").asText()).isEqualTo("up-1/logs/2024 day.txt");
    assertThat(g.get("sasToken").asText()).startsWith("?sv=").contains("&sr=b").contains("&sig=");
    byte[] bytes = "hello from up-1\n".repeat(100).getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> put = putBlob(blobUri(g), bytes);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(Files.readAllBytes(uploads.resolve("box/up-1/logs/2024 day.txt"))).isEqualTo(bytes);
    assertThat(putBlob(blobUri(g), new byte[] {1, 2, 3}).statusCode()).as("a rewrite within the SAS's life")
        .isEqualTo(201);
    assertThat(Files.readAllBytes(uploads.resolve("box/up-1/logs/2024 day.txt"))).containsExactly(1, 2, 3);

    String correlationId = g.get("correlationId").asText();
    String note = ApiClient.JSON.createObjectNode().put("correlationId", correlationId).put("isSuccess", true)
        .put("statusCode", 200).put("statusDescription", "done").toString();
    assertThat(post("/devices/up-1/files/notifications", token("up-1", key, Duration.ofHours(1)), note).statusCode())
        .isEqualTo(204);
    assertThat(post("/devices/up-1/files/notifications", token("up-1", key, Duration.ofHours(1)), note).statusCode())
        .as("only once").isEqualTo(400);

    JsonNode listed = ApiClient.JSON.readTree(api.get("/api/fileUploads/files?deviceId=up-1").text()).get("value");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("correlationId").asText()).isEqualTo(correlationId);
    assertThat(listed.get(0).get("blobName").asText()).isEqualTo("up-1/logs/2024 day.txt");
    assertThat(listed.get(0).get("sizeBytes").asLong()).isEqualTo(3);
    assertThat(listed.get(0).get("isSuccess").asBoolean()).isTrue();
    assertThat(listed.get(0).get("statusDescription").asText()).isEqualTo("done");
    assertThat(storedFiles()).as("nothing outside the container, no partial file left").isEmpty();
  }

  @Test
  void badMissingForeignExpiredOrUnknownDeviceTokensAre401() throws Exception {
    String key = device("tok-1");
    String otherKey = device("tok-2");
    String body = "{\"blobName\": \"a.txt\"}";
    assertThat(post("/devices/tok-1/files", null, body).statusCode()).isEqualTo(401);
    assertThat(post("/devices/tok-1/files", "Bearer x", body).statusCode()).isEqualTo(401);
    assertThat(post("/devices/tok-1/files", token("tok-1", otherKey, Duration.ofHours(1)), body).statusCode())
        .as("signed with another device's key").isEqualTo(401);
    HttpResponse<String> foreign = post("/devices/tok-1/files", token("tok-2", otherKey, Duration.ofHours(1)), body);
    assertThat(foreign.statusCode()).as("another device's own token").isEqualTo(401);
    assertThat(ApiClient.JSON.readTree(foreign.body()).get("Message").asText())
        .startsWith("ErrorCode:IotHubUnauthorizedAccess");
    assertThat(post("/devices/tok-1/files/notifications", token("tok-2", otherKey, Duration.ofHours(1)),
        "{\"correlationId\": \"x\", \"isSuccess\": true}").statusCode()).isEqualTo(401);
    assertThat(post("/devices/tok-1/files", SasToken.create("127.0.0.1/devices/tok-1", key,
        server.clock().instant().minusSeconds(5), false), body).statusCode()).as("expired").isEqualTo(401);
    assertThat(post("/devices/nobody/files", token("nobody", key, Duration.ofHours(1)), body).statusCode())
        .isEqualTo(401);
    assertThat(post("/devices/tok-1/files", SasToken.create("otherhub/devices/tok-1", key,
        server.clock().instant().plusSeconds(600), false), body).statusCode()).as("another hub").isEqualTo(401);
    join(server.server().wiring().services().devices().patch("tok-1",
        new DeviceService.Definition(null, null, false, null, null, null)));
    assertThat(post("/devices/tok-1/files", token("tok-1", key, Duration.ofHours(1)), body).statusCode())
        .as("disabled").isEqualTo(401);
    // a device's notification of another device's upload
    JsonNode g = grant("tok-2", otherKey, "b.txt");
    String third = device("tok-3");
    assertThat(post("/devices/tok-3/files/notifications", token("tok-3", third, Duration.ofHours(1)),
        "{\"correlationId\": \"" + g.get("correlationId").asText() + "\", \"isSuccess\": true}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void hostileBlobNamesAreRefusedAndNothingIsWrittenOutsideTheDirectory() throws Exception {
    String key = device("trav-1");
    for (String name : new String[] {"../evil.txt", "a/../../evil.txt", "/abs.txt", "..", ".", "a//b", "a\\..\\b",
        "", "x\u0000y", "a/./b", "x".repeat(1100)}) {
      HttpResponse<String> r = post("/devices/trav-1/files", token("trav-1", key, Duration.ofHours(1)),
          ApiClient.JSON.createObjectNode().put("blobName", name).toString());
      assertThat(r.statusCode()).as(name).isEqualTo(400);
    }
    JsonNode g = grant("trav-1", key, "ok.txt");
    String sas = g.get("sasToken").asText();
    String base = "https://127.0.0.1:" + port + "/box/";
    for (String path : new String[] {"trav-1%2F..%2F..%2F..%2Fevil.txt", "trav-1/../../evil.txt",
        "trav-2%2Fok.txt", "..%2F..%2Fevil.txt", "trav-1%2Fok.txt%00", "%2E%2E%2Fevil.txt"}) {
      HttpResponse<String> r = putBlob(base + path + sas, new byte[] {42});
      assertThat(r.statusCode()).as(path).isIn(400, 403, 404);
    }
    assertThat(putBlob("https://127.0.0.1:" + port + "/other/trav-1%2Fok.txt" + sas, new byte[] {42}).statusCode())
        .as("another container").isEqualTo(404);
    assertThat(storedFiles()).isEmpty();
    assertThat(Files.exists(uploads.resolve("box/trav-1/ok.txt"))).isFalse();
    try (Stream<Path> all = Files.walk(server.dataDir().getParent(), 1)) {
      assertThat(all.map(p -> p.getFileName().toString())).doesNotContain("evil.txt");
    }
  }

  @Test
  void aWrongTamperedOrExpiredBlobSasIs403() throws Exception {
    String key = device("sas-1");
    JsonNode g = grant("sas-1", key, "f.bin");
    String uri = blobUri(g);
    assertThat(putBlob(uri.replaceAll("&sig=[^&]*", "&sig=AAAA"), new byte[] {1}).statusCode()).isEqualTo(403);
    assertThat(putBlob(uri.substring(0, uri.indexOf('?')), new byte[] {1}).statusCode()).isEqualTo(403);
    assertThat(putBlob(uri.replace("f.bin", "g.bin"), new byte[] {1}).statusCode()).as("another blob")
        .isEqualTo(403);
    HttpResponse<String> noType = http.send(HttpRequest.newBuilder(URI.create(uri))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noType.statusCode()).isEqualTo(400);
    assertThat(noType.headers().firstValue("x-ms-error-code")).contains("MissingRequiredHeader");

    assertThat(api.patch("/api/fileUploads", "{\"sasTtl\": \"PT1M\"}").status()).isEqualTo(200);
    JsonNode shortLived = grant("sas-1", key, "late.bin");
    server.clock().advance(Duration.ofSeconds(61));
    HttpResponse<String> late = putBlob(blobUri(shortLived), new byte[] {1});
    assertThat(late.statusCode()).isEqualTo(403);
    assertThat(late.headers().firstValue("x-ms-error-code")).contains("AuthenticationFailed");
    assertThat(late.body()).contains("expired");
    assertThat(Files.exists(uploads.resolve("box/sas-1/late.bin"))).isFalse();
    assertThat(Files.exists(uploads.resolve("box/sas-1/f.bin"))).isFalse();

    // deleting the configuration voids the URIs handed out
    JsonNode fresh = grant("sas-1", key, "gone.bin");
    assertThat(api.delete("/api/fileUploads").status()).isEqualTo(204);
    assertThat(putBlob(blobUri(fresh), new byte[] {1}).statusCode()).isEqualTo(404);
    assertThat(post("/devices/sas-1/files", token("sas-1", key, Duration.ofHours(1)), "{\"blobName\": \"x\"}")
        .statusCode()).as("not configured").isEqualTo(404);
  }

  @Test
  void oversizeFilesAndBodiesAre413AndLeaveNothingBehind() throws Exception {
    String key = device("big-1");
    JsonNode g = grant("big-1", key, "big.bin");
    String target = blobUri(g).substring(("https://127.0.0.1:" + port).length());
    String head = raw("PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-ms-blob-type: BlockBlob\r\n"
        + "Content-Length: " + (MAX + 1) + "\r\n\r\n");
    assertThat(head).startsWith("HTTP/1.1 413").contains("RequestBodyTooLarge");
    assertThat(putBlob(blobUri(g), new byte[(int) MAX]).statusCode()).as("at the limit").isEqualTo(201);
    ObjectNode huge = ApiClient.JSON.createObjectNode().put("blobName", "x".repeat(20_000));
    assertThat(post("/devices/big-1/files", token("big-1", key, Duration.ofHours(1)), huge.toString()).statusCode())
        .isEqualTo(413);
    String chunked = raw("POST /devices/big-1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
        + token("big-1", key, Duration.ofHours(1)) + "\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5000\r\n" + "y".repeat(0x5000) + "\r\n0\r\n\r\n");
    assertThat(chunked).startsWith("HTTP/1.1 413");
    assertThat(storedFiles()).isEmpty();
  }

  /** Sends {@code request} as is over TLS and answers what the server said before closing. */
  static String raw(String request) throws Exception {
    try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (java.io.IOException closedEarly) {
        // the server may answer and close before the whole request is written
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
        }
      } catch (java.io.IOException reset) {
        // a close after the answer
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }
}
