package io.flotilla.gateway.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.FileUploadCompletionNotification;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriRequest;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriResponse;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import io.flotilla.app.Config;
import io.flotilla.domain.device.DeviceService;
import io.flotilla.gateway.mqtt.ServerCertificate;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Azure IoT device SDK for Java (2.5.0) uploads a file: {@code getFileUploadSasUri}, a Put Blob to the URI it
 * answers (with the JDK's HTTP client: azure-storage-blob is not a dependency of the device SDK, and its Netty would
 * clash with Vert.x's), then {@code completeFileUpload}. The SDK's HTTPS transport always uses port 443, so this binds
 * 127.0.0.1:443: run it only under {@code flock /tmp/flotilla-443.lock}; it is skipped where 443 cannot be bound.
 */
@Tag("sdk")
class SdkFileUploadTest {

  @Test
  void theJavaSdkUploadsAFileThatArrivesInTheStore() throws Exception {
    try (ServerSocket probe = new ServerSocket(443, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(probe.isBound()).isTrue();
    } catch (java.io.IOException e) {
      assumeTrue(false, "port 443 of 127.0.0.1 cannot be bound here (" + e.getMessage() + "): the SDK's HTTPS "
          + "transport only speaks to 443");
    }
    try (TestServer server = TestServer.start(c -> c.withUploads(new Config.Uploads(null, 443, 1 << 20)))) {
      assertThat(server.server().wiring().uploads().httpsPort()).isEqualTo(443);
      ApiClient api = server.api();
      assertThat(api.put("/api/fileUploads", "{\"connectionString\": \"local\", \"container\": \"sdk-files\"}")
          .status()).isEqualTo(200);
      DeviceService devices = server.server().wiring().services().devices();
      DeviceUploadTest.join(devices.put("sdk-up", new DeviceService.Definition(null, null, true, false, null, null)));
      String key = DeviceUploadTest.join(devices.attestation("sdk-up")).primaryKey();
      SSLContext trust = IotHubSSLContext.getSSLContextFromFile(server.dataDir().resolve("certs")
          .resolve(ServerCertificate.CERTIFICATE_FILE).toString());

      DeviceClient client = new DeviceClient("HostName=127.0.0.1;DeviceId=sdk-up;SharedAccessKey=" + key,
          IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(trust).build());
      FileUploadSasUriResponse sas = client.getFileUploadSasUri(new FileUploadSasUriRequest("reports/run 1.json"));
      assertThat(sas.getBlobName()).isEqualTo("sdk-up/reports/run 1.json");
      assertThat(sas.getContainerName()).isEqualTo("sdk-files");
      byte[] bytes = "{\"readings\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8);
      HttpClient http = HttpClient.newBuilder().sslContext(trust).build();
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(sas.getBlobUri())
          .header("x-ms-blob-type", "BlockBlob").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      client.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), true, 0, "ok"));

      Path stored = server.dataDir().resolve("uploads/sdk-files/sdk-up/reports/run 1.json");
      assertThat(Files.readAllBytes(stored)).isEqualTo(bytes);
      JsonNode row = api.get("/api/fileUploads/files?deviceId=sdk-up").json().get("value").get(0);
      assertThat(row.get("correlationId").asText()).isEqualTo(sas.getCorrelationId());
      assertThat(row.get("sizeBytes").asLong()).isEqualTo(bytes.length);
      assertThat(row.get("isSuccess").asBoolean()).isTrue();
      client.close();
    }
  }
}
