package io.flotilla.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.testing.Templates;
import io.flotilla.testing.TestServer;
import io.flotilla.testing.Tokens;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resources the fuzzer aims at, created through the API before the run and put back after an accepted request
 * changed or deleted one of them; the callers (one token per role, and tokens that must be refused); and the snapshot
 * of everything a request could change, read through the API.
 *
 * <p>Nothing in the fixture moves by itself: the jobs' group matches no device (an accepted job ends at once and
 * touches no device), the scheduled job starts in 2099, and no device is simulated (the generator never sends
 * {@code "simulated": true}), so two snapshots differ only if a request changed something.
 */
final class FuzzFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String VERSION = "api-version=2022-07-31";
  static final String TEMPLATE = "dtmi:flotilla:fuzz:truck;1";
  static final String DEVICE = "fz-dev-1";
  static final String BARE_DEVICE = "fz-dev-2";
  static final String GROUP = "fz-empty";
  static final String NOBODY_FILTER = "SELECT * FROM devices WHERE $id = \"fz-nobody\"";
  static final String JOB = "fz-job";
  static final String SCHEDULED_JOB = "fz-sched";
  static final String ENROLLMENT_GROUP = "fz-enroll";
  static final String VICTIM_TOKEN = "fz-victim";
  private static final JsonNode TRUCK_MODEL = read(Templates.aRefrigeratedTruck("x")).path("capabilityModel");
  static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static final String KEY_B = "HxwdHh8QERITFBUWFxgZGhscHR4fEBESExQVFhcYGRo=";

  private final FuzzClient client;
  private final String admin;
  final Callers callers;

  /** The Authorization headers the fuzzer calls with. */
  record Callers(String admin, String operator, String builder, String expired, String revoked, String tampered,
                 String otherApplication, String wrongExpiry) {
  }

  FuzzFixture(TestServer server, FuzzClient client) {
    this.client = client;
    this.admin = server.api().token();
    var api = server.api();
    Instant soon = server.clock().instant().plusSeconds(60);
    String expiring = Tokens.create(api, "fz-expiring", Tokens.ADMINISTRATOR, soon);
    String revoked = Tokens.create(api, "fz-revoked", Tokens.ADMINISTRATOR, null);
    check(api.delete("/api/apiTokens/fz-revoked").status() == 204, "revoking fz-revoked");
    String callerAdmin = Tokens.create(api, "fz-admin", Tokens.ADMINISTRATOR, null);
    String operator = Tokens.create(api, "fz-operator", Tokens.OPERATOR, null);
    String builder = Tokens.create(api, "fz-builder", Tokens.BUILDER, null);
    server.clock().advance(Duration.ofSeconds(61));
    String tampered = callerAdmin.replaceFirst("sig=.", "sig=" + (callerAdmin.contains("sig=A") ? "B" : "A"));
    String otherApp = callerAdmin.replaceFirst("sr=[^&]*", "sr=00000000-0000-0000-0000-000000000000");
    String wrongExpiry = callerAdmin.replaceFirst("se=\\d+", "se=4102444800000");
    this.callers = new Callers(callerAdmin, operator, builder, expiring, revoked, tampered, otherApp, wrongExpiry);
    // the organization the seeds name (organizations must exist, issue 15)
    check(api.put("/api/organizations/fuzz-org", "{\"displayName\":\"Fuzz\"}").status() == 200, "creating fuzz-org");
    restoreAll();
  }

  /** Every fixture resource, (re)created as it was at the start. */
  void restoreAll() {
    restore("/api/deviceTemplates/" + encodedTemplate());
    restore("/api/devices/" + DEVICE);
    restore("/api/devices/" + BARE_DEVICE);
    restore("/api/deviceGroups/" + GROUP);
    restore("/api/jobs/" + JOB);
    restore("/api/scheduledJobs/" + SCHEDULED_JOB);
    restore("/api/enrollmentGroups/" + ENROLLMENT_GROUP);
    restore("/api/apiTokens/" + VICTIM_TOKEN);
  }

  static String encodedTemplate() {
    return TEMPLATE.replace(";", "%3B");
  }

  /**
   * Puts back the fixture resource an accepted request changed in a way that matters to later cases: deleted, or
   * replaced or patched (a template's capabilities, a device's template, the group's filter, which must keep matching
   * nobody, a schedule's start, which must stay in 2099). Writes below a resource (properties, attestation, commands,
   * stop, resume, rerun) and changes of the enrollment group leave them usable. Answers whether it restored.
   */
  boolean restoreAfter(HttpMethod method, String path, String answer) {
    String p = path.split("\\?", 2)[0];
    for (String root : List.of("/api/deviceTemplates/" + encodedTemplate(), "/api/devices/" + DEVICE,
        "/api/devices/" + BARE_DEVICE, "/api/deviceGroups/" + GROUP, "/api/jobs/" + JOB,
        "/api/scheduledJobs/" + SCHEDULED_JOB, "/api/enrollmentGroups/" + ENROLLMENT_GROUP,
        "/api/apiTokens/" + VICTIM_TOKEN)) {
      if ((p.equals(root) || p.equals(root.replace("%3B", ";"))) && (method == HttpMethod.DELETE
          || !stillUsable(root, answer))) {
        restore(root);
        return true;
      }
    }
    return false;
  }

  /** Whether the resource an accepted PUT or PATCH answered with still serves the fixture's purpose. */
  private static boolean stillUsable(String root, String answer) {
    JsonNode now;
    try {
      now = JSON.readTree(answer);
    } catch (Exception e) {
      return false;
    }
    if (root.startsWith("/api/deviceTemplates/")) {
      return now.path("capabilityModel").equals(TRUCK_MODEL);
    }
    if (root.endsWith("/" + DEVICE)) {
      return TEMPLATE.equals(now.path("template").asText(null)) && !now.path("simulated").asBoolean();
    }
    if (root.endsWith("/" + BARE_DEVICE)) {
      return !now.has("template") && !now.path("simulated").asBoolean();
    }
    if (root.startsWith("/api/deviceGroups/")) {
      return NOBODY_FILTER.equals(now.path("filter").asText());
    }
    if (root.startsWith("/api/scheduledJobs/")) {
      return GROUP.equals(now.path("group").asText()) && now.path("schedule").path("start").asText().startsWith("2099");
    }
    return true;
  }

  private void restore(String path) {
    String body = canonical(path);
    if (path.startsWith("/api/apiTokens/") || path.startsWith("/api/jobs/")) {
      // Neither is ever replaced: create it when it is gone.
      FuzzClient.Answer a = call(HttpMethod.GET, path, null);
      if (a.status() == 200) {
        return;
      }
    }
    FuzzClient.Answer a = call(HttpMethod.PUT, path, body);
    check(a.status() == 200, "restoring " + path + ": " + a.status() + " " + a.text());
  }

  private static String canonical(String path) {
    if (path.startsWith("/api/deviceTemplates/")) {
      return Templates.aRefrigeratedTruck("Fuzz truck");
    }
    if (path.endsWith("/" + DEVICE)) {
      return "{\"displayName\":\"Fuzz truck 1\",\"template\":\"" + TEMPLATE + "\",\"enabled\":true,\"simulated\":false}";
    }
    if (path.endsWith("/" + BARE_DEVICE)) {
      return "{\"displayName\":\"Fuzz bare device\",\"enabled\":true,\"simulated\":false}";
    }
    if (path.startsWith("/api/deviceGroups/")) {
      return "{\"displayName\":\"Nobody\",\"description\":\"matches no device\",\"filter\":"
          + JSON.valueToTree(NOBODY_FILTER) + "}";
    }
    if (path.startsWith("/api/jobs/")) {
      return FuzzBodies.job().toString();
    }
    if (path.startsWith("/api/scheduledJobs/")) {
      return FuzzBodies.scheduledJob().toString();
    }
    if (path.startsWith("/api/enrollmentGroups/")) {
      return "{\"displayName\":\"Fuzz enrollment\",\"type\":\"iot\",\"enabled\":true,\"attestation\":{\"type\":"
          + "\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + KEY_A + "\",\"secondaryKey\":\"" + KEY_B + "\"}}}";
    }
    if (path.startsWith("/api/apiTokens/")) {
      return Tokens.body(Tokens.OPERATOR, null);
    }
    throw new IllegalArgumentException(path);
  }

  /** Everything a request could change, as the API shows it, without what moves by itself. */
  Map<String, String> snapshot() {
    Map<String, String> s = new TreeMap<>();
    for (String list : List.of("/api/devices", "/api/deviceGroups", "/api/deviceTemplates", "/api/apiTokens",
        "/api/enrollmentGroups", "/api/jobs", "/api/scheduledJobs")) {
      s.put(list, listAll(list));
    }
    for (String one : List.of("/api/devices/" + DEVICE + "/properties", "/api/devices/" + DEVICE + "/attestation",
        "/api/devices/" + BARE_DEVICE + "/attestation", "/api/devices/" + DEVICE + "/commands/reboot",
        "/api/devices/" + DEVICE + "/components/settings/properties")) {
      FuzzClient.Answer a = call(HttpMethod.GET, one, null);
      s.put(one, a.status() + " " + (a.status() == 200 ? normalize(read(a.text())).toString() : ""));
    }
    return s;
  }

  private String listAll(String list) {
    List<String> items = new ArrayList<>();
    String uri = list + "?" + VERSION + "&maxpagesize=100";
    for (int guard = 0; guard < 100 && uri != null; guard++) {
      FuzzClient.Answer a = client.send(HttpMethod.GET, uri, Map.of("Authorization", admin), null);
      check(a.status() == 200, "listing " + uri + ": " + a.status() + " " + a.text());
      JsonNode page = read(a.text());
      for (JsonNode item : page.path("value")) {
        if (list.equals("/api/jobs") && item.has("scheduledJobId")) {
          continue; // started by the scheduler, not by a request
        }
        items.add(normalize(item).toString());
      }
      String next = page.path("nextLink").asText(null);
      uri = next == null ? null : next.substring(next.indexOf("/api/"));
    }
    return String.join("\n", items);
  }

  /** Drops what changes by itself: a job's progress and status, a schedule's completion, a device's connection. */
  private static JsonNode normalize(JsonNode n) {
    if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      o.remove(List.of("status", "progress", "start", "end", "failure", "statusReason", "completed", "provisioned"));
    }
    return n;
  }

  FuzzClient.Answer call(HttpMethod method, String path, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", admin);
    if (body != null) {
      headers.put("content-type", "application/json");
    }
    return client.send(method, path + (path.contains("?") ? "&" : "?") + VERSION, headers,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  static JsonNode read(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + FuzzClient.abbreviate(text), e);
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("fixture: " + what);
    }
  }
}
