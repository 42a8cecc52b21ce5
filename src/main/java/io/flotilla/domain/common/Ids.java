package io.flotilla.domain.common;

import java.util.regex.Pattern;

/** The documented id patterns and lengths; a bad id is a 400. */
public final class Ids {
  private static final Pattern JOB_LIKE = Pattern.compile("^[a-zA-Z0-9_-]+$");
  private static final Pattern ENROLLMENT = Pattern.compile("^[a-zA-Z0-9-]+$");
  private static final Pattern DEVICE = Pattern.compile("^[a-zA-Z0-9\\-._:]+$");
  private static final Pattern TOKEN = Pattern.compile("^[a-zA-Z0-9_.\\-]+$");
  private static final Pattern DTMI = Pattern.compile(
      "^dtmi:[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?(?::[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?)*(?:;[1-9][0-9]{0,8})?$");
  private static final Pattern URN = Pattern.compile("^urn:[A-Za-z0-9][A-Za-z0-9_.:\\-]*$");

  private Ids() {
  }

  public static String deviceId(String id) {
    return check("device id", id, DEVICE, 128,
        "letters, digits, '-', '.', '_' and ':' only");
  }

  /** Job, scheduled job and device group ids: {@code ^[a-zA-Z0-9_-]*$}, at most 255 characters. */
  public static String groupOrJobId(String kind, String id) {
    return check(kind, id, JOB_LIKE, 255, "letters, digits, '_' and '-' only");
  }

  /** Device relationship ids: {@code ^[a-zA-Z0-9_-]*$}, at most 255 characters (IoT Central uses GUIDs). */
  public static String relationshipId(String id) {
    return check("relationship id", id, JOB_LIKE, 255, "letters, digits, '_' and '-' only");
  }

  public static String enrollmentGroupId(String id) {
    return check("enrollment group id", id, ENROLLMENT, 255, "letters, digits and '-' only");
  }

  public static String tokenId(String id) {
    return check("API token id", id, TOKEN, 255, "letters, digits, '.', '_' and '-' only");
  }

  /** A DTMI (versioned or legacy unversioned) or a legacy {@code urn:} template id, at most 2048 characters. */
  public static String templateId(String id) {
    if (id == null || id.isEmpty() || id.length() > 2048
        || !(DTMI.matcher(id).matches() || URN.matcher(id).matches())) {
      throw new FlotillaException.Invalid("Invalid device template id \"" + abbreviate(id)
          + "\": expected a DTMI such as dtmi:contoso:thermostat;1 (at most 2048 characters).");
    }
    return id;
  }

  private static String check(String kind, String id, Pattern pattern, int max, String rule) {
    if (id == null || id.isEmpty() || id.length() > max || !pattern.matcher(id).matches()) {
      throw new FlotillaException.Invalid("Invalid " + kind + " \"" + abbreviate(id) + "\": " + rule
          + ", 1 to " + max + " characters.");
    }
    return id;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
