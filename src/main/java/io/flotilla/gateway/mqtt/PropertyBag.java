package io.flotilla.gateway.mqtt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The {@code key=value&...} suffix of telemetry and C2D topics. Keys and values are held decoded; system properties
 * start with {@code $.} (sent as {@code $.} by Java and as {@code %24.} by Node). A key sent without {@code =} has a
 * {@code null} value. Order is kept.
 */
public record PropertyBag(Map<String, String> properties) {

  public static final PropertyBag EMPTY = new PropertyBag(Map.of());

  public static final String MESSAGE_ID = "$.mid";
  public static final String CORRELATION_ID = "$.cid";
  public static final String TO = "$.to";
  public static final String CONTENT_TYPE = "$.ct";
  public static final String CONTENT_ENCODING = "$.ce";
  public static final String CREATION_TIME = "$.ctime";
  public static final String COMPONENT = "$.sub";

  private static final String SYSTEM_PREFIX = "$.";

  public PropertyBag {
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** Reads a bag as it appears in a topic (an empty string gives {@link #EMPTY}). */
  public static PropertyBag parse(String encoded) {
    return new PropertyBag(QueryString.decoded(encoded));
  }

  /** A copy with {@code key} set (appended if new). */
  public PropertyBag with(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(properties);
    copy.put(key, value);
    return new PropertyBag(copy);
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(properties.get(key));
  }

  /** The Plug and Play component ({@code $.sub}); empty for the root component. */
  public Optional<String> componentName() {
    return get(COMPONENT).filter(s -> !s.isEmpty());
  }

  public Optional<String> contentType() {
    return get(CONTENT_TYPE);
  }

  public Optional<String> contentEncoding() {
    return get(CONTENT_ENCODING);
  }

  public Optional<String> messageId() {
    return get(MESSAGE_ID);
  }

  public Optional<String> correlationId() {
    return get(CORRELATION_ID);
  }

  public Optional<String> creationTime() {
    return get(CREATION_TIME);
  }

  /** The {@code $.}-prefixed properties. */
  public Map<String, String> systemProperties() {
    return select(true);
  }

  /** Everything but the system properties. */
  public Map<String, String> applicationProperties() {
    return select(false);
  }

  public boolean isEmpty() {
    return properties.isEmpty();
  }

  /**
   * The bag as a C2D topic suffix that the Java SDK parser reads: system properties first ({@code $.mid}, then
   * {@code $.to}, then the rest), every key and value percent-encoded (so {@code $} becomes {@code %24}), and a missing
   * value written as {@code key=}, never as a bare key.
   *
   * @throws IllegalStateException if the bag has application properties but no system property, which the Java SDK
   *     would silently drop
   */
  public String encodeForDevice() {
    if (properties.isEmpty()) {
      return "";
    }
    Map<String, String> system = systemProperties();
    if (system.isEmpty()) {
      throw new IllegalStateException("a C2D property bag must start with a system property such as $.mid or $.to");
    }
    StringJoiner out = new StringJoiner("&");
    append(out, MESSAGE_ID);
    append(out, TO);
    system.keySet().stream().filter(k -> !k.equals(MESSAGE_ID) && !k.equals(TO)).forEach(k -> append(out, k));
    applicationProperties().keySet().forEach(k -> append(out, k));
    return out.toString();
  }

  private void append(StringJoiner out, String key) {
    if (properties.containsKey(key)) {
      String value = properties.get(key);
      out.add(PercentEncoding.encode(key) + "=" + (value == null ? "" : PercentEncoding.encode(value)));
    }
  }

  private Map<String, String> select(boolean system) {
    Map<String, String> selected = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (k.startsWith(SYSTEM_PREFIX) == system) {
        selected.put(k, v);
      }
    });
    return Collections.unmodifiableMap(selected);
  }
}
