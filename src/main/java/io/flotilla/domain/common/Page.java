package io.flotilla.domain.common;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One page of a keyset-paged list; {@code nextKey} is the last key of this page when more may follow. */
public record Page<T>(List<T> items, Optional<String> nextKey) {
  public <R> Page<R> map(Function<T, R> f) {
    return new Page<>(items.stream().map(f).toList(), nextKey);
  }

  /** Builds a page from up to {@code limit + 1} rows fetched in key order. */
  public static <T> Page<T> of(List<T> rowsPlusOne, int limit, Function<T, String> key) {
    if (rowsPlusOne.size() > limit) {
      List<T> items = List.copyOf(rowsPlusOne.subList(0, limit));
      return new Page<>(items, Optional.of(key.apply(items.get(limit - 1))));
    }
    return new Page<>(List.copyOf(rowsPlusOne), Optional.empty());
  }
}
