package io.flotilla.api.http;

import io.flotilla.domain.common.FlotillaException;
import java.util.List;

/** The supported {@code api-version} values (decision D-a). */
public enum ApiVersion {
  V2022_07_31("2022-07-31"),
  V2022_10_31_PREVIEW("2022-10-31-preview"),
  V2022_05_31("2022-05-31"),
  V1_0("1.0"),
  PREVIEW("preview");

  public static final List<String> SUPPORTED = java.util.Arrays.stream(values()).map(v -> v.text).toList();
  private final String text;

  ApiVersion(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** Default page size: 25 under 2022-10-31-preview, 100 otherwise (D-j). */
  public int defaultPageSize() {
    return this == V2022_10_31_PREVIEW ? 25 : 100;
  }

  /** Fails with a 404 {@code NotFound} naming the bad value, as the real service does. */
  public static ApiVersion parse(String value) {
    for (ApiVersion v : values()) {
      if (v.text.equals(value)) {
        return v;
      }
    }
    String shown = value == null ? "undefined" : value;
    throw new FlotillaException.NotFound("\"" + shown + "\" is not a valid API version. Supported versions: "
        + String.join(", ", SUPPORTED) + ".");
  }
}
