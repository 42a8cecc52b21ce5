package io.flotilla.app;

import io.flotilla.api.http.FileUploadRoutes;
import io.flotilla.api.http.ResourceRoutes;
import io.flotilla.domain.upload.UploadService;
import io.flotilla.gateway.https.DeviceHttps;
import io.flotilla.gateway.https.UploadDirectory;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlUploadRepository;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File uploads: the {@code /fileUploads} service and the device HTTPS listener devices upload through. */
public final class UploadWiring {
  private static final Logger LOG = LoggerFactory.getLogger(UploadWiring.class);
  /** Files written at once, across all devices; more get 503 ServerBusy. */
  static final int MAX_UPLOADS_IN_FLIGHT = 64;

  private final UploadService uploads;
  private final UploadDirectory directory;
  private final DeviceHttps https;

  private UploadWiring(UploadService uploads, UploadDirectory directory, DeviceHttps https) {
    this.uploads = uploads;
    this.directory = directory;
    this.https = https;
  }

  /**
   * Starts the device HTTPS listener (blocking). A failure to bind the default port 443 (not permitted to this user,
   * or taken) is logged and leaves device uploads off; any other port must bind.
   */
  static UploadWiring start(Vertx vertx, Database db, Config config, Clock clock, GatewayWiring gateway) {
    UploadService uploads = new UploadService(new SqlUploadRepository(db), clock);
    UploadDirectory directory = new UploadDirectory(config.uploadDir());
    Config.Uploads u = config.uploads();
    DeviceHttps https = null;
    if (u.httpsPort() >= 0) {
      https = new DeviceHttps(vertx, uploads, gateway.provisioning(), directory, clock, new DeviceHttps.Settings(
          config.bind(), u.httpsPort(), gateway.certificate().certificatePath(),
          gateway.certificate().privateKeyPath(), config.hostName(), u.maxFileBytes(), MAX_UPLOADS_IN_FLIGHT));
      try {
        int port = Bootstrap.await(https.listen());
        LOG.info("Device HTTPS (file uploads) on port {}, files in {}", port, directory.root());
      } catch (RuntimeException e) {
        if (u.httpsPort() != Config.Uploads.DEFAULT_HTTPS_PORT) {
          throw e;
        }
        LOG.warn("Device file uploads are off: port {} could not be bound ({}); give --device-https-port", 443,
            e.toString());
        https = null;
      }
    }
    return new UploadWiring(uploads, directory, https);
  }

  public ResourceRoutes routes() {
    return new FileUploadRoutes(uploads);
  }

  public UploadService uploads() {
    return uploads;
  }

  public UploadDirectory directory() {
    return directory;
  }

  /** The device HTTPS port, -1 when off. */
  public int httpsPort() {
    return https == null ? -1 : https.port();
  }

  void close() {
    if (https != null) {
      Bootstrap.await(https.close());
    }
  }
}
