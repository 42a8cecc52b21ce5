package io.flotilla.domain.upload;

import io.flotilla.domain.common.FlotillaException;
import java.util.regex.Pattern;

/**
 * What a device may name a file: an Azure blob name (1 to 1,024 characters) of {@code /}-separated segments, none
 * empty, {@code .} or {@code ..}, without backslashes or control characters, so that it always names a file inside
 * the device's own directory. Container names follow Azure's rule: 3 to 63 lower-case letters, digits and single
 * dashes, starting and ending with a letter or digit.
 */
public final class BlobNames {
  public static final int MAX_LENGTH = 1024;
  private static final int MAX_SEGMENT = 255;
  private static final Pattern CONTAINER = Pattern.compile("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$");

  private BlobNames() {
  }

  /** Fails with {@code Invalid} naming {@code field}. */
  public static String check(String field, String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      throw new FlotillaException.Invalid(field + " must have 1 to " + MAX_LENGTH + " characters.");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.length() > MAX_SEGMENT) {
        throw new FlotillaException.Invalid(field + " \"" + name + "\" has an empty, \".\", \"..\" or over-long "
            + "path segment.");
      }
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' || Character.isISOControl(c)) {
        throw new FlotillaException.Invalid(field + " may not contain backslashes or control characters.");
      }
    }
    return name;
  }

  /** Fails with {@code Invalid} naming {@code container}. */
  public static String container(String name) {
    if (name == null || !CONTAINER.matcher(name).matches()) {
      throw new FlotillaException.Invalid("container must be 3 to 63 lower-case letters, digits and single dashes, "
          + "starting and ending with a letter or digit.");
    }
    return name;
  }
}
