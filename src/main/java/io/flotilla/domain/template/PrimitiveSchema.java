package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/** The DTDL v2 primitive schemas, named as in DTDL ({@link #dtdlName()}). */
public enum PrimitiveSchema implements Schema {
  BOOLEAN("boolean", "a boolean"),
  DATE("date", "a date string (YYYY-MM-DD)"),
  DATE_TIME("dateTime", "a dateTime string (e.g. 2021-03-24T12:33:15.223Z)"),
  DOUBLE("double", "a number (double)"),
  DURATION("duration", "an ISO 8601 duration string (e.g. PT10M)"),
  FLOAT("float", "a number (float)"),
  INTEGER("integer", "an integral number (integer)"),
  LONG("long", "an integral number (long)"),
  STRING("string", "a string"),
  TIME("time", "a time string (HH:MM:SS)");

  private static final Pattern DATE_SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern TIME_SHAPE =
      Pattern.compile("(\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)(?:Z|[+-]\\d{2}:\\d{2})?");
  private static final Pattern DURATION_SHAPE = Pattern.compile(
      "P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?");
  private static final BigDecimal FLOAT_MAX = new BigDecimal(Float.MAX_VALUE);

  private final String dtdlName;
  private final String expectation;

  PrimitiveSchema(String dtdlName, String expectation) {
    this.dtdlName = dtdlName;
    this.expectation = expectation;
  }

  /** The primitive named {@code name} in DTDL (case-sensitive, e.g. {@code dateTime}), if any. */
  public static Optional<PrimitiveSchema> byName(String name) {
    return Arrays.stream(values()).filter(p -> p.dtdlName.equals(name)).findFirst();
  }

  public String dtdlName() {
    return dtdlName;
  }

  @Override
  public void check(JsonNode value, String path) {
    if (Mismatch.absent(value)) {
      throw Mismatch.expected(path, expectation, value);
    }
    switch (this) {
      case BOOLEAN -> require(value.isBoolean(), value, path);
      case DOUBLE -> require(isFiniteNumber(value), value, path);
      case FLOAT -> checkFloat(value, path);
      case INTEGER -> checkIntegral(value, path, BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE));
      case LONG -> checkIntegral(value, path, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE));
      case STRING -> require(value.isTextual(), value, path);
      case DATE -> checkText(value, path, PrimitiveSchema::isDate);
      case DATE_TIME -> checkText(value, path, PrimitiveSchema::isDateTime);
      case TIME -> checkText(value, path, PrimitiveSchema::isTime);
      case DURATION -> checkText(value, path, text -> DURATION_SHAPE.matcher(text).matches());
    }
  }

  private void require(boolean fits, JsonNode value, String path) {
    if (!fits) {
      throw Mismatch.expected(path, expectation, value);
    }
  }

  private void checkFloat(JsonNode value, String path) {
    require(isFiniteNumber(value), value, path);
    if (value.decimalValue().abs().compareTo(FLOAT_MAX) > 0) {
      throw Mismatch.at(path, value.asText() + " is out of range for float");
    }
  }

  private void checkIntegral(JsonNode value, String path, BigInteger min, BigInteger max) {
    require(isFiniteNumber(value) && isWhole(value), value, path);
    BigInteger number = value.isIntegralNumber() ? value.bigIntegerValue() : value.decimalValue().toBigIntegerExact();
    if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
      throw Mismatch.at(path, value.asText() + " is out of range for " + dtdlName);
    }
  }

  private static boolean isFiniteNumber(JsonNode value) {
    return value.isNumber() && (!(value.isDouble() || value.isFloat()) || Double.isFinite(value.doubleValue()));
  }

  private static boolean isWhole(JsonNode number) {
    return number.isIntegralNumber() || number.decimalValue().stripTrailingZeros().scale() <= 0;
  }

  private void checkText(JsonNode value, String path, java.util.function.Predicate<String> valid) {
    require(value.isTextual(), value, path);
    if (!valid.test(value.textValue())) {
      throw Mismatch.at(path, "\"" + value.textValue() + "\" is not " + expectation);
    }
  }

  private static boolean isDate(String text) {
    return DATE_SHAPE.matcher(text).matches() && parses(() -> LocalDate.parse(text));
  }

  private static boolean isDateTime(String text) {
    return text.length() > 10 && isDate(text.substring(0, 10)) && parses(() -> OffsetDateTime.parse(text));
  }

  private static boolean isTime(String text) {
    var matcher = TIME_SHAPE.matcher(text);
    return matcher.matches() && parses(() -> LocalTime.parse(matcher.group(1)));
  }

  private static boolean parses(Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
