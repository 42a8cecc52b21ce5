package io.flotilla.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Rendezvous (highest random weight) hashing: each key belongs to the member whose hash with it is highest. Every node
 * computes the same owner from the same member list without talking, and when a member leaves only its keys move.
 */
public final class Rendezvous {
  private Rendezvous() {
  }

  /** The owner of {@code key} among {@code members}, or null when there are none. */
  public static String owner(String key, Collection<String> members) {
    String best = null;
    long bestScore = 0;
    for (String m : members) {
      long score = score(m, key);
      if (best == null || Long.compareUnsigned(score, bestScore) > 0
          || score == bestScore && m.compareTo(best) < 0) {
        best = m;
        bestScore = score;
      }
    }
    return best;
  }

  static long score(String member, String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (member + '\u0000' + key).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    // splitmix64's finaliser spreads FNV's weak low bits
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
