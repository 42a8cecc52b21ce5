package io.flotilla.domain.common;

import java.util.Locale;

/**
 * The order of a list page: by id (the default) or by display name with the id breaking ties, ascending or
 * descending. Keyset positions of a display-name order carry both values ({@link #key}, {@link #position}).
 */
public record ListOrder(By by, boolean descending) {
  public enum By { ID, DISPLAY_NAME }

  public static final ListOrder BY_ID = new ListOrder(By.ID, false);

  /**
   * Parses {@code orderby}: {@code displayName} or {@code idField}, optionally followed by {@code asc} or
   * {@code desc}. Anything else fails with {@code Invalid} naming the accepted forms.
   */
  public static ListOrder parse(String text, String idField) {
    if (text == null) {
      return BY_ID;
    }
    String[] words = text.trim().split("\\s+");
    String field = words[0];
    By by = field.equals("displayName") ? By.DISPLAY_NAME : field.equals(idField) ? By.ID : null;
    boolean desc = false;
    boolean ok = by != null && words.length <= 2;
    if (ok && words.length == 2) {
      String dir = words[1].toLowerCase(Locale.ROOT);
      ok = dir.equals("asc") || dir.equals("desc");
      desc = dir.equals("desc");
    }
    if (!ok) {
      throw new FlotillaException.Invalid("Invalid orderby \"" + text + "\": expected displayName or " + idField
          + ", optionally followed by asc or desc.");
    }
    return new ListOrder(by, desc);
  }

  /** Where a page starts: after this display name and id (display name null when ordering by id). */
  public record Position(String displayName, String id) {
  }

  /** The keyset key of an item in this order. */
  public String key(String id, String displayName) {
    if (by == By.ID) {
      return id;
    }
    String name = displayName == null ? "" : displayName;
    return name.length() + ":" + name + id;
  }

  /** The position a {@link #key} names; a key of another shape fails with {@code Invalid}. */
  public Position position(String key) {
    if (by == By.ID) {
      return new Position(null, key);
    }
    int colon = key.indexOf(':');
    try {
      int length = Integer.parseInt(key.substring(0, colon));
      String name = key.substring(colon + 1, colon + 1 + length);
      return new Position(name, key.substring(colon + 1 + length));
    } catch (RuntimeException e) {
      throw new FlotillaException.Invalid("Invalid $skiptoken for orderby=displayName: use the nextLink as it is.");
    }
  }
}
