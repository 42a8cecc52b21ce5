package io.flotilla.domain.job;

import java.util.List;

/**
 * What one claim took: the devices (in position order) and whether the claim reached the end of the range it was
 * asked for (no device of it is left pending and unsent).
 */
public record Claim(List<Claimed> devices, boolean exhausted) {
  public static final Claim NONE = new Claim(List.of(), false);
}
