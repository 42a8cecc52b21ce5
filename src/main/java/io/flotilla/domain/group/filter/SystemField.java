package io.flotilla.domain.group.filter;

import java.util.Arrays;
import java.util.Optional;

/** The {@code $}-prefixed device attributes a filter can test. */
public enum SystemField implements Field {
  TEMPLATE("$template", false),
  ID("$id", false),
  DISPLAY_NAME("$displayName", false),
  SIMULATED("$simulated", true),
  PROVISIONED("$provisioned", true),
  ENABLED("$enabled", true);

  private final String text;
  private final boolean flag;

  SystemField(String text, boolean flag) {
    this.text = text;
    this.flag = flag;
  }

  @Override
  public String text() {
    return text;
  }

  /** True for the boolean attributes ($simulated, $provisioned, $enabled); false for the string ones. */
  public boolean isFlag() {
    return flag;
  }

  /** The field named {@code text} (with its {@code $}, compared case-insensitively). */
  public static Optional<SystemField> named(String text) {
    return Arrays.stream(values()).filter(f -> f.text.equalsIgnoreCase(text)).findFirst();
  }
}
