package io.flotilla.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Assertions shared by the API tests. */
public final class ApiAssertions {
  private ApiAssertions() {
  }

  /**
   * Asserts the documented error shape: {@code status}, body {@code {"error":{"code","message","requestId","time"}}}
   * with {@code time} in RFC 1123, and header {@code x-ms-error-code} equal to the code. Answers the message.
   */
  public static String assertError(ApiClient.Response r, int status, String code) {
    assertThat(r.status()).as("status of %s", r).isEqualTo(status);
    JsonNode error = r.json().path("error");
    assertThat(error.isObject()).as("error object in %s", r).isTrue();
    assertThat(error.path("code").asText()).as("code in %s", r).isEqualTo(code);
    assertThat(error.path("message").asText()).as("message in %s", r).isNotBlank();
    assertThat(error.path("requestId").asText()).as("requestId in %s", r).isNotBlank();
    String time = error.path("time").asText();
    assertThat(time).as("time in %s", r).isNotBlank();
    ZonedDateTime.parse(time, DateTimeFormatter.RFC_1123_DATE_TIME);
    assertThat(r.errorCodeHeader()).as("x-ms-error-code of %s", r).isEqualTo(code);
    assertThat(r.contentType()).startsWith("application/json");
    return error.path("message").asText();
  }

  /** Asserts a 400 {@code BadRequest}; answers the message. */
  public static String assertBadRequest(ApiClient.Response r) {
    return assertError(r, 400, "BadRequest");
  }

  /** Asserts {@code status} 200 (or the given) and answers the JSON body. */
  public static JsonNode assertOk(ApiClient.Response r) {
    assertThat(r.status()).as("status of %s", r).isEqualTo(200);
    return r.json();
  }

  public static JsonNode assertStatus(ApiClient.Response r, int status) {
    assertThat(r.status()).as("status of %s", r).isEqualTo(status);
    return r.json();
  }
}
