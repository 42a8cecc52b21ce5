package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.vertx.core.http.HttpServerResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps failures to HTTP once: {@code {"error":{"code","message","requestId","time"}}} plus {@code x-ms-error-code}. */
public final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
  /** When a client told 503 (the database out of reach, busy, an audit entry not stored) should try again. */
  static final String RETRY_AFTER_SECONDS = "5";

  private ErrorMapper() {
  }

  public static int status(FlotillaException e) {
    if (e instanceof FlotillaException.NotFound) {
      return 404;
    } else if (e instanceof FlotillaException.Conflict) {
      return 409;
    } else if (e instanceof FlotillaException.Invalid) {
      return "RequestEntityTooLarge".equals(e.code()) ? 413 : "UnsupportedMediaType".equals(e.code()) ? 415
          : "NotAcceptable".equals(e.code()) ? 406 : 400;
    } else if (e instanceof FlotillaException.Unauthorized) {
      return 401;
    } else if (e instanceof FlotillaException.Forbidden) {
      return 403;
    } else if (e instanceof FlotillaException.PreconditionFailed) {
      return 412;
    } else if (e instanceof FlotillaException.Timeout) {
      return 504;
    }
    return "TooManyRequests".equals(e.code()) ? 429 : 503;
  }

  /** Writes the error for any throwable; unexpected ones are logged and answered 500 without details. */
  public static void write(HttpServerResponse response, Throwable failure, String requestId) {
    if (response.ended() || response.closed()) {
      return;
    }
    int status;
    String code;
    String message;
    if (failure instanceof FlotillaException fe) {
      status = status(fe);
      code = fe.code();
      message = fe.getMessage();
    } else {
      LOG.error("Unexpected failure in request {}", requestId, failure);
      status = 500;
      code = "InternalServerError";
      message = "An internal error occurred.";
    }
    write(response, status, code, message, requestId);
  }

  public static void write(HttpServerResponse response, int status, String code, String message, String requestId) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (status == 503) {
      response.putHeader("retry-after", RETRY_AFTER_SECONDS);
    }
    response.setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .putHeader("x-ms-error-code", code)
        .end(body(code, message, requestId));
  }

  /** The error body: {@code {"error":{"code","message","requestId","time"}}}. */
  static String body(String code, String message, String requestId) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", message);
    error.put("requestId", requestId);
    error.put("time", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
    return Json.write(body);
  }
}
