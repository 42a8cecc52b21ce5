package io.flotilla.gateway.mqtt;

import io.flotilla.gateway.mqtt.ConnectUsername.DpsUsername;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Checks a CONNECT's SAS token against the keys the caller looked up for the identity in the username (a device's
 * primary and secondary key, or a DPS registration's enrollment or derived keys). Looking the keys up, and checking that
 * the username's host or ID scope is this server's, is the caller's job.
 */
public final class SasAuthenticator {

  /** The outcome of a check; see P-4 for the CONNACK code each maps to. */
  public enum Verdict {
    ACCEPTED,
    /** No password, no candidate key, a token naming another identity, a foreign {@code skn}, or a wrong signature. */
    BAD_CREDENTIALS,
    /** The ClientId differs from the username's identity or the token is not a SAS token. */
    MALFORMED,
    /** A genuine token whose {@code se} has passed. */
    EXPIRED
  }

  private static final Set<String> DPS_KEY_NAMES = Set.of("", "registration");

  private final Clock clock;

  public SasAuthenticator(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param candidateKeys Base64 keys any one of which may have signed the token; empty when the identity is unknown
   */
  public Verdict verify(ConnectUsername username, String clientId, String password, List<String> candidateKeys) {
    if (!username.clientId().equals(clientId)) {
      return Verdict.MALFORMED;
    }
    if (password == null || password.isEmpty()) {
      return Verdict.BAD_CREDENTIALS;
    }
    SasToken token;
    try {
      token = SasToken.parse(password);
    } catch (MalformedCredentials e) {
      return Verdict.MALFORMED;
    }
    if (!username.namedBy(token) || !keyNameAllowed(username, token.skn())) {
      return Verdict.BAD_CREDENTIALS;
    }
    if (candidateKeys.stream().noneMatch(token::signatureMatches)) {
      return Verdict.BAD_CREDENTIALS;
    }
    return token.expiredAt(clock.instant()) ? Verdict.EXPIRED : Verdict.ACCEPTED;
  }

  /** Device keys sign hub tokens without {@code skn}; DPS tokens carry none, an empty one or {@code registration}. */
  private static boolean keyNameAllowed(ConnectUsername username, String skn) {
    if (skn == null) {
      return true;
    }
    return username instanceof DpsUsername ? DPS_KEY_NAMES.contains(skn) : skn.isEmpty();
  }
}
