package io.flotilla.domain.common;

/**
 * Every failure the domain reports. The HTTP edge maps each subtype to one status code
 * ({@code ErrorMapper}); {@link #code()} is the wire error code ({@code error.code} and {@code x-ms-error-code}).
 */
public abstract sealed class FlotillaException extends RuntimeException
    permits FlotillaException.NotFound, FlotillaException.Conflict, FlotillaException.Invalid,
        FlotillaException.Unauthorized, FlotillaException.Forbidden, FlotillaException.Unavailable,
        FlotillaException.PreconditionFailed, FlotillaException.Timeout {

  private final String code;

  protected FlotillaException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** 404: the resource does not exist (or, with code {@code DeviceNotOnline}, the device is not connected). */
  public static final class NotFound extends FlotillaException {
    public NotFound(String message) { super("NotFound", message); }
    public NotFound(String code, String message) { super(code, message); }
  }

  /** 409: the request conflicts with the current state. */
  public static final class Conflict extends FlotillaException {
    public Conflict(String message) { super("Conflict", message); }
    public Conflict(String code, String message) { super(code, message); }
  }

  /** 400: the request is malformed or breaks a rule. */
  public static final class Invalid extends FlotillaException {
    public Invalid(String message) { super("BadRequest", message); }
    public Invalid(String code, String message) { super(code, message); }
  }

  /** 401: no, expired, revoked, tampered or unknown credentials. */
  public static final class Unauthorized extends FlotillaException {
    public Unauthorized(String message) { super("Unauthorized", message); }
  }

  /** 403: valid credentials whose role lacks the permission. */
  public static final class Forbidden extends FlotillaException {
    public Forbidden(String message) { super("Forbidden", message); }
  }

  /** 503 (or 413 with code {@code RequestEntityTooLarge}, 429...): the server cannot take the request now. */
  public static final class Unavailable extends FlotillaException {
    public Unavailable(String message) { super("ServiceUnavailable", message); }
    public Unavailable(String code, String message) { super(code, message); }
  }

  /** 412: the etag sent does not match the stored one. */
  public static final class PreconditionFailed extends FlotillaException {
    public PreconditionFailed(String message) { super("PreconditionFailed", message); }
  }

  /** 504: the device did not answer in time. */
  public static final class Timeout extends FlotillaException {
    public Timeout(String message) { super("GatewayTimeout", message); }
    /** A timeout with its own code, e.g. {@code Interrupted}: the node holding the device died before it answered. */
    public Timeout(String code, String message) { super(code, message); }
  }
}
