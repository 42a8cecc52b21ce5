package io.flotilla.domain.group.filter;

import io.flotilla.domain.common.FlotillaException;

/** Builds the 400 error for a bad filter, pointing at a 1-based character position. */
final class FilterError {

  private FilterError() {}

  static FlotillaException.Invalid at(int position, String message) {
    return new FlotillaException.Invalid("Invalid filter at position " + position + ": " + message);
  }
}
