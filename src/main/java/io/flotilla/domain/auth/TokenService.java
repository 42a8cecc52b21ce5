package io.flotilla.domain.auth;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.organization.OrganizationReferences;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and checks API tokens ({@code SharedAccessSignature sr=<app id>&sig=<secret>&skn=<token id>&se=<expiry ms>}).
 * The secret is random; only its SHA-256 is stored, and {@code se} must equal the stored expiry, so neither the
 * signature nor the expiry can be altered.
 */
public final class TokenService {
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
  /** Role assignments a token may carry (they are stored in one column of 8,000 characters). */
  public static final int MAX_ROLE_ASSIGNMENTS = RoleAssignments.MAX;
  private static final String PREFIX = "SharedAccessSignature ";
  private static final Duration CACHE_TTL = Duration.ofSeconds(10);

  private final TokenRepository tokens;
  private final Application application;
  private final Clock clock;
  private final OrganizationReferences organizations;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  /**
   * Counts revocations (and creations); a lookup caches what it read only if none happened since it began, so a read
   * that raced a DELETE cannot put the revoked token back into the cache.
   */
  private long generation;

  public TokenService(TokenRepository tokens, Application application, Clock clock) {
    this(tokens, application, clock, OrganizationReferences.FORM_ONLY);
  }

  /** @param organizations checks the organizations of a new token's role assignments */
  public TokenService(TokenRepository tokens, Application application, Clock clock,
                      OrganizationReferences organizations) {
    this.organizations = organizations;
    this.tokens = tokens;
    this.application = application;
    this.clock = clock;
  }

  /**
   * Creates a token. Fails with {@code Invalid} (bad id, no or unknown roles, expiry in the past) or
   * {@code Conflict} (the id exists).
   */
  public Future<IssuedToken> create(String id, List<RoleAssignment> roles, Instant expiry) {
    Ids.tokenId(id);
    RoleAssignments.check(roles);
    Instant now = clock.instant();
    Instant effectiveExpiry = expiry == null ? now.plus(DEFAULT_VALIDITY) : Limits.instant("expiry", expiry);
    if (!effectiveExpiry.isAfter(now)) {
      throw new FlotillaException.Invalid("\"expiry\" must be in the future.");
    }
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String sig = Base64.getEncoder().encodeToString(secret);
    ApiToken token = new ApiToken(id, hash(sig), List.copyOf(roles),
        Instant.ofEpochMilli(effectiveExpiry.toEpochMilli()));
    return organizations.check(RoleAssignments.organizations(roles), OrganizationScope.WHOLE)
        .compose(checked -> tokens.find(id)).compose(existing -> {
      if (existing.isPresent()) {
        return Future.failedFuture(new FlotillaException.Conflict("An API token with id \"" + id + "\" already exists."));
      }
      return tokens.save(token);
    }).map(v -> {
      forget(id);
      return new IssuedToken(token, headerValue(token, sig));
    });
  }

  public Future<ApiToken> get(String id) {
    return tokens.find(id).map(t -> t.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<ApiToken>> list(PageRequest page) {
    return tokens.list(page);
  }

  /**
   * Revokes a token: once this completes, no request authenticates with it any more (the next request on any
   * connection looks it up in the database). Fails with {@code NotFound}.
   */
  public Future<Void> delete(String id) {
    forget(id);
    return tokens.delete(id).andThen(ar -> forget(id)).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      return null;
    });
  }

  private synchronized void forget(String id) {
    generation++;
    cache.remove(id);
  }

  private synchronized long generation() {
    return generation;
  }

  /** Caches what a lookup read, unless a token was revoked or created since the lookup began. */
  private synchronized void remember(String id, ApiToken token, Instant until, long since) {
    if (generation == since) {
      cache.put(id, new Cached(token, until));
    }
  }

  /** Checks an {@code Authorization} header; fails with {@code Unauthorized} for anything but a valid, live token. */
  public Future<Principal> authenticate(String header) {
    Map<String, String> fields = parse(header);
    String id = fields.get("skn");
    String sig = fields.get("sig");
    String se = fields.get("se");
    String sr = fields.get("sr");
    if (id == null || sig == null || se == null || sr == null) {
      return Future.failedFuture(unauthorized());
    }
    Instant now = clock.instant();
    Cached cached = cache.get(id);
    long since = generation();
    Future<java.util.Optional<ApiToken>> lookup = cached != null && cached.freshAt(now)
        ? Future.succeededFuture(java.util.Optional.of(cached.token))
        : tokens.find(id).onSuccess(t -> t.ifPresent(tok -> remember(id, tok, now.plus(CACHE_TTL), since)));
    return lookup.map(found -> {
      ApiToken token = found.orElseThrow(TokenService::unauthorized);
      boolean valid = sr.equals(application.id())
          && se.equals(Long.toString(token.expiry().toEpochMilli()))
          && MessageDigest.isEqual(hash(sig).getBytes(StandardCharsets.US_ASCII),
              token.secretHash().getBytes(StandardCharsets.US_ASCII))
          && token.expiry().isAfter(now);
      if (!valid) {
        throw unauthorized();
      }
      return new Principal(token);
    });
  }

  private Map<String, String> parse(String header) {
    Map<String, String> fields = new HashMap<>();
    if (header == null || !header.startsWith(PREFIX)) {
      return fields;
    }
    for (String part : header.substring(PREFIX.length()).trim().split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        try {
          fields.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          return new HashMap<>();
        }
      }
    }
    return fields;
  }

  private String headerValue(ApiToken token, String sig) {
    return PREFIX + "sr=" + application.id() + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8)
        + "&skn=" + token.id() + "&se=" + token.expiry().toEpochMilli();
  }

  static String hash(String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("API token \"" + id + "\" not found.");
  }

  private static FlotillaException.Unauthorized unauthorized() {
    return new FlotillaException.Unauthorized(
        "The Authorization header does not hold a valid, unexpired API token.");
  }

  private record Cached(ApiToken token, Instant until) {
    boolean freshAt(Instant now) {
      return now.isBefore(until);
    }
  }
}
