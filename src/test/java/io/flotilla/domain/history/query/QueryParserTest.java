package io.flotilla.domain.history.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.history.query.Condition.Operator;
import io.flotilla.domain.history.query.TelemetryQuery.Aggregate;
import io.flotilla.domain.history.query.TelemetryQuery.Function;
import io.flotilla.domain.history.query.TelemetryQuery.SystemField;
import io.flotilla.domain.history.query.TelemetryQuery.TelemetryRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QueryParserTest {
  static final String T = "dtmi:contoso:Thermostat;1";

  @Test
  void theDocumentedExampleParses() {
    TelemetryQuery q = QueryParser.parse("SELECT $id, $ts, temperature, humidity FROM " + T
        + " WHERE WITHIN_WINDOW(P1D)");
    assertThat(q.templateId()).isEqualTo(T);
    assertThat(q.items()).extracting(TelemetryQuery.SelectItem::name)
        .containsExactly("$id", "$ts", "temperature", "humidity");
    assertThat(q.window()).isEqualTo(new TimeWindow.Last(new IsoDuration("P1D", Duration.ofDays(1))));
    assertThat(q.condition()).isNull();
    assertThat(q.aggregates()).isFalse();
  }

  @Test
  void aggregatesWithWindowsConditionsAndOrdering() {
    TelemetryQuery q = QueryParser.parse("select avg(RootTelemetry), MAX(RootTelemetry) as peak FROM "
        + "dtmi:modelDefinition:y5zk2yqblv:en9xfxjif WHERE WITHIN_WINDOW(P1D) AND RootTelemetry > 0 "
        + "GROUP BY WINDOW(PT3H) ORDER BY peak desc");
    assertThat(q.items()).extracting(TelemetryQuery.SelectItem::name).containsExactly("avg_RootTelemetry", "peak");
    assertThat(q.items().get(0).expression())
        .isEqualTo(new Aggregate(Function.AVG, new TelemetryRef("RootTelemetry")));
    assertThat(q.condition()).isEqualTo(new Condition.Comparison(new TelemetryRef("RootTelemetry"), Operator.GT, 0.0));
    assertThat(q.groupWindow().duration()).isEqualTo(Duration.ofHours(3));
    assertThat(q.orderBy().expression()).isEqualTo(q.items().get(1).expression());
    assertThat(q.orderBy().descending()).isTrue();
  }

  @Test
  void topInListsComponentsAliasesInConditionsAndIntervals() {
    TelemetryQuery q = QueryParser.parse("SELECT TOP 10 $ts, thermostat1.temperature AS t FROM " + T
        + " WHERE WITHIN_WINDOW('2021-06-13T13:00:00Z/2021-06-13T15:30:00Z') AND $id IN ['a', \"b\"]"
        + " AND (t >= 20.5 OR t <> -1e1) ORDER BY $ts DESC");
    assertThat(q.top()).isEqualTo(10);
    TelemetryRef t = new TelemetryRef("thermostat1.temperature");
    assertThat(t.component()).isEqualTo("thermostat1");
    assertThat(t.name()).isEqualTo("temperature");
    assertThat(q.window()).isEqualTo(new TimeWindow.Between(Instant.parse("2021-06-13T13:00:00Z"),
        Instant.parse("2021-06-13T15:30:00Z")));
    assertThat(q.condition()).isEqualTo(new Condition.And(List.of(
        new Condition.In(SystemField.ID, List.of("a", "b")),
        new Condition.Or(List.of(new Condition.Comparison(t, Operator.GE, 20.5),
            new Condition.Comparison(t, Operator.NE, -10.0))))));
    assertThat(q.telemetry()).containsExactly(t);
  }

  @Test
  void durationsInWeeksAndDaysAndHours() {
    assertThat(QueryParser.parse("SELECT x FROM a WHERE WITHIN_WINDOW(P1W)").window().from(Instant.EPOCH))
        .isEqualTo(Instant.EPOCH.minus(Duration.ofDays(7)));
    assertThat(QueryParser.parse("SELECT x FROM a WHERE WITHIN_WINDOW(P2DT12H)").window().from(Instant.EPOCH))
        .isEqualTo(Instant.EPOCH.minus(Duration.ofHours(60)));
    assertThat(QueryParser.parse("SELECT COUNT(x) FROM a GROUP BY WINDOW(PT5M)").groupWindow().micros())
        .isEqualTo(300_000_000L);
    assertThat(QueryParser.parse("SELECT x FROM a WHERE $simulated = false").condition())
        .isEqualTo(new Condition.Comparison(SystemField.SIMULATED, Operator.EQ, false));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "SELECT * FROM t | position 8: \"*\" is not supported",
      "SELECT x FROM | position 14: expected a device template id",
      "SELECT x FROM 't' | FROM takes a bare",
      "SELECT x t | expected FROM",
      "SELEC x FROM t | position 1: expected SELECT",
      "SELECT x FROM t WHERE | expected a telemetry name",
      "SELECT x FROM t WHERE x > | expected a string, number, true or false",
      "SELECT x FROM t WHERE x ~ 1 | expected a comparison",
      "SELECT x FROM t WHERE WITHIN_WINDOW(P1Y) | ISO 8601 duration",
      "SELECT x FROM t WHERE WITHIN_WINDOW(PT0S) | ISO 8601 duration",
      "SELECT x FROM t WHERE WITHIN_WINDOW('2021-06-13T15:00:00Z/2021-06-13T13:00:00Z') | start before end",
      "SELECT x FROM t WHERE x = 1 OR WITHIN_WINDOW(P1D) | top level of WHERE",
      "SELECT x FROM t WHERE WITHIN_WINDOW(P1D) OR x = 1 | joined to the other conditions by AND",
      "SELECT x FROM t WHERE WITHIN_WINDOW(P1D) AND WITHIN_WINDOW(P2D) | given once",
      "SELECT x FROM t WHERE $ts > 5 | $ts compares with a date-time",
      "SELECT x FROM t WHERE $provisioned > true | compares with = or !=",
      "SELECT x FROM t WHERE $nope = 1 | unknown field",
      "SELECT x FROM t WHERE $ts IN ['a'] | IN applies to telemetry and $id",
      "SELECT FIRST(x) FROM t | not supported by Flotilla",
      "SELECT MEDIAN(x) FROM t | unknown function",
      "SELECT AVG($id) FROM t | AVG() takes a telemetry",
      "SELECT AVG(x), x FROM t | is not an aggregate",
      "SELECT x FROM t GROUP BY WINDOW(PT5M) | needs aggregates",
      "SELECT x, x FROM t | names another item",
      "SELECT x AS y, z AS y FROM t | names another item",
      "SELECT x AS $y FROM t | an alias is a name",
      "SELECT TOP 0 x FROM t | TOP takes 1 to 10000",
      "SELECT TOP 10001 x FROM t | TOP takes 1 to 10000",
      "SELECT a.b.c FROM t | is no telemetry name",
      "SELECT x FROM t WHERE x = 'open | unterminated string",
      "SELECT x FROM t ORDER BY x sideways | unexpected \"sideways\"",
      "SELECT AVG(x) FROM t ORDER BY y | orders by $ts or one of its aggregates",
      "SELECT $provisioned FROM t | not items",
      "SELECT x FROM t WHERE x = 1e999 | invalid number",
      "SELECT x FROM t WHERE AVG(x) > 1 | an aggregate cannot be a condition"})
  void badQueriesAre400sNamingThePosition(String query, String message) {
    assertThatThrownBy(() -> QueryParser.parse(query))
        .isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageStartingWith("Invalid query")
        .hasMessageContaining(message);
  }

  @Test
  void limits() {
    String fifteen = String.join(", ", java.util.Collections.nCopies(15, "x")).replace("x", "x%d");
    Object[] n = java.util.stream.IntStream.range(0, 15).boxed().toArray();
    assertThat(QueryParser.parse("SELECT " + fifteen.formatted(n) + " FROM t").items()).hasSize(15);
    assertThatThrownBy(() -> QueryParser.parse("SELECT " + fifteen.formatted(n) + ", y FROM t"))
        .hasMessageContaining("at most 15 items");
    String ten = "x = 1 AND x = 2 AND x = 3 AND x = 4 AND x = 5";
    assertThat(QueryParser.parse("SELECT x FROM t WHERE " + ten).condition()).isNotNull();
    assertThatThrownBy(() -> QueryParser.parse("SELECT x FROM t WHERE " + ten + " AND x = 6"))
        .hasMessageContaining("at most 10 operators");
    assertThatThrownBy(() -> QueryParser.parse("SELECT x FROM t" + " ".repeat(340)))
        .hasMessageContaining("at most 350 characters");
    assertThatThrownBy(() -> QueryParser.parse("  ")).hasMessageContaining("\"query\" is required");
  }
}
