package io.flotilla.domain.upload;

import io.flotilla.domain.common.CreateOrReplace;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.SymmetricKeys;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The file upload configuration ({@code /fileUploads}) and the device side of IoT Hub file uploads: a device asks for
 * an upload URI ({@link #grant}), writes its bytes to it ({@link #authorize} then {@link #stored}) and notifies the
 * outcome ({@link #complete}). Files go to the server's local upload directory: the only {@code connectionString}
 * accepted is {@value #LOCAL} (docs/api.md "File uploads").
 */
public final class UploadService {
  /** The connection string that selects the server's upload directory. */
  public static final String LOCAL = "local";
  public static final Duration DEFAULT_SAS_TTL = Duration.ofHours(1);
  public static final Duration MIN_SAS_TTL = Duration.ofMinutes(1);
  public static final Duration MAX_SAS_TTL = Duration.ofDays(1);
  private static final int MAX_ACCOUNT = 255;
  private static final int MAX_DESCRIPTION = 1024;

  private final UploadRepository repository;
  private final Clock clock;

  public UploadService(UploadRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  /** What a client sets; {@code sasTtl} as sent (ISO 8601), {@code readAccess} null for false. */
  public record Definition(String account, String connectionString, String container, String sasTtl,
                           Boolean readAccess) {
  }

  /** An upload URI handed to a device: {@code https://{host}/{container}/{blobName}{sasToken}}. */
  public record Grant(String correlationId, String container, String blobName, String sasToken, Instant expiresAt) {
  }

  /** Fails with {@code NotFound} when file uploads are not configured. */
  public Future<UploadSettings> get() {
    return repository.settings().map(s -> s.orElseThrow(UploadService::notConfigured));
  }

  /**
   * Creates or replaces the configuration. Fails with {@code Invalid} naming the bad field, {@code PreconditionFailed}
   * when {@code etag} is given and stale.
   */
  public Future<UploadSettings> put(Definition d, String etag) {
    UploadSettings fresh = build(d, SymmetricKeys.generate());
    return CreateOrReplace.run(
        () -> repository.updateSettings(current -> {
          Etags.check(etag, current.etag());
          return withKey(fresh, current.signingKey());
        }),
        () -> repository.createSettings(fresh).map(created -> {
          if (!created) {
            throw new FlotillaException.Conflict("The file upload configuration was created concurrently.");
          }
          return fresh;
        }));
  }

  /**
   * Changes the stored configuration in one locked step: {@code change} turns the current one into the new definition
   * (a merge patch). Fails with {@code NotFound} when there is none, else like {@link #put}.
   */
  public Future<UploadSettings> patch(Function<UploadSettings, Definition> change, String etag) {
    return repository.updateSettings(current -> {
      Etags.check(etag, current.etag());
      return build(change.apply(current), current.signingKey());
    }).map(s -> s.orElseThrow(UploadService::notConfigured));
  }

  /** Fails with {@code NotFound}. Upload URIs handed out stop working; stored files stay. */
  public Future<Void> delete() {
    return repository.deleteSettings().map(found -> {
      if (!found) {
        throw notConfigured();
      }
      return null;
    });
  }

  /**
   * Grants device {@code deviceId} (authenticated by the caller) an upload of {@code name} under its own id. Fails
   * with {@code Invalid} for a bad name, {@code NotFound} when uploads are not configured.
   */
  public Future<Grant> grant(String deviceId, String name) {
    BlobNames.check("blobName", name);
    String blobName = deviceId + "/" + name;
    if (blobName.length() > BlobNames.MAX_LENGTH) {
      throw new FlotillaException.Invalid("blobName is too long: with the device id it must stay within "
          + BlobNames.MAX_LENGTH + " characters.");
    }
    return get().compose(settings -> {
      Instant now = clock.instant();
      Instant expires = now.plus(settings.sasTtl());
      String correlationId = correlationId(now);
      String sas = BlobSas.token(settings.signingKey(), settings.container(), blobName, expires, correlationId);
      return repository.insert(FileUpload.requested(correlationId, deviceId, settings.container(), blobName, now,
          expires)).map(v -> new Grant(correlationId, settings.container(), blobName, sas, expires));
    });
  }

  /**
   * The upload a write to {@code container/blobName} with SAS {@code query} may go to. Fails with {@code Forbidden}
   * for a wrong, foreign or expired token, {@code NotFound} for another container or no configuration.
   */
  public Future<FileUpload> authorize(String container, String blobName, String query) {
    return get().compose(settings -> {
      if (!settings.container().equals(container)) {
        throw new FlotillaException.NotFound("The specified container does not exist.");
      }
      String correlationId = BlobSas.verify(settings.signingKey(), container, blobName, query, clock.instant());
      return repository.find(correlationId).map(found -> found
          .filter(u -> u.blobName().equals(blobName) && u.container().equals(container))
          .orElseThrow(() -> new FlotillaException.Forbidden("The SAS token names no upload of this blob.")));
    });
  }

  /** Records that {@code upload}'s bytes ({@code sizeBytes} of them) are stored. */
  public Future<Void> stored(FileUpload upload, long sizeBytes) {
    return repository.stored(upload.correlationId(), sizeBytes, clock.instant()).mapEmpty();
  }

  /**
   * Records device {@code deviceId}'s notification of its upload. Fails with {@code Invalid} for a missing
   * correlation id or an unknown, foreign or already notified upload.
   */
  public Future<Void> complete(String deviceId, String correlationId, boolean success, Integer statusCode,
                               String statusDescription) {
    if (correlationId == null || correlationId.isEmpty()) {
      throw new FlotillaException.Invalid("correlationId is required.");
    }
    String description = statusDescription == null || statusDescription.length() <= MAX_DESCRIPTION
        ? statusDescription : statusDescription.substring(0, MAX_DESCRIPTION);
    return repository.completed(deviceId, correlationId, success, statusCode, description, clock.instant())
        .map(found -> {
          if (!found) {
            throw new FlotillaException.Invalid("No open upload " + correlationId + " of device " + deviceId + ".");
          }
          return null;
        });
  }

  /** The uploads of {@code deviceId} (null: every device), oldest first. */
  public Future<Page<FileUpload>> uploads(String deviceId, PageRequest page) {
    return repository.list(deviceId, page);
  }

  static String correlationId(Instant now) {
    return String.format(Locale.ROOT, "%012x", now.toEpochMilli()) + UUID.randomUUID().toString().replace("-", "");
  }

  private static UploadSettings build(Definition d, String key) {
    if (d.connectionString() == null || d.connectionString().isBlank()) {
      throw new FlotillaException.Invalid("connectionString is required.");
    }
    if (!d.connectionString().trim().equalsIgnoreCase(LOCAL)) {
      throw new FlotillaException.Invalid("connectionString: Flotilla stores uploaded files in its own upload "
          + "directory (--upload-dir); the only connection string accepted is \"" + LOCAL + "\". Azure Storage and "
          + "S3 connection strings are not supported.");
    }
    if (d.container() == null) {
      throw new FlotillaException.Invalid("container is required.");
    }
    BlobNames.container(d.container());
    if (d.account() != null && d.account().length() > MAX_ACCOUNT) {
      throw new FlotillaException.Invalid("account may have at most " + MAX_ACCOUNT + " characters.");
    }
    return new UploadSettings(d.account(), LOCAL, d.container(), ttl(d.sasTtl()),
        d.readAccess() != null && d.readAccess(), UploadSettings.SUCCEEDED, Etags.fresh(), key);
  }

  private static Duration ttl(String text) {
    if (text == null) {
      return DEFAULT_SAS_TTL;
    }
    Duration ttl;
    try {
      ttl = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new FlotillaException.Invalid("sasTtl must be an ISO 8601 duration such as PT1H, not \"" + text + "\".");
    }
    if (ttl.compareTo(MIN_SAS_TTL) < 0 || ttl.compareTo(MAX_SAS_TTL) > 0) {
      throw new FlotillaException.Invalid("sasTtl must be between PT1M and P1D (IoT Hub's range), not " + text + ".");
    }
    return ttl;
  }

  private static UploadSettings withKey(UploadSettings s, String key) {
    return new UploadSettings(s.account(), s.connectionString(), s.container(), s.sasTtl(), s.readAccess(),
        s.state(), s.etag(), key);
  }

  private static FlotillaException.NotFound notConfigured() {
    return new FlotillaException.NotFound("File uploads are not configured.");
  }
}
