package io.flotilla.gateway.mqtt;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The CONNECT username, which tells an IoT Hub device session from a DPS registration on the shared listener (P-1).
 */
public sealed interface ConnectUsername {

  /** The identity the MQTT ClientId must equal: the device id or the registration id. */
  String clientId();

  /** Whether a SAS token's {@code sr} (as sent) names this identity. */
  boolean namedBy(SasToken token);

  /**
   * Reads {@code {host}/{deviceId}/?{params}}, {@code {host}/{deviceId}/{moduleId}/?{params}} or
   * {@code {idScope}/registrations/{registrationId}/{params}}.
   *
   * @throws MalformedCredentials for any other shape or an empty segment
   */
  static ConnectUsername parse(String username) {
    if (username == null) {
      throw new MalformedCredentials("no username");
    }
    int query = username.indexOf("/?");
    if (query >= 0) {
      String[] path = username.substring(0, query).split("/", -1);
      if (path.length == 3 && !path[0].isEmpty() && !path[1].isEmpty() && !path[2].isEmpty()) {
        return new ModuleUsername(path[0], path[1], path[2], params(username.substring(query + 2)));
      }
      if (path.length != 2 || path[0].isEmpty() || path[1].isEmpty()) {
        throw new MalformedCredentials("hub username must be {host}/{deviceId}/?... or {host}/{deviceId}/{moduleId}/?...");
      }
      return new HubUsername(path[0], path[1], params(username.substring(query + 2)));
    }
    String[] parts = username.split("/", 4);
    if (parts.length == 4 && parts[1].equals("registrations") && !parts[0].isEmpty() && !parts[2].isEmpty()) {
      return new DpsUsername(parts[0], parts[2], params(parts[3]));
    }
    throw new MalformedCredentials("username is neither {host}/{deviceId}/?... nor {idScope}/registrations/{id}/...");
  }

  /**
   * {@code {host}/{deviceId}/?api-version=...&model-id=...}: parameters in any order, values URL-decoded.
   *
   * @param host as sent, possibly with {@code :port}
   */
  record HubUsername(String host, String deviceId, Map<String, String> params) implements ConnectUsername {

    public HubUsername {
      params = Map.copyOf(params);
    }

    /** The Plug and Play model id announced in {@code model-id}. */
    public Optional<String> modelId() {
      return Optional.ofNullable(params.get("model-id")).filter(s -> !s.isEmpty());
    }

    public Optional<String> apiVersion() {
      return Optional.ofNullable(params.get("api-version"));
    }

    @Override
    public String clientId() {
      return deviceId;
    }

    /** {@code sr} decoded must be {@code {host}/devices/{deviceId}}; host case-insensitive, {@code :port} ignored. */
    @Override
    public boolean namedBy(SasToken token) {
      String[] sr = token.decodedResource().split("/", -1);
      return sr.length == 3 && sameHost(sr[0], host) && sr[1].equals("devices") && sameId(sr[2], deviceId);
    }
  }

  /**
   * {@code {host}/{deviceId}/{moduleId}/?api-version=...}: a module of a device (ClientId {@code {deviceId}/{moduleId}}).
   *
   * @param host as sent, possibly with {@code :port}
   */
  record ModuleUsername(String host, String deviceId, String moduleId, Map<String, String> params)
      implements ConnectUsername {

    public ModuleUsername {
      params = Map.copyOf(params);
    }

    @Override
    public String clientId() {
      return deviceId + "/" + moduleId;
    }

    /** {@code sr} decoded must be {@code {host}/devices/{deviceId}/modules/{moduleId}}; host as for a device. */
    @Override
    public boolean namedBy(SasToken token) {
      String[] sr = token.decodedResource().split("/", -1);
      return sr.length == 5 && sameHost(sr[0], host) && sr[1].equals("devices") && sameId(sr[2], deviceId)
          && sr[3].equals("modules") && sameId(sr[4], moduleId);
    }
  }

  /** {@code {idScope}/registrations/{registrationId}/api-version=...&ClientVersion=...} (no {@code ?}). */
  record DpsUsername(String idScope, String registrationId, Map<String, String> params) implements ConnectUsername {

    public DpsUsername {
      params = Map.copyOf(params);
    }

    @Override
    public String clientId() {
      return registrationId;
    }

    /** {@code sr} decoded must be {@code {idScope}/registrations/{registrationId}}; scope case-insensitive. */
    @Override
    public boolean namedBy(SasToken token) {
      String[] sr = token.decodedResource().split("/", -1);
      return sr.length == 3 && sr[0].equalsIgnoreCase(idScope) && sr[1].equals("registrations")
          && sameId(sr[2], registrationId);
    }
  }

  /** Parameters URL-decoded; a parameter without {@code =} has the empty value. */
  private static Map<String, String> params(String query) {
    Map<String, String> params = new HashMap<>();
    QueryString.decoded(query).forEach((k, v) -> params.put(k, v == null ? "" : v));
    return params;
  }

  /** A segment names the id as sent once decoded, or after decoding it again (Java encodes each segment). */
  private static boolean sameId(String segment, String id) {
    return segment.equals(id) || PercentEncoding.decode(segment).equals(id);
  }

  private static boolean sameHost(String a, String b) {
    return withoutPort(a).equalsIgnoreCase(withoutPort(b));
  }

  private static String withoutPort(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(1, end);
    }
    int colon = h.indexOf(':');
    return colon >= 0 && colon == h.lastIndexOf(':') ? h.substring(0, colon) : h;
  }
}
