package io.flotilla.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flotilla.api.http.RouteSpec;
import io.flotilla.testing.Tokens;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generates requests from the route table: every route, its method or another, path parameters that name fixture
 * resources, fresh ids or hostile ones, query strings with good and bad {@code api-version}s and paging parameters,
 * every kind of caller, bodies mutated from each operation's seed body, and a few requests bent at the wire level.
 */
final class FuzzCases {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");
  static final List<String> CALLERS = List.of("admin", "operator", "builder", "none", "expired", "revoked",
      "tampered", "otherApplication", "wrongExpiry", "malformed");

  /** How a raw-socket request is bent. */
  enum Raw {
    RAW_BYTES_IN_PATH, RAW_BYTES_IN_QUERY, DUPLICATE_AUTHORIZATION, DUPLICATE_CONTENT_TYPE, DUPLICATE_CONTENT_LENGTH,
    SHORT_CONTENT_LENGTH, HTTP_1_0, BAD_VERSION, LOWERCASE_METHOD, UNKNOWN_METHOD, ABSOLUTE_URI, CHUNKED,
    BAD_CHUNK, NO_HOST, RAW_BYTES_IN_HEADER, FOLDED_HEADER
  }

  private final List<RouteSpec> routes;
  private final FuzzFixture.Callers callers;
  private Arbitrary<Tuple.Tuple2<String, Boolean>> query;
  private Arbitrary<Tuple.Tuple2<String, String>> caller;
  private Arbitrary<List<Map.Entry<String, String>>> headers;

  FuzzCases(List<RouteSpec> routes, FuzzFixture.Callers callers) {
    this.routes = routes;
    this.callers = callers;
  }

  /** Each route's arbitrary, built once (building them per case cost more than sending the case). */
  private final Map<RouteSpec, Arbitrary<FuzzCase>> byRoute = new java.util.HashMap<>();

  Arbitrary<FuzzCase> cases() {
    return Arbitraries.of(routes).flatMap(r -> byRoute.computeIfAbsent(r, this::caseFor));
  }

  private Arbitrary<FuzzCase> caseFor(RouteSpec route) {
    Arbitrary<HttpMethod> method = Arbitraries.frequencyOf(
        Tuple.of(18, Arbitraries.just(route.method())),
        Tuple.of(2, Arbitraries.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.POST,
            HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS)));
    Arbitrary<Raw> raw = Arbitraries.frequencyOf(
        Tuple.of(97, Arbitraries.just((Raw) null)),
        Tuple.of(3, Arbitraries.of(Raw.class)));
    if (query == null) {
      query = query();
      caller = caller();
      headers = headers();
    }
    return Combinators.combine(method, path(route), query, caller, bodyAndType(route), headers, raw)
        .as((m, p, q, c, b, h, r) -> new FuzzCase(route, m, p, q.get1(), q.get2(), c.get1(), c.get2(), b.type(),
            b.bytes(), b.note(), h, r));
  }

  // ---------------------------------------------------------------- paths

  private Arbitrary<String> path(RouteSpec route) {
    Matcher m = PARAM.matcher(route.path());
    List<String> literal = new ArrayList<>();
    List<Arbitrary<String>> params = new ArrayList<>();
    int last = 0;
    while (m.find()) {
      literal.add(route.path().substring(last, m.start()));
      params.add(segment(m.group(1)));
      last = m.end();
    }
    String tail = route.path().substring(last);
    if (params.isEmpty()) {
      return Arbitraries.frequencyOf(
          Tuple.of(12, Arbitraries.just(tail)),
          Tuple.of(1, Arbitraries.of(tail + "/", tail + "//", tail + "/.", tail + "/..", tail + "%2F", tail + ";x=1",
              tail.toUpperCase(java.util.Locale.ROOT), tail + "/" + "a".repeat(200), tail + "/%00")));
    }
    return Combinators.combine(params).as(values -> {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < values.size(); i++) {
        sb.append(literal.get(i)).append(values.get(i));
      }
      return sb.append(tail).toString();
    });
  }

  /** A path segment for parameter {@code name}, on the wire (percent-encoded unless hostile on purpose). */
  private Arbitrary<String> segment(String name) {
    List<String> existing = switch (name) {
      case "deviceId" -> List.of(FuzzFixture.DEVICE, FuzzFixture.DEVICE, FuzzFixture.BARE_DEVICE);
      case "deviceTemplateId" -> List.of(FuzzFixture.encodedTemplate());
      case "componentName" -> List.of("settings");
      case "telemetryName" -> List.of("temperature", "voltage");
      case "commandName" -> List.of("reboot");
      case "deviceGroupId" -> List.of(FuzzFixture.GROUP);
      case "jobId" -> List.of(FuzzFixture.JOB);
      case "rerunId" -> List.of("fz-rerun-1", "fz-rerun-2");
      case "scheduledJobId" -> List.of(FuzzFixture.SCHEDULED_JOB);
      case "enrollmentGroupId" -> List.of(FuzzFixture.ENROLLMENT_GROUP, "SAS-IoT-Devices");
      case "tokenId" -> List.of(FuzzFixture.VICTIM_TOKEN);
      case "roleId" -> List.of(Tokens.ADMINISTRATOR, Tokens.OPERATOR, Tokens.BUILDER);
      case "organizationId" -> List.of("fuzz-org");
      default -> List.of("fz-" + name);
    };
    List<String> fresh = switch (name) {
      case "deviceTemplateId" -> List.of(encode("dtmi:flotilla:fuzz:new;1"), encode("dtmi:flotilla:fuzz:new;2"),
          "dtmi:flotilla:fuzz:raw;1", encode("urn:flotilla:fuzz:legacy"));
      case "deviceId" -> List.of("fz-new-device", "fz.new:device_1", "A", "0");
      case "tokenId" -> List.of("fz-new-token", "fz.new_token");
      default -> List.of("fz-new-" + name.toLowerCase(java.util.Locale.ROOT), "fz-new-2");
    };
    return Arbitraries.frequencyOf(
        Tuple.of(28, Arbitraries.of(existing)),
        Tuple.of(4, Arbitraries.of(fresh)),
        Tuple.of(5, Arbitraries.of(HOSTILE_SEGMENTS)),
        Tuple.of(2, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(24).map(FuzzCases::encode)),
        Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(120).ofMaxLength(6000)));
  }

  /** Already on the wire: traversal, NULs, bad percent-encodings, invalid UTF-8, very long, unicode. */
  static final List<String> HOSTILE_SEGMENTS = List.of(
      "..", ".", "%2e%2e", "%2E", "..%2f..%2fetc%2fpasswd", "../../../../etc/passwd", "..%5c..%5cwindows",
      "%2F", "a%2Fb", "a/b", "%00", "a%00b", "%", "%%", "%zz", "%4", "%C3%28", "%FF", "%FE%FF", "%E2%82", "%ED%A0%80",
      "%F4%90%80%80", "%C0%AE%C0%AE", "%C0%80", "%EF%BF%BF", "%0D%0AX-Injected:%201", "%09", "%20", "+", "a+b",
      ";", "a;b=c", "%3B", "*", "$", "%24skiptoken", "~", "-", "_", "'", "%27%20OR%20%271%27%3D%271",
      "%27%3B%20DROP%20TABLE%20devices%3B--", "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D", "%3Cscript%3E", "%5C", "CON", "nul",
      "FZ-DEV-1", "fz-dev-1%20", "fz-dev-1.", "fz-dev-1%2F..", "fz-dev-1%23frag", "dtmi:flotilla:fuzz:truck;1",
      "dtmi%3Aflotilla%3Afuzz%3Atruck%3B1", "dtmi:flotilla:fuzz:truck%3B0", "dtmi:a", "dtmi:" + "a".repeat(2100),
      "a".repeat(129), "a".repeat(256), "a".repeat(3000), "a".repeat(5000), "a".repeat(70_000),
      encode("東京"), encode("🚀"), encode("e\u0301"), encode("\u202Eevil"), encode("\uFEFFbom"), encode("\u0000"),
      encode("ǅ"), encode("İ"), encode("ß"), "%F0%9F%9A%80", "%E6%9D%B1%E4%BA%AC", "0", "-1", "99999999999999999999",
      "null", "undefined", "true", "%7B%7D", "[]", "%5B%5D", "ca310b8d-2f4a-44e0-a36e-957c202cd8d4",
      "CA310B8D-2F4A-44E0-A36E-957C202CD8D4", "00000000-0000-0000-0000-000000000000");

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
  }

  // ---------------------------------------------------------------- queries

  private static final List<String> VERSIONS = List.of("2022-07-31", "2022-10-31-preview", "2022-05-31", "1.0",
      "preview");

  /** The query string and whether it carries a valid api-version. */
  private Arbitrary<Tuple.Tuple2<String, Boolean>> query() {
    Arbitrary<Tuple.Tuple2<String, Boolean>> version = Arbitraries.frequencyOf(
        Tuple.of(30, Arbitraries.just(Tuple.of("api-version=2022-07-31", true))),
        Tuple.of(2, Arbitraries.of(VERSIONS).map(v -> Tuple.of("api-version=" + v, true))),
        Tuple.of(1, Arbitraries.just(Tuple.of("", false))),
        Tuple.of(2, Arbitraries.of("api-version=", "api-version", "api-version=2099-01-01", "api-version=2022-07-31%00",
            "api-version=2022-07-31%20", "API-VERSION=2022-07-31", "api-version=%zz", "api-version=%FF",
            "api-version=" + "9".repeat(5000), "api_version=2022-07-31", "api-version=2022-07-31x",
            "api-version=%E2%80%8B2022-07-31").map(v -> Tuple.of(v, false))));
    Arbitrary<String> extra = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("maxpagesize=1", "maxpagesize=100", "maxpagesize=0", "maxpagesize=-1",
            "maxpagesize=101", "maxpagesize=abc", "maxpagesize=", "maxpagesize=1e3", "maxpagesize=9999999999",
            "maxpagesize=%00", "maxpagesize=1.5", "maxpagesize=%2B5", "$top=2", "$top=-5", "%24top=3",
            "maxpagesize=2&maxpagesize=3")),
        Tuple.of(3, Arbitraries.of("$skiptoken=", "$skiptoken=abc", "$skiptoken=%00", "$skiptoken=" + "A".repeat(3000),
            "$skiptoken=" + skiptoken("fz-dev-1"), "$skiptoken=" + skiptoken("zzzz"), "$skiptoken=" + skiptoken(""),
            "$skiptoken=" + skiptoken("\u0000"), "$skiptoken=" + skiptoken("9223372036854775807"),
            "$skiptoken=" + skiptoken("-1"), "$skiptoken=" + skiptoken("x".repeat(5000)),
            "$skiptoken=" + skiptoken("fz-job:1"), "$skiptoken=%FF%FE", "$skiptoken=a%2Bb%2F%3D")),
        Tuple.of(2, Arbitraries.of("dryRun=true", "dryRun=false", "dryRun=TRUE", "dryRun=", "dryRun=1",
            "format=csv", "format=CSV", "format=xml", "format=")),
        Tuple.of(2, Arbitraries.of("resourceKind=devices", "resourceKind=", "resourceKind=%00", "tokenId=fz-admin",
            "tokenId=" + "t".repeat(300), "resourceId=fz-dev-1", "filter=" + encode("SELECT * FROM devices"))),
        Tuple.of(2, Arbitraries.of("filter=" + encode("id eq 'fz-dev-1'"), "filter=" + encode("enabled eq true or "
            + "contains(displayName, '%')"), "filter=" + encode("(((id eq 'a'"), "filter=" + encode("@id eq 'x'"),
            "%24filter=" + encode("displayName ge ''"), "filter=", "orderby=displayName", "orderby="
            + encode("displayName desc"), "orderby=" + encode("id desc"), "orderby=colour", "expand=deploymentManifest",
            "expand=x%2Cy", "unmodeled=true", "unmodeled=false", "unmodeled=1")),
        Tuple.of(2, Arbitraries.of("&&", "=", "==", "a==b", "%zz=1", "a=%FF", "a=%C3%28", "%00=%00", "a=" + "b".repeat(3000),
            "x=" + encode("東京🚀"), "&", "a&a&a", "%26=%3D", "a[b]=c", "__proto__=1")),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30).map(s -> encode(s) + "=" + encode(s))));
    // Most cases carry no extra parameter, so that the parameter check (an undeclared one is a 400) leaves enough
    // requests to reach the operations themselves.
    Arbitrary<List<String>> extraLists = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<String>of())),
        Tuple.of(2, extra.list().ofMinSize(1).ofMaxSize(3)));
    return Combinators.combine(version, extraLists, Arbitraries.integers().between(0, 3))
        .as((v, extras, position) -> {
          List<String> parts = new ArrayList<>(extras);
          if (!v.get1().isEmpty()) {
            parts.add(Math.min(position, parts.size()), v.get1());
          }
          // The server reads the first api-version parameter (names are not case-sensitive).
          boolean valid = parts.stream().map(p -> p.split("=", 2))
              .filter(kv -> kv[0].equalsIgnoreCase("api-version")).findFirst()
              .map(kv -> kv.length == 2 && VERSIONS.contains(kv[1])).orElse(false);
          return Tuple.of(String.join("&", parts), valid);
        });
  }

  /** A {@code $skiptoken} the server would accept (check and canonical form), over any key. */
  static String skiptoken(String key) {
    return URLEncoder.encode(io.flotilla.api.http.Paging.encode(key), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- callers

  private Arbitrary<Tuple.Tuple2<String, String>> caller() {
    return Arbitraries.frequencyOf(
        Tuple.of(40, Arbitraries.just(Tuple.of("admin", callers.admin()))),
        Tuple.of(3, Arbitraries.just(Tuple.of("operator", callers.operator()))),
        Tuple.of(3, Arbitraries.just(Tuple.of("builder", callers.builder()))),
        Tuple.of(1, Arbitraries.just(Tuple.of("none", (String) null))),
        Tuple.of(1, Arbitraries.just(Tuple.of("expired", callers.expired()))),
        Tuple.of(1, Arbitraries.just(Tuple.of("revoked", callers.revoked()))),
        Tuple.of(1, Arbitraries.just(Tuple.of("tampered", callers.tampered()))),
        Tuple.of(1, Arbitraries.just(Tuple.of("otherApplication", callers.otherApplication()))),
        Tuple.of(1, Arbitraries.just(Tuple.of("wrongExpiry", callers.wrongExpiry()))),
        Tuple.of(2, malformedToken().map(t -> Tuple.of("malformed", t))));
  }

  private Arbitrary<String> malformedToken() {
    String admin = callers.admin();
    return Arbitraries.oneOf(
        Arbitraries.of("", " ", "SharedAccessSignature", "SharedAccessSignature ", "SharedAccessSignature &&&",
            "SharedAccessSignature sr=&sig=&skn=&se=", "SharedAccessSignature sr=a&sig=b&skn=c&se=d",
            "SharedAccessSignature skn=fz-admin", "sharedaccesssignature " + admin.substring(22),
            "Bearer " + admin, "Basic YWRtaW46YWRtaW4=", admin + "&skn=fz-operator", admin + "&se=1",
            admin.replace("skn=fz-admin", "skn=fz-operator"), admin.replace("skn=fz-admin", "skn=fz-revoked"),
            admin.replace("skn=fz-admin", "skn=" + "x".repeat(300)), admin.replace("skn=fz-admin", "skn=%zz"),
            admin.replace("skn=fz-admin", "skn=%00"), admin.replace("sig=", "sig=%"), admin + "%",
            admin.replace("se=", "se=-"), admin.replace("se=", "se=99999999999999999999"),
            admin.substring(0, admin.length() - 3), "SharedAccessSignature " + "sig=".repeat(2000),
            "SharedAccessSignature sr=%E2%82&sig=%C3%28&skn=%FF&se=0"),
        Arbitraries.strings().all().ofMaxLength(60).map(s -> "SharedAccessSignature " + headerSafe(s)),
        Arbitraries.strings().ascii().ofMaxLength(40).map(FuzzCases::headerSafe));
  }

  /** A header value a client can send at all: no control characters (a raw-socket case sends the rest). */
  static String headerSafe(String s) {
    return s.replaceAll("[\\p{Cntrl}]", "").trim();
  }

  // ---------------------------------------------------------------- headers

  private Arbitrary<List<Map.Entry<String, String>>> headers() {
    return Arbitraries.frequencyOf(
        Tuple.of(20, Arbitraries.just(List.<Map.Entry<String, String>>of())),
        Tuple.of(2, Arbitraries.of(
            List.of(Map.entry("Accept", "text/csv")), List.of(Map.entry("Accept", "application/xml")),
            List.of(Map.entry("If-Match", "\"nope\"")), List.of(Map.entry("Accept-Encoding", "gzip, deflate, br")),
            List.of(Map.entry("Content-Encoding", "gzip")), List.of(Map.entry("Expect", "100-continue")),
            List.of(Map.entry("X-HTTP-Method-Override", "DELETE")), List.of(Map.entry("Accept-Charset", "latin1")),
            List.of(Map.entry("X-Forwarded-For", "1.2.3.4")), List.of(Map.entry("x-ms-client-request-id", "a".repeat(5000))),
            List.of(Map.entry("Cookie", "a=b")), List.of(Map.entry("Range", "bytes=0-1")),
            List.of(Map.entry("X-Big", "v".repeat(9000))))));
  }

  // ---------------------------------------------------------------- bodies

  /** A body, its content type and how it was made. */
  record Body(byte[] bytes, String type, String note) {
  }

  private Arbitrary<Body> bodyAndType(RouteSpec route) {
    boolean takesBody = route.method() == HttpMethod.PUT || route.method() == HttpMethod.PATCH
        || route.method() == HttpMethod.POST;
    String json = route.method() == HttpMethod.PATCH ? "application/merge-patch+json" : "application/json";
    Arbitrary<String> type = Arbitraries.frequencyOf(
        Tuple.of(18, Arbitraries.just(json)),
        Tuple.of(1, Arbitraries.of("application/json; charset=utf-8", "APPLICATION/JSON", "application/json;",
            "application/merge-patch+json", "application/json-patch+json")),
        Tuple.of(1, Arbitraries.just((String) null)),
        Tuple.of(2, Arbitraries.of("text/plain", "application/xml", "*/*", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz", "application/json; charset=latin1", "applicationjson", ";", "",
            "application/octet-stream", "text/json")));
    ObjectNode seed = FuzzBodies.seed(route.operationId()).orElse(null);
    if (!takesBody || seed == null) {
      // Reads and deletes: usually no body, sometimes one anyway.
      return Arbitraries.frequencyOf(
          Tuple.of(15, Arbitraries.just(new Body(null, null, "none"))),
          Tuple.of(1, Combinators.combine(type, rawValueText()).as((t, v) ->
              new Body(v.getBytes(StandardCharsets.UTF_8), t, "unexpected"))));
    }
    return Combinators.combine(type, treeMutations().list().ofMaxSize(3), textMutation())
        .as((t, tree, text) -> mutate(seed, t, tree, text));
  }

  /** One change of the body's JSON tree. */
  record TreeMutation(Kind kind, int selector, JsonNode value, String name) {
    enum Kind { REMOVE, ADD, RETYPE, ETAG, CLEAR_ARRAY }

    @Override
    public String toString() {
      String v = value == null ? "" : FuzzClient.abbreviate(value.toString());
      return kind + "@" + selector + (name == null ? "" : " " + FuzzClient.abbreviate(name)) + (v.isEmpty() ? "" : "=" + v);
    }
  }

  /** One change of the body's text or bytes. */
  record TextMutation(Kind kind, int selector, String text) {
    enum Kind { NONE, DUPLICATE_KEY_FIRST, DUPLICATE_KEY_LAST, INVALID_UTF8, TRUNCATE, TRAILING, BOM, CONTROL_CHAR,
      ESCAPE, REPLACE_WHOLE, PLACEHOLDER }

    @Override
    public String toString() {
      return kind + "@" + selector + (text == null ? "" : " " + FuzzClient.abbreviate(text));
    }
  }

  private Arbitrary<TreeMutation> treeMutations() {
    Arbitrary<Integer> selector = Arbitraries.integers().between(0, 1000);
    return Arbitraries.frequencyOf(
        Tuple.of(3, selector.map(s -> new TreeMutation(TreeMutation.Kind.REMOVE, s, null, null))),
        Tuple.of(3, Combinators.combine(selector, hostileValue(), fieldName())
            .as((s, v, n) -> new TreeMutation(TreeMutation.Kind.ADD, s, v, n))),
        Tuple.of(6, Combinators.combine(selector, hostileValue())
            .as((s, v) -> new TreeMutation(TreeMutation.Kind.RETYPE, s, v, null))),
        Tuple.of(1, Arbitraries.of("\"nope\"", "", "W/\"x\"", "*").map(e ->
            new TreeMutation(TreeMutation.Kind.ETAG, 0, TextNode.valueOf(e), null))),
        Tuple.of(1, selector.map(s -> new TreeMutation(TreeMutation.Kind.CLEAR_ARRAY, s, null, null))));
  }

  private Arbitrary<TextMutation> textMutation() {
    Arbitrary<Integer> selector = Arbitraries.integers().between(0, 100_000);
    return Arbitraries.frequencyOf(
        Tuple.of(40, Arbitraries.just(new TextMutation(TextMutation.Kind.NONE, 0, null))),
        Tuple.of(2, Combinators.combine(selector, rawValueText()).as((s, v) ->
            new TextMutation(TextMutation.Kind.DUPLICATE_KEY_FIRST, s, v))),
        Tuple.of(2, Combinators.combine(selector, rawValueText()).as((s, v) ->
            new TextMutation(TextMutation.Kind.DUPLICATE_KEY_LAST, s, v))),
        Tuple.of(3, Combinators.combine(selector, Arbitraries.of("\u00FF", "\u00C3(", "\u0080", "\u00ED\u00A0\u0080",
            "\u00F5\u0080\u0080\u0080", "\u00C0\u00AE", "\u00E2\u0082", "\u00FE\u00FF")).as((s, b) ->
            new TextMutation(TextMutation.Kind.INVALID_UTF8, s, b))),
        Tuple.of(1, selector.map(s -> new TextMutation(TextMutation.Kind.TRUNCATE, s, null))),
        Tuple.of(1, Arbitraries.of("}", " x", ",", "{}", "\u0000", "]", "\n\n", "/* c */", "//c").map(t ->
            new TextMutation(TextMutation.Kind.TRAILING, 0, t))),
        Tuple.of(1, Arbitraries.just(new TextMutation(TextMutation.Kind.BOM, 0, null))),
        Tuple.of(1, Combinators.combine(selector, Arbitraries.of("\u0001", "\u0000", "\t", "\n", "\u001F", "\u007F"))
            .as((s, c) -> new TextMutation(TextMutation.Kind.CONTROL_CHAR, s, c))),
        Tuple.of(2, Combinators.combine(selector, Arbitraries.of("\\u0000", "\\ud800", "\\udfff\\ud800", "\\x41",
            "\\", "\\u12", "\\uD83D\\uDE80", "\\/", "\\'")).as((s, e) -> new TextMutation(TextMutation.Kind.ESCAPE, s, e))),
        Tuple.of(3, rawValueText().map(v -> new TextMutation(TextMutation.Kind.REPLACE_WHOLE, 0, v))));
  }

  private static Arbitrary<String> fieldName() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("extra", "__proto__", "constructor", "$type", "@id", "@type", "id", "etag", "",
            "\u0000", "displayName", "template", "simulated", "provisioned", "enabled", "roles", "expiry", "token",
            "secretHash", "$metadata", "$version", "data", "group", "schedule", "attestation", "organizations",
            "TargetTemperature", "CustomerName", "serialNumber", "settings", "fanSpeed", "request", "status",
            "progress", "completed", "scheduledJobId", "type", "filter", "description", "n".repeat(5000))),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(16)));
  }

  /** JSON values a field should not hold (or should, at a limit). */
  static Arbitrary<JsonNode> hostileValue() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("", " ", "x", "null", "true", "0", "2099-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z", "2020-02-30T00:00:00Z", "PT1H", "P-1D", "PT99999999999H", "SELECT * FROM devices",
            "SELECT * FROM devices WHERE", "dtmi:flotilla:fuzz:truck;1", "dtmi:x;0", "fz-empty", "fz-dev-1",
            "ca310b8d-2f4a-44e0-a36e-957c202cd8d4", "symmetricKey", "x509", "tpm", "command", "property",
            "cloudProperty", "templateMigration", "number", "percentage", "daily", "date", "occurrences", "iot",
            "iotEdge", "\u0000", "a\u0000b", "\uFEFF", "\u202E", "🚀", "東京", "e\u0301", "\uD800", "\uDFFF\uD800",
            "<script>alert(1)</script>", "'; DROP TABLE devices; --", "${jndi:ldap://x}", "../../etc/passwd",
            "%00", "\\", "\"", "AAAA", "AA==", "=", "Zm9v", "fuzz-org", "-org", "ORG", "a".repeat(49))
            .map(s -> (JsonNode) TextNode.valueOf(s))),
        Tuple.of(2, Arbitraries.of(1001, 4001, 20_001, 131_073, 400_000).map(n -> (JsonNode) TextNode.valueOf(
            "x".repeat(n)))),
        Tuple.of(3, Arbitraries.of(NODES.numberNode(0), NODES.numberNode(-1), NODES.numberNode(1), NODES.numberNode(1.5),
            NODES.numberNode(-0.0), NODES.numberNode(2147483648L), NODES.numberNode(Long.MAX_VALUE),
            NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(new BigInteger("1" + "0".repeat(40))),
            NODES.numberNode(new BigDecimal("1e400")), NODES.numberNode(new BigDecimal("-1e400")),
            NODES.numberNode(new BigDecimal("1e-400")), NODES.numberNode(1e308), NODES.numberNode(-1e308),
            NODES.numberNode(4.9e-324), NODES.numberNode(999), NODES.numberNode(1000), NODES.numberNode(31),
            NODES.numberNode(30), NODES.numberNode(101), NODES.numberNode(5))
            .map(n -> (JsonNode) n)),
        Tuple.of(1, Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b))),
        Tuple.of(1, Arbitraries.just((JsonNode) NODES.nullNode())),
        Tuple.of(2, Arbitraries.of("[]", "[1,\"a\",null]", "[[[]]]", "[{}]", "[\"fuzz-org\",\"other-org\"]",
            "{}", "{\"a\":{\"b\":{}}}", "{\"\":\"\"}", "{\"type\":\"symmetricKey\"}", "{\"role\":\"x\"}",
            "[{\"role\":\"ca310b8d-2f4a-44e0-a36e-957c202cd8d4\",\"organization\":\"" + "o".repeat(60) + "\"}]",
            "{\"type\":\"date\",\"date\":\"2099-13-45\"}", "{\"type\":\"number\",\"value\":-5}",
            "{\"primaryKey\":\"AA==\"}").map(FuzzBodies::obj2)),
        Tuple.of(1, Arbitraries.of(10, 40, 63, 64).map(FuzzCases::nested)),
        Tuple.of(1, Arbitraries.of(1000, 60_000).map(n -> {
          ArrayNode a = NODES.arrayNode();
          for (int i = 0; i < n; i++) {
            a.add(i);
          }
          return (JsonNode) a;
        })),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40).map(s -> (JsonNode) TextNode.valueOf(s))));
  }

  private static JsonNode nested(int depth) {
    JsonNode n = NODES.numberNode(1);
    for (int i = 0; i < depth; i++) {
      n = (i % 2 == 0) ? NODES.arrayNode().add(n) : NODES.objectNode().set("a", n);
    }
    return n;
  }

  /** JSON-ish text no tree can hold: deep nesting, numbers out of every range, broken literals, huge documents. */
  static Arbitrary<String> rawValueText() {
    return Arbitraries.oneOf(
        Arbitraries.of(65, 200, 5000, 200_000).map(d -> "[".repeat(d) + "]".repeat(d)),
        Arbitraries.of(65, 3000).map(d -> "{\"a\":".repeat(d) + "1" + "}".repeat(d)),
        Arbitraries.of(100_000).map(d -> "[".repeat(d)),
        Arbitraries.of("1e99999", "-1e99999", "1e-99999", "123456789012345678901234567890123456789", "-0", "NaN",
            "Infinity", "-Infinity", "01", "1.", ".5", "+1", "0x10", "1e", "1e+", "--1", "1_000"),
        Arbitraries.of("true", "false", "null", "nul", "tru", "\"\\ud800\"", "\"\\u0000\"", "\"\\x41\"", "'single'",
            "\"a\" \"b\"", "\"unterminated", "[1,]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "{,}", "[", "]", "{", "}", "",
            " ", "\n", "\"\"", "[]", "{}", "0", "\"string\""),
        Arbitraries.of(1_100_000, 2_000_000).map(n -> "\"" + "x".repeat(n) + "\""),
        Arbitraries.of(100_000).map(n -> "[" + "1,".repeat(n) + "1]"),
        Arbitraries.of(20_000).map(n -> {
          StringBuilder sb = new StringBuilder("{");
          for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
          }
          return sb.append('}').toString();
        }));
  }

  private static Body mutate(ObjectNode seed, String type, List<TreeMutation> tree, TextMutation text) {
    ObjectNode body = seed.deepCopy();
    for (TreeMutation m : tree) {
      apply(body, m);
    }
    sanitize(body);
    String json = body.toString();
    byte[] bytes;
    switch (text.kind()) {
      case NONE -> bytes = utf8(json);
      case DUPLICATE_KEY_FIRST, DUPLICATE_KEY_LAST -> {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() ? "dup" : names.get(text.selector() % names.size());
        String pair = FuzzFixture.JSON.valueToTree(name).toString() + ":" + text.text();
        String dup = text.kind() == TextMutation.Kind.DUPLICATE_KEY_FIRST
            ? "{" + pair + (body.isEmpty() ? "" : ",") + json.substring(1)
            : json.substring(0, json.length() - 1) + (body.isEmpty() ? "" : ",") + pair + "}";
        bytes = utf8(dup);
      }
      case INVALID_UTF8 -> bytes = insertAfterQuote(utf8(json), text.selector(),
          text.text().getBytes(StandardCharsets.ISO_8859_1));
      case TRUNCATE -> {
        byte[] all = utf8(json);
        bytes = java.util.Arrays.copyOf(all, all.length == 0 ? 0 : text.selector() % all.length);
      }
      case TRAILING -> bytes = utf8(json + text.text());
      case BOM -> bytes = utf8("\uFEFF" + json);
      case CONTROL_CHAR, ESCAPE -> bytes = insertAfterQuote(utf8(json), text.selector(), utf8(text.text()));
      case REPLACE_WHOLE -> bytes = utf8(text.text());
      default -> throw new IllegalStateException(text.kind().toString());
    }
    return new Body(bytes, type, "seed " + tree + " " + text);
  }

  /** Keeps the run free of what would make it slow or move by itself: no simulated devices, no waits for a device. */
  private static void sanitize(JsonNode n) {
    if (n instanceof ObjectNode o) {
      if (o.path("simulated").asBoolean(false) && o.get("simulated").isBoolean()) {
        o.put("simulated", false);
      }
      JsonNode ct = o.get("connectionTimeout");
      if (ct != null && ct.isIntegralNumber() && ct.canConvertToInt() && ct.asInt() > 0 && ct.asInt() <= 30) {
        o.put("connectionTimeout", 0);
      }
      o.elements().forEachRemaining(FuzzCases::sanitize);
    } else if (n instanceof ArrayNode a) {
      a.elements().forEachRemaining(FuzzCases::sanitize);
    }
  }

  private static void apply(ObjectNode root, TreeMutation m) {
    List<ObjectNode> objects = new ArrayList<>();
    List<Map.Entry<ObjectNode, String>> fields = new ArrayList<>();
    collect(root, objects, fields);
    switch (m.kind()) {
      case REMOVE -> {
        if (!fields.isEmpty()) {
          var f = fields.get(m.selector() % fields.size());
          f.getKey().remove(f.getValue());
        }
      }
      case ADD -> objects.get(m.selector() % objects.size()).set(m.name(), m.value());
      case RETYPE -> {
        if (!fields.isEmpty()) {
          var f = fields.get(m.selector() % fields.size());
          f.getKey().set(f.getValue(), m.value());
        }
      }
      case ETAG -> root.set("etag", m.value());
      case CLEAR_ARRAY -> {
        for (var f : fields) {
          if (f.getKey().get(f.getValue()).isArray()) {
            ((ArrayNode) f.getKey().get(f.getValue())).removeAll();
            break;
          }
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  private static void collect(JsonNode n, List<ObjectNode> objects, List<Map.Entry<ObjectNode, String>> fields) {
    if (n instanceof ObjectNode o) {
      objects.add(o);
      Iterator<String> names = o.fieldNames();
      List<String> copy = new ArrayList<>();
      names.forEachRemaining(copy::add);
      for (String name : copy) {
        fields.add(Map.entry(o, name));
        collect(o.get(name), objects, fields);
      }
    } else if (n instanceof ArrayNode a) {
      a.forEach(e -> collect(e, objects, fields));
    }
  }

  private static byte[] insertAfterQuote(byte[] json, int selector, byte[] insert) {
    List<Integer> quotes = new ArrayList<>();
    for (int i = 0; i < json.length; i++) {
      if (json[i] == '"') {
        quotes.add(i);
      }
    }
    int at = quotes.isEmpty() ? 0 : quotes.get(selector % quotes.size()) + 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(json, 0, at);
    out.write(insert, 0, insert.length);
    out.write(json, at, json.length - at);
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- raw wire forms

  /** The case as bytes on a raw socket, bent as {@code raw} says; the connection closes after it. */
  static byte[] rawRequest(FuzzCase c, int port) {
    String method = switch (c.raw()) {
      case LOWERCASE_METHOD -> c.method().name().toLowerCase(java.util.Locale.ROOT);
      case UNKNOWN_METHOD -> "PROPFIND";
      default -> c.method().name();
    };
    String version = switch (c.raw()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case BAD_VERSION -> "HTTP/1.2";
      default -> "HTTP/1.1";
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] target = utf8(c.uri());
    if (c.raw() == Raw.ABSOLUTE_URI) {
      target = utf8("http://127.0.0.1:" + port + c.uri());
    } else if (c.raw() == Raw.RAW_BYTES_IN_PATH || c.raw() == Raw.RAW_BYTES_IN_QUERY) {
      String uri = c.raw() == Raw.RAW_BYTES_IN_PATH ? c.path() + "\u00FF\u00C3(" + (c.query().isEmpty() ? ""
          : "?" + c.query()) : c.uri() + (c.query().isEmpty() ? "?" : "&") + "x=\u00FF\u00ED\u00A0\u0080";
      target = uri.getBytes(StandardCharsets.ISO_8859_1);
    }
    write(out, utf8(method + " "));
    write(out, target);
    write(out, utf8(" " + version + "\r\n"));
    if (c.raw() != Raw.NO_HOST) {
      header(out, "Host", "127.0.0.1:" + port);
    }
    if (c.authorization() != null) {
      if (c.raw() == Raw.RAW_BYTES_IN_HEADER) {
        write(out, utf8("Authorization: "));
        write(out, (c.authorization() + "\u00FF\u00FE").getBytes(StandardCharsets.ISO_8859_1));
        write(out, utf8("\r\n"));
      } else if (c.raw() == Raw.FOLDED_HEADER) {
        int half = c.authorization().length() / 2;
        header(out, "Authorization", c.authorization().substring(0, half) + "\r\n " + c.authorization().substring(half));
      } else {
        header(out, "Authorization", c.authorization());
      }
      if (c.raw() == Raw.DUPLICATE_AUTHORIZATION) {
        header(out, "Authorization", "SharedAccessSignature sr=x&sig=y&skn=fz-operator&se=1");
      }
    }
    if (c.contentType() != null) {
      header(out, "Content-Type", c.contentType());
      if (c.raw() == Raw.DUPLICATE_CONTENT_TYPE) {
        header(out, "Content-Type", "text/plain");
      }
    }
    for (var h : c.headers()) {
      header(out, h.getKey(), h.getValue());
    }
    header(out, "Connection", "close");
    byte[] body = c.body() == null ? new byte[0] : c.body();
    switch (c.raw()) {
      case CHUNKED -> {
        header(out, "Transfer-Encoding", "chunked");
        write(out, utf8("\r\n"));
        if (body.length > 0) {
          write(out, utf8(Integer.toHexString(body.length) + "\r\n"));
          write(out, body);
          write(out, utf8("\r\n"));
        }
        write(out, utf8("0\r\n\r\n"));
        return out.toByteArray();
      }
      case BAD_CHUNK -> {
        header(out, "Transfer-Encoding", "chunked");
        write(out, utf8("\r\nzz\r\n"));
        write(out, body);
        write(out, utf8("\r\n0\r\n\r\n"));
        return out.toByteArray();
      }
      case DUPLICATE_CONTENT_LENGTH -> {
        header(out, "Content-Length", Integer.toString(body.length));
        header(out, "Content-Length", Integer.toString(body.length + 1));
      }
      case SHORT_CONTENT_LENGTH -> header(out, "Content-Length", Integer.toString(body.length / 2));
      default -> header(out, "Content-Length", Integer.toString(body.length));
    }
    write(out, utf8("\r\n"));
    write(out, body);
    return out.toByteArray();
  }

  private static void header(ByteArrayOutputStream out, String name, String value) {
    write(out, utf8(name + ": " + value + "\r\n"));
  }

  private static void write(ByteArrayOutputStream out, byte[] bytes) {
    out.write(bytes, 0, bytes.length);
  }

  static String base64(int bytes) {
    return Base64.getEncoder().encodeToString(new byte[bytes]);
  }
}
