package io.flotilla.domain.history.query;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.history.query.Condition.Operator;
import io.flotilla.domain.history.query.TelemetryQuery.Aggregate;
import io.flotilla.domain.history.query.TelemetryQuery.Expression;
import io.flotilla.domain.history.query.TelemetryQuery.Function;
import io.flotilla.domain.history.query.TelemetryQuery.OrderBy;
import io.flotilla.domain.history.query.TelemetryQuery.SelectItem;
import io.flotilla.domain.history.query.TelemetryQuery.SystemField;
import io.flotilla.domain.history.query.TelemetryQuery.TelemetryRef;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads IoT Central's query language (docs/api.md, "Query"), by recursive descent:
 *
 * <pre>
 * query     = SELECT [TOP int] item {"," item} FROM templateId [WHERE or]
 *             [GROUP BY WINDOW "(" duration ")"] [ORDER BY operand [ASC | DESC]]
 * item      = (function "(" telemetry ")" | operand) [AS name]
 * function  = AVG | MIN | MAX | SUM | COUNT
 * operand   = $id | $ts | $provisioned | $simulated | name | component.name | alias
 * or        = and {OR and}
 * and       = primary {AND primary}
 * primary   = "(" or ")" | WITHIN_WINDOW "(" (duration | 'start/end') ")"
 *           | operand op literal | operand IN "[" literal {"," literal} "]"
 * op        = "=" | "!=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * literal   = 'text' | "text" | number | true | false
 * </pre>
 *
 * Keywords and {@code $} fields are case-insensitive, telemetry names and aliases are not. {@code WITHIN_WINDOW}
 * stands only at the top level of the {@code WHERE}, joined by {@code AND}. Every error is a
 * {@link FlotillaException.Invalid} naming the 1-based position of the offending text.
 */
public final class QueryParser {
  /** IoT Central's limits. */
  public static final int MAX_LENGTH = 350;
  public static final int MAX_ITEMS = 15;
  public static final int MAX_OPERATORS = 10;
  public static final int MAX_RECORDS = 10_000;
  private static final int MAX_NESTING = 10;

  private final String text;
  private int pos;
  private final List<SelectItem> items = new ArrayList<>();
  private int operators;
  private int depth;
  private TimeWindow window;

  private QueryParser(String text) {
    this.text = text;
  }

  /** Parses {@code text}; fails with {@link FlotillaException.Invalid} on any syntax or limit error. */
  public static TelemetryQuery parse(String text) {
    if (text == null || text.isBlank()) {
      throw new FlotillaException.Invalid("Invalid query: \"query\" is required.");
    }
    if (text.length() > MAX_LENGTH) {
      throw error(MAX_LENGTH + 1, "a query is at most " + MAX_LENGTH + " characters long");
    }
    return new QueryParser(text).query();
  }

  private TelemetryQuery query() {
    keyword("SELECT");
    Integer top = null;
    if (tryKeyword("TOP")) {
      int at = skipSpaces();
      long n = integer();
      if (n < 1 || n > MAX_RECORDS) {
        throw error(at, "TOP takes 1 to " + MAX_RECORDS);
      }
      top = (int) n;
    }
    do {
      item();
    } while (trySymbol(","));
    keyword("FROM");
    String templateId = templateId();
    Condition condition = null;
    if (tryKeyword("WHERE")) {
      condition = where();
    }
    IsoDuration groupWindow = null;
    if (tryKeyword("GROUP")) {
      keyword("BY");
      keyword("WINDOW");
      symbol("(");
      groupWindow = duration();
      symbol(")");
    }
    OrderBy orderBy = null;
    if (tryKeyword("ORDER")) {
      keyword("BY");
      int at = skipSpaces();
      Expression e = operand(true);
      boolean aggregated = items.stream().anyMatch(i -> i.expression() instanceof Aggregate);
      if (aggregated && !(e instanceof Aggregate) && e != SystemField.TS) {
        throw error(at, "a query of aggregates orders by $ts or one of its aggregates");
      }
      boolean descending = tryKeyword("DESC");
      if (!descending) {
        tryKeyword("ASC");
      }
      orderBy = new OrderBy(e, descending);
    }
    int end = skipSpaces();
    if (end <= text.length()) {
      throw error(end, "unexpected " + describe(end));
    }
    TelemetryQuery q = new TelemetryQuery(top, items, templateId, window, condition, groupWindow, orderBy);
    checkShape(q);
    return q;
  }

  private void item() {
    if (items.size() == MAX_ITEMS) {
      throw error(skipSpaces(), "at most " + MAX_ITEMS + " items may be selected");
    }
    int at = skipSpaces();
    if (peek() == '*') {
      throw error(at, "\"*\" is not supported: name the telemetry to select");
    }
    Expression e = aggregateOrOperand();
    String alias = null;
    if (tryKeyword("AS")) {
      int aliasAt = skipSpaces();
      alias = word();
      if (alias.isEmpty() || alias.startsWith("$") || alias.contains(".")) {
        throw error(aliasAt, "an alias is a name of letters, digits and \"_\"");
      }
    }
    SelectItem item = new SelectItem(e, alias);
    for (SelectItem other : items) {
      if (other.name().equals(item.name()) || (alias != null && other.expression().defaultName().equals(alias))
          || (other.alias() != null && e.defaultName().equals(other.alias()))) {
        throw error(at, "\"" + item.name() + "\" names another item of the query");
      }
    }
    items.add(item);
  }

  private Expression aggregateOrOperand() {
    int at = skipSpaces();
    String w = peekWord();
    int after = at - 1 + w.length();
    if (!w.isEmpty() && !w.startsWith("$") && after < text.length() && nextNonSpace(after) == '(') {
      String upper = w.toUpperCase(Locale.ROOT);
      if (upper.equals("FIRST") || upper.equals("LAST")) {
        throw error(at, upper + "() is not supported by Flotilla (AVG, MIN, MAX, SUM and COUNT are)");
      }
      Function f;
      try {
        f = Function.valueOf(upper);
      } catch (IllegalArgumentException e) {
        throw error(at, "unknown function \"" + w + "\" (AVG, MIN, MAX, SUM and COUNT are supported)");
      }
      pos += w.length();
      symbol("(");
      int argAt = skipSpaces();
      Expression arg = operand(false);
      if (!(arg instanceof TelemetryRef t)) {
        throw error(argAt, upper + "() takes a telemetry");
      }
      symbol(")");
      return new Aggregate(f, t);
    }
    return operand(false);
  }

  /** A system field, telemetry path or (when {@code aliases}) an item's alias resolved to its expression. */
  private Expression operand(boolean aliases) {
    int at = skipSpaces();
    String w = word();
    if (w.isEmpty()) {
      throw error(at, "expected a telemetry name or $ field, found " + describe(at));
    }
    if (w.startsWith("$")) {
      return SystemField.named(w).orElseThrow(() -> error(at, "unknown field \"" + w
          + "\" ($id, $ts, $provisioned and $simulated are known)"));
    }
    if (aliases) {
      for (SelectItem item : items) {
        if (w.equals(item.alias())) {
          return item.expression();
        }
      }
    }
    String[] parts = w.split("\\.", -1);
    if (parts.length > 2 || java.util.Arrays.stream(parts).anyMatch(p -> p.isEmpty() || !isNameStart(p.charAt(0)))) {
      throw error(at, "\"" + w + "\" is no telemetry name (name or component.name)");
    }
    return new TelemetryRef(w);
  }

  /** The conditions besides {@code WITHIN_WINDOW} (which sets {@link #window}), or null when there are none. */
  private Condition where() {
    return or(true);
  }

  /** {@code and {OR and}}; null when the only condition was a top-level {@code WITHIN_WINDOW}. */
  private Condition or(boolean top) {
    List<Condition> parts = new ArrayList<>();
    TimeWindow before = window;
    Condition first = and(top);
    while (true) {
      int orAt = skipSpaces();
      if (!tryKeyword("OR")) {
        break;
      }
      if (window != before) {
        throw error(orAt, "WITHIN_WINDOW is joined to the other conditions by AND");
      }
      countOperator(orAt);
      if (parts.isEmpty()) {
        parts.add(first);
      }
      parts.add(and(false));
    }
    if (parts.isEmpty()) {
      return first;
    }
    return new Condition.Or(parts);
  }

  private Condition and(boolean top) {
    List<Condition> parts = new ArrayList<>();
    boolean first = true;
    do {
      int at = skipSpaces();
      if (!first) {
        countOperator(at);
      }
      first = false;
      Condition c = primary(top);
      if (c != null) {
        parts.add(c);
      }
    } while (tryKeyword("AND"));
    if (parts.isEmpty()) {
      return null;
    }
    return parts.size() == 1 ? parts.get(0) : new Condition.And(parts);
  }

  private Condition primary(boolean top) {
    int at = skipSpaces();
    if (trySymbol("(")) {
      if (++depth > MAX_NESTING) {
        throw error(at, "conditions nest at most " + MAX_NESTING + " deep");
      }
      Condition inner = or(false);
      depth--;
      symbol(")");
      return inner;
    }
    if (peekWord().equalsIgnoreCase("WITHIN_WINDOW")) {
      if (!top) {
        throw error(at, "WITHIN_WINDOW stands at the top level of WHERE, joined by AND");
      }
      if (window != null) {
        throw error(at, "WITHIN_WINDOW is given once");
      }
      pos += "WITHIN_WINDOW".length();
      symbol("(");
      window = timeWindow();
      symbol(")");
      return null;
    }
    String w = peekWord();
    if (!w.isEmpty() && nextNonSpace(pos + w.length()) == '(') {
      throw error(at, "an aggregate cannot be a condition");
    }
    Expression left = operand(true);
    if (left instanceof Aggregate) {
      throw error(at, "an aggregate cannot be a condition");
    }
    int opAt = skipSpaces();
    countOperator(opAt);
    if (tryKeyword("IN")) {
      if (!(left instanceof TelemetryRef) && left != SystemField.ID) {
        throw error(at, "IN applies to telemetry and $id");
      }
      symbol("[");
      List<Object> values = new ArrayList<>();
      do {
        values.add(literal());
      } while (trySymbol(","));
      symbol("]");
      return new Condition.In(left, values);
    }
    String op = comparison();
    if (op == null) {
      throw error(opAt, "expected a comparison (=, !=, <>, <, <=, >, >=) or IN, found " + describe(opAt));
    }
    int valueAt = skipSpaces();
    Object value = literal();
    if (left == SystemField.TS && !(value instanceof String s && instant(s) != null)) {
      throw error(valueAt, "$ts compares with a date-time string such as '2021-06-13T13:00:00Z'");
    }
    if ((left == SystemField.PROVISIONED || left == SystemField.SIMULATED)
        && (!(value instanceof Boolean) || !(op.equals("=") || op.equals("!=") || op.equals("<>")))) {
      throw error(at, left.defaultName() + " compares with = or != to true or false");
    }
    if (left == SystemField.ID && !(value instanceof String)) {
      throw error(valueAt, "$id compares with a string");
    }
    return new Condition.Comparison(left, Operator.of(op), value);
  }

  private TimeWindow timeWindow() {
    int at = skipSpaces();
    char c = peek();
    if (c == '\'' || c == '"') {
      String interval = string();
      String[] ends = interval.split("/", -1);
      Instant start = ends.length == 2 ? instant(ends[0].trim()) : null;
      Instant end = ends.length == 2 ? instant(ends[1].trim()) : null;
      if (start == null || end == null || !start.isBefore(end)) {
        throw error(at, "a time interval is 'start/end', two RFC 3339 date-times with start before end");
      }
      return new TimeWindow.Between(start, end);
    }
    return new TimeWindow.Last(duration());
  }

  private IsoDuration duration() {
    int at = skipSpaces();
    String w = word();
    return IsoDuration.parse(w).orElseThrow(() -> error(at, "expected an ISO 8601 duration such as PT5M, P1D, "
        + "P2DT12H or P1W, found " + (w.isEmpty() ? describe(at) : "\"" + w + "\"")));
  }

  private static Instant instant(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private void checkShape(TelemetryQuery q) {
    boolean aggregated = q.aggregates();
    if (aggregated) {
      for (SelectItem i : q.items()) {
        if (!(i.expression() instanceof Aggregate) && i.expression() != SystemField.TS) {
          throw error(1, "\"" + i.name() + "\" is not an aggregate: a query of aggregates selects aggregates "
              + "(and $ts)");
        }
      }
    } else if (q.groupWindow() != null) {
      throw error(1, "GROUP BY WINDOW needs aggregates (AVG, MIN, MAX, SUM, COUNT) to select");
    }
    if (q.items().stream().anyMatch(i -> i.expression() == SystemField.PROVISIONED
        || i.expression() == SystemField.SIMULATED)) {
      throw error(1, "$provisioned and $simulated are conditions of a telemetry query, not items");
    }
  }

  private void countOperator(int at) {
    if (++operators > MAX_OPERATORS) {
      throw error(at, "a query has at most " + MAX_OPERATORS + " operators");
    }
  }

  private Object literal() {
    int at = skipSpaces();
    char c = peek();
    if (c == '\'' || c == '"') {
      return string();
    }
    if (c == '-' || isDigit(c)) {
      int start = pos;
      if (c == '-') {
        pos++;
      }
      while (pos < text.length() && (isDigit(text.charAt(pos)) || ".eE+-".indexOf(text.charAt(pos)) >= 0)) {
        pos++;
      }
      try {
        double d = Double.parseDouble(text.substring(start, pos));
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw error(at, "invalid number \"" + text.substring(start, pos) + "\"");
    }
    String w = peekWord();
    if (w.equalsIgnoreCase("true") || w.equalsIgnoreCase("false")) {
      pos += w.length();
      return Boolean.parseBoolean(w.toLowerCase(Locale.ROOT));
    }
    throw error(at, "expected a string, number, true or false, found " + describe(at));
  }

  private String string() {
    int at = skipSpaces();
    char quote = text.charAt(pos);
    StringBuilder value = new StringBuilder();
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == quote) {
        if (pos < text.length() && text.charAt(pos) == quote) {
          value.append(quote);
          pos++;
          continue;
        }
        return value.toString();
      }
      if (c == '\\' && pos < text.length()) {
        c = text.charAt(pos++);
      }
      value.append(c);
    }
    throw error(at, "unterminated string");
  }

  private long integer() {
    int at = skipSpaces();
    int start = pos;
    while (pos < text.length() && isDigit(text.charAt(pos)) && pos - start < 10) {
      pos++;
    }
    if (start == pos || (pos < text.length() && isDigit(text.charAt(pos)))) {
      throw error(at, "expected a whole number, found " + describe(at));
    }
    return Long.parseLong(text.substring(start, pos));
  }

  private String templateId() {
    int at = skipSpaces();
    int start = pos;
    while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    String id = text.substring(start, pos);
    if (id.isEmpty()) {
      throw error(at, "expected a device template id after FROM");
    }
    if (id.startsWith("'") || id.startsWith("\"") || id.startsWith("[")) {
      throw error(at, "FROM takes a bare (unquoted) device template id");
    }
    return id;
  }

  private String comparison() {
    for (String op : List.of("!=", "<>", "<=", ">=", "=", "<", ">")) {
      if (text.startsWith(op, pos)) {
        pos += op.length();
        return op;
      }
    }
    return null;
  }

  private void keyword(String keyword) {
    int at = skipSpaces();
    if (!tryKeyword(keyword)) {
      throw error(at, "expected " + keyword + ", found " + describe(at));
    }
  }

  private boolean tryKeyword(String keyword) {
    skipSpaces();
    String w = peekWord();
    if (w.equalsIgnoreCase(keyword)) {
      pos += w.length();
      return true;
    }
    return false;
  }

  private void symbol(String symbol) {
    int at = skipSpaces();
    if (!trySymbol(symbol)) {
      throw error(at, "expected \"" + symbol + "\", found " + describe(at));
    }
  }

  private boolean trySymbol(String symbol) {
    skipSpaces();
    if (text.startsWith(symbol, pos)) {
      pos += symbol.length();
      return true;
    }
    return false;
  }

  private String word() {
    String w = peekWord();
    pos += w.length();
    return w;
  }

  /** The word at the cursor: an optional {@code $}, then letters, digits, {@code _} and {@code .}. */
  private String peekWord() {
    int end = pos;
    if (end < text.length() && text.charAt(end) == '$') {
      end++;
    }
    while (end < text.length() && (isNameStart(text.charAt(end)) || isDigit(text.charAt(end))
        || text.charAt(end) == '.')) {
      end++;
    }
    return text.substring(pos, end);
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char nextNonSpace(int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i < text.length() ? text.charAt(i) : '\0';
  }

  /** Skips white space; answers the 1-based position of what follows (length + 1 at the end). */
  private int skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    return pos + 1;
  }

  private String describe(int position) {
    if (position > text.length()) {
      return "end of query";
    }
    String rest = text.substring(position - 1);
    String shown = rest.split("\\s", 2)[0];
    return "\"" + (shown.length() > 30 ? shown.substring(0, 30) + "..." : shown) + "\"";
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static FlotillaException.Invalid error(int position, String message) {
    return new FlotillaException.Invalid("Invalid query at position " + position + ": " + message + ".");
  }
}
