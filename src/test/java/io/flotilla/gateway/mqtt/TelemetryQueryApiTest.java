package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.caCert;
import static io.flotilla.gateway.mqtt.GatewayFixture.device;
import static io.flotilla.gateway.mqtt.GatewayFixture.gateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Telemetry sent over real MQTT, then read back through {@code POST /api/query}. */
class TelemetryQueryApiTest {
  static final String PREVIEW = "?api-version=2022-10-31-preview";
  static final String T = GatewayFixture.TEMPLATE_ID;
  static TestServer server;
  static Vertx vertx;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    vertx = Vertx.vertx();
    api = server.api();
    GatewayFixture.template(server);
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.close();
  }

  static ApiClient.Response query(String q) {
    return api.post("/api/query" + PREVIEW, ApiClient.JSON.createObjectNode().put("query", q).toString());
  }

  static void send(String deviceId, int count, String componentSuffix, String field) {
    String key = device(server, deviceId, T);
    try (TestDevice d = TestDevice.hub(vertx, server.server().mqttPort(), caCert(server), deviceId, key).connected()) {
      for (int i = 0; i < count; i++) {
        d.publishAcknowledged("devices/" + deviceId + "/messages/events/" + componentSuffix,
            "{\"" + field + "\": " + (10 + i) + "}");
      }
    }
  }

  @Test
  void everyMessageSentIsQueryableRecordsAndAggregates() {
    long before = gateway(server).history().stored();
    send("hist-1", 5, "", "temperature");
    send("hist-2", 3, "%24.sub=thermostat1", "temperature");
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway(server).history().stored() >= before + 8);

    ApiClient.Response r = query("SELECT $id, $ts, temperature FROM " + T
        + " WHERE WITHIN_WINDOW(P1D) AND $id = 'hist-1' ORDER BY $ts ASC");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<Integer> values = new ArrayList<>();
    for (JsonNode rec : r.json().path("results")) {
      assertThat(rec.path("$id").asText()).isEqualTo("hist-1");
      assertThat(Instant.parse(rec.path("$ts").asText())).isBefore(server.clock().instant().plusSeconds(1));
      values.add(rec.path("temperature").asInt());
    }
    assertThat(values).as("every message, not only the latest value").containsExactly(10, 11, 12, 13, 14);

    JsonNode agg = query("SELECT COUNT(temperature), AVG(temperature) AS mean, MAX(thermostat1.temperature) FROM " + T
        + " WHERE WITHIN_WINDOW(PT1H) AND $id IN ['hist-1', 'hist-2'] GROUP BY WINDOW(P1D)").json();
    assertThat(agg.path("results")).hasSize(1);
    JsonNode window = agg.path("results").get(0);
    assertThat(window.path("count_temperature").asInt()).isEqualTo(5);
    assertThat(window.path("mean").asDouble()).isEqualTo(12.0);
    assertThat(window.path("max_thermostat1.temperature").asInt()).isEqualTo(12);
    assertThat(window.has("$ts")).isTrue();

    JsonNode top = query("SELECT TOP 2 temperature FROM " + T + " WHERE WITHIN_WINDOW(P1D) AND temperature >= 11"
        + " ORDER BY temperature DESC").json();
    assertThat(top.path("results").toString()).isEqualTo("[{\"temperature\":14},{\"temperature\":13}]");
  }

  @Test
  void badQueriesAre400sAndOtherVersions404s() {
    ApiClient.Response syntax = query("SELECT * FROM " + T);
    assertThat(syntax.status()).isEqualTo(400);
    assertThat(syntax.errorCode()).isEqualTo("BadRequest");
    assertThat(syntax.json().path("error").path("message").asText()).contains("position 8");
    assertThat(query("SELECT targetTemperature FROM " + T).json().path("error").path("message").asText())
        .contains("is a property");
    assertThat(query("SELECT humidity FROM " + T).status()).isEqualTo(400);
    assertThat(query("SELECT temperature FROM dtmi:nope:none;1").json().path("error").path("message").asText())
        .contains("no device template");
    assertThat(query("SELECT x FROM t" + " ".repeat(400)).status()).isEqualTo(400);
    assertThat(api.post("/api/query" + PREVIEW, "{\"query\": 5}").status()).isEqualTo(400);
    assertThat(api.post("/api/query" + PREVIEW, "[1]").status()).isEqualTo(400);
    assertThat(api.post("/api/query" + PREVIEW, "{").status()).isEqualTo(400);
    ApiClient.Response ga = api.post("/api/query?api-version=2022-07-31", "{\"query\": \"SELECT temperature FROM "
        + T + "\"}");
    assertThat(ga.status()).isEqualTo(404);
    assertThat(ga.errorCode()).isEqualTo("NotFound");
    assertThat(api.get("/openapi.json").text()).contains("Query_Run");
  }

  @Test
  void aDayPastTheRetentionIsDroppedWhole() {
    try (TestServer own = TestServer.start(c -> c.withTelemetryRetention(Duration.ofDays(2)))) {
      GatewayFixture.template(own);
      String key = device(own, "old-1", T);
      try (TestDevice d = TestDevice.hub(vertx, own.server().mqttPort(), caCert(own), "old-1", key).connected()) {
        d.publishAcknowledged("devices/old-1/messages/events/", "{\"temperature\": 1}");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway(own).history().stored() >= 1);
      ApiClient.Response r = own.api().post("/api/query" + PREVIEW,
          "{\"query\": \"SELECT temperature FROM " + T + " WHERE WITHIN_WINDOW(P7D)\"}");
      assertThat(r.json().path("results")).hasSize(1);

      own.clock().advance(Duration.ofDays(3));
      List<java.time.LocalDate> dropped = GatewayFixture.await(gateway(own).history().maintain());
      assertThat(dropped).isNotEmpty();
      r = own.api().post("/api/query" + PREVIEW,
          "{\"query\": \"SELECT temperature FROM " + T + " WHERE WITHIN_WINDOW(P7D)\"}");
      assertThat(r.json().path("results")).isEmpty();
    }
  }
}
