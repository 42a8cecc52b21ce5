package io.flotilla.domain.common;

/** Where a page starts (exclusive key, null for the first page) and how many items it holds at most. */
public record PageRequest(String after, int limit) {
  public PageRequest {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
  }

  public static PageRequest first(int limit) {
    return new PageRequest(null, limit);
  }
}
