package io.flotilla.domain.group.filter;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FilterErrorsTest {

  /** 28 characters: a condition starts at position 29. */
  private static final String W = "SELECT * FROM devices WHERE ";

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(W + "$id =", 34, "expected a value after \"=\" but found end of input"),
        Arguments.of(W + "$id =   ", 37, "expected a value after \"=\" but found end of input"),
        Arguments.of(W + " $foo = 1", 30, "unknown field \"$foo\""),
        Arguments.of("SELECT * FROM devices WHERE", 28, "expected a condition after \"WHERE\" but found end of input"),
        Arguments.of("", 1, "expected SELECT but found end of input"),
        Arguments.of("SELECT id FROM devices", 8, "expected \"*\" after \"SELECT\" but found \"id\""),
        Arguments.of("SELECT * FROM things", 15, "expected devices after \"FROM\" but found \"things\""),
        Arguments.of("SELECT * FROM devices $id = 'a'", 23,
            "expected WHERE or end of input after \"devices\" but found \"$id\""),
        Arguments.of(W + "$simulated = \"yes\"", 42, "$simulated needs true or false but found string \"yes\""),
        Arguments.of(W + "$simulated > true", 40, "operator \">\" cannot be used with $simulated (only = and !=)"),
        Arguments.of(W + "$id = 5", 35, "$id needs a string but found \"5\""),
        Arguments.of(W + "$id IN ['a', false]", 42, "$id needs a string but found \"false\""),
        Arguments.of(W + "temp < true", 36, "operator \"<\" needs a number or a string but found \"true\""),
        Arguments.of(W + "$id = \"a", 35, "unterminated string"),
        Arguments.of(W + "$id = \"a\\", 35, "unterminated string"),
        Arguments.of(W + "$id = \"a\\n\"", 37, "unknown escape \"\\n\" (only \\\", \\' and \\\\ are allowed)"),
        Arguments.of(W + "$id = 'a' AND", 42, "expected a condition after \"AND\" but found end of input"),
        Arguments.of(W + "$id = 'a' $id = 'b'", 39,
            "expected AND, OR or end of input after string \"a\" but found \"$id\""),
        Arguments.of(W + "($id = 'a'", 39, "expected \")\" after string \"a\" but found end of input"),
        Arguments.of(W + "$id = 'a')", 38, "expected AND, OR or end of input after string \"a\" but found \")\""),
        Arguments.of(W + "$id IN []", 37, "expected a value after \"[\" but found \"]\""),
        Arguments.of(W + "$id IN ['a' 'b']", 41, "expected \"]\" after string \"a\" but found string \"b\""),
        Arguments.of(W + "$id IN 'a'", 36, "expected \"[\" after \"IN\" but found string \"a\""),
        Arguments.of(W + "$simulated IN [true]", 40, "IN cannot be used with $simulated (use = or !=)"),
        Arguments.of(W + "contains($enabled, 'x')", 38, "contains() needs a string field but $enabled is true or false"),
        Arguments.of(W + "contains(name, 5)", 44, "expected a string after \",\" but found \"5\""),
        Arguments.of(W + "contains(name 'x')", 43, "expected \",\" after \"name\" but found string \"x\""),
        Arguments.of(W + "temp = 5x", 36, "invalid number \"5x\""),
        Arguments.of(W + "temp = 1.2.3", 36, "invalid number \"1.2.3\""),
        Arguments.of(W + "temp # 5", 34, "unexpected character \"#\""),
        Arguments.of(W + "temp = -x", 36, "unexpected character \"-\""),
        Arguments.of(W + "temp 5", 34, "expected an operator (=, !=, <, <=, >, >=, IN) after \"temp\" but found \"5\""),
        Arguments.of(W + "temp ! 5", 34, "unexpected character \"!\""),
        Arguments.of(W + "a..b = 1", 29, "invalid property name \"a..b\" (use name or component.name)"),
        Arguments.of(W + "a.b.c = 1", 29, "invalid property name \"a.b.c\" (use name or component.name)"),
        Arguments.of(W + "AND = 1", 29, "expected a field after \"WHERE\" but found \"AND\""),
        Arguments.of(W + "= 1", 29, "expected a condition after \"WHERE\" but found \"=\""),
        Arguments.of(W + "x = y", 33, "expected a value after \"=\" but found \"y\""),
        Arguments.of(W + "$id = '" + "a".repeat(4100) + "'", 4001, "a filter is at most 4000 characters long"),
        Arguments.of(W + String.join(" OR ", Collections.nCopies(101, "$id = 'a'")), 1329,
            "a filter has at most 100 conditions"),
        Arguments.of(W + "(".repeat(33) + "$id = 'a'" + ")".repeat(33), 61, "parentheses are nested more than 32 deep"));
  }

  @ParameterizedTest(name = "[{index}] {1}: {2}")
  @MethodSource("errors")
  void pointsAtTheOffendingToken(String filter, int position, String message) {
    assertThatThrownBy(() -> FilterParser.parse(filter))
        .isInstanceOf(FlotillaException.Invalid.class)
        .hasMessage("Invalid filter at position " + position + ": " + message)
        .extracting(e -> ((FlotillaException) e).code()).isEqualTo("BadRequest");
  }

  @Test
  void aMissingFilterIsInvalid() {
    assertThatThrownBy(() -> FilterParser.parse(null))
        .isInstanceOf(FlotillaException.Invalid.class)
        .hasMessage("Invalid filter: a filter is required");
  }
}
