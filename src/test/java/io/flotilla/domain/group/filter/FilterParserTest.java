package io.flotilla.domain.group.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.group.filter.Condition.And;
import io.flotilla.domain.group.filter.Condition.Comparison;
import io.flotilla.domain.group.filter.Condition.Contains;
import io.flotilla.domain.group.filter.Condition.InList;
import io.flotilla.domain.group.filter.Condition.MatchAll;
import io.flotilla.domain.group.filter.Condition.Or;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterParserTest {

  private static final String WHERE = "SELECT * FROM devices WHERE ";

  private static Condition parse(String condition) {
    return FilterParser.parse(WHERE + condition).condition();
  }

  private static Comparison eq(Field field, Literal literal) {
    return new Comparison(field, Operator.EQUAL, literal);
  }

  private static Literal.Text text(String value) {
    return new Literal.Text(value);
  }

  private static Literal.Numeric number(String value) {
    return new Literal.Numeric(new BigDecimal(value));
  }

  private static final Literal.Bool TRUE = new Literal.Bool(true);

  @Test
  void readsTheDocumentedExamples() {
    assertThat(parse("$template = \"dtmi:modelDefinition:dtdlv2\" AND $provisioned = true"))
        .isEqualTo(new And(List.of(
            eq(SystemField.TEMPLATE, text("dtmi:modelDefinition:dtdlv2")), eq(SystemField.PROVISIONED, TRUE))));
    assertThat(parse("$template = \"dtmi:modelDefinition:model2\" AND $simulated = true"))
        .isEqualTo(new And(List.of(
            eq(SystemField.TEMPLATE, text("dtmi:modelDefinition:model2")), eq(SystemField.SIMULATED, TRUE))));
    assertThat(parse("$template = \"templateId\" AND $id IN [\"deviceId1\", \"deviceId2\"]"))
        .isEqualTo(new And(List.of(eq(SystemField.TEMPLATE, text("templateId")),
            new InList(SystemField.ID, List.of(text("deviceId1"), text("deviceId2"))))));
  }

  @Test
  void keepsTheTextAndReadsNoWhereClauseAsEveryDevice() {
    DeviceFilter filter = FilterParser.parse("  select *  FROM Devices ");
    assertThat(filter.condition()).isEqualTo(new MatchAll());
    assertThat(filter.text()).isEqualTo("  select *  FROM Devices ");
  }

  @Test
  void andBindsTighterThanOr() {
    Comparison a = eq(new PropertyField("a"), number("1"));
    Comparison b = eq(new PropertyField("b"), number("2"));
    Comparison c = eq(new PropertyField("c"), number("3"));
    assertThat(parse("a = 1 OR b = 2 AND c = 3")).isEqualTo(new Or(List.of(a, new And(List.of(b, c)))));
    assertThat(parse("a = 1 AND b = 2 or c = 3")).isEqualTo(new Or(List.of(new And(List.of(a, b)), c)));
  }

  @Test
  void parenthesesGroupAndSameOperatorsFlatten() {
    Comparison a = eq(new PropertyField("a"), number("1"));
    Comparison b = eq(new PropertyField("b"), number("2"));
    Comparison c = eq(new PropertyField("c"), number("3"));
    assertThat(parse("(a = 1 OR b = 2) AND c = 3")).isEqualTo(new And(List.of(new Or(List.of(a, b)), c)));
    assertThat(parse("a = 1 AND (b = 2 AND (c = 3))")).isEqualTo(new And(List.of(a, b, c)));
    assertThat(parse("((a = 1))")).isEqualTo(a);
  }

  @Test
  void readsEveryOperatorAndLiteral() {
    PropertyField t = new PropertyField("settings.targetTemp");
    assertThat(parse("settings.targetTemp != -1.5")).isEqualTo(new Comparison(t, Operator.NOT_EQUAL, number("-1.5")));
    assertThat(parse("settings.targetTemp <> 0")).isEqualTo(new Comparison(t, Operator.NOT_EQUAL, number("0")));
    assertThat(parse("settings.targetTemp < 'x'")).isEqualTo(new Comparison(t, Operator.LESS, text("x")));
    assertThat(parse("settings.targetTemp<=2")).isEqualTo(new Comparison(t, Operator.LESS_OR_EQUAL, number("2")));
    assertThat(parse("settings.targetTemp > 10")).isEqualTo(new Comparison(t, Operator.GREATER, number("10")));
    assertThat(parse("settings.targetTemp >= 1.25"))
        .isEqualTo(new Comparison(t, Operator.GREATER_OR_EQUAL, number("1.25")));
    assertThat(parse("settings.targetTemp = FALSE")).isEqualTo(eq(t, new Literal.Bool(false)));
    assertThat(parse("$displayName = 'it\\'s \"q\" \\\\'")).isEqualTo(eq(SystemField.DISPLAY_NAME, text("it's \"q\" \\")));
    assertThat(parse("$enabled != false"))
        .isEqualTo(new Comparison(SystemField.ENABLED, Operator.NOT_EQUAL, new Literal.Bool(false)));
  }

  @Test
  void readsContainsAndPropertiesNamedLikeTheFunction() {
    assertThat(parse("contains($displayName, \"truck\")")).isEqualTo(new Contains(SystemField.DISPLAY_NAME, "truck"));
    assertThat(parse("CONTAINS(CustomerName, 'Con')")).isEqualTo(new Contains(new PropertyField("CustomerName"), "Con"));
    assertThat(parse("contains = 1")).isEqualTo(eq(new PropertyField("contains"), number("1")));
  }

  @Test
  void propertyInListsMayMixTypes() {
    assertThat(parse("x IN [1, 'a', true]"))
        .isEqualTo(new InList(new PropertyField("x"), List.of(number("1"), text("a"), TRUE)));
  }

  @Test
  void acceptsTheLimits() {
    String hundred = String.join(" OR ", java.util.Collections.nCopies(100, "$id = 'a'"));
    assertThat(((Or) parse(hundred)).conditions()).hasSize(100);
    String nested = "(".repeat(FilterParser.MAX_NESTING) + "$id = 'a'" + ")".repeat(FilterParser.MAX_NESTING);
    assertThat(parse(nested)).isEqualTo(eq(SystemField.ID, text("a")));
  }

  @Test
  void literalsWriteBackAsFilterSyntax() {
    assertThat(text("a\"b\\").text()).isEqualTo("\"a\\\"b\\\\\"");
    assertThat(number("-1.50").text()).isEqualTo("-1.50");
    assertThat(TRUE.text()).isEqualTo("true");
  }

  @Test
  void visitorWalksEveryNode() {
    DeviceFilter filter = FilterParser.parse(WHERE + "(a = 1 OR contains(b, 'x')) AND $id IN ['d']");
    int leaves = filter.accept(new Condition.Visitor<Integer>() {
      public Integer comparison(Comparison c) { return 1; }
      public Integer inList(InList c) { return 1; }
      public Integer contains(Contains c) { return 1; }
      public Integer and(And c) { return c.conditions().stream().mapToInt(x -> x.accept(this)).sum(); }
      public Integer or(Or c) { return c.conditions().stream().mapToInt(x -> x.accept(this)).sum(); }
      public Integer matchAll(MatchAll m) { return 0; }
    });
    assertThat(leaves).isEqualTo(3);
  }
}
