package io.flotilla.domain.export;

import java.util.Map;

/**
 * Where exported messages go: a {@code webhook@v1} destination (the one type Flotilla delivers to) posts each message
 * to {@code url} with the query parameters and headers of its customizations, its authorization header, and the
 * {@code x-flotilla-signature} HMAC-SHA256 of the body keyed by {@code signingSecret}.
 */
public record ExportDestination(String id, String displayName, String type, String url,
                                Map<String, Customization> queryCustomizations,
                                Map<String, Customization> headerCustomizations, Authorization authorization,
                                String signingSecret) {
  public static final String WEBHOOK = "webhook@v1";

  public ExportDestination {
    queryCustomizations = Map.copyOf(queryCustomizations);
    headerCustomizations = Map.copyOf(headerCustomizations);
    authorization = authorization == null ? Authorization.NONE : authorization;
  }

  /** A query parameter or header; a {@code secret} one's value is never shown again. */
  public record Customization(String value, boolean secret) {
  }

  /** {@code none}, or {@code header}: the value of the {@code Authorization} header of every request. */
  public record Authorization(String type, String value) {
    public static final Authorization NONE = new Authorization("none", null);
  }
}
