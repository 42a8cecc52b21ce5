package io.flotilla.domain.group.filter;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Limits;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the device-group filter language (decision D-g):
 *
 * <pre>
 * filter     = SELECT * FROM devices [WHERE or]
 * or         = and {OR and}
 * and        = primary {AND primary}
 * primary    = "(" or ")" | field op literal | field IN "[" literal {"," literal} "]" | contains "(" field "," string ")"
 * field      = $template | $id | $displayName | $simulated | $provisioned | $enabled | name[.name]
 * op         = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
 * literal    = string ('...' or "...", escapes \" \' \\) | number (-?digits[.digits]) | true | false
 * </pre>
 *
 * Keywords and {@code $} fields are case-insensitive; property names are not. Errors are
 * {@link FlotillaException.Invalid} naming the 1-based position of the offending token.
 */
public final class FilterParser {

  /** The column's size: room for the default group's filter on the longest template id (2,048 characters). */
  public static final int MAX_LENGTH = Limits.FILTER;
  public static final int MAX_CONDITIONS = 100;
  static final int MAX_NESTING = 32;

  private static final Set<String> RESERVED = Set.of("select", "from", "where", "and", "or", "in", "true", "false");

  private final List<Token> tokens;
  private final TypeRules rules = new TypeRules();
  private int index;
  private int conditions;

  private FilterParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** Parses {@code text}; fails with {@link FlotillaException.Invalid} on any syntax, type or size error. */
  public static DeviceFilter parse(String text) {
    if (text == null) {
      throw new FlotillaException.Invalid("Invalid filter: a filter is required");
    }
    if (text.length() > MAX_LENGTH) {
      throw FilterError.at(MAX_LENGTH + 1, "a filter is at most " + MAX_LENGTH + " characters long");
    }
    return new DeviceFilter(text, new FilterParser(Tokenizer.tokenize(text)).filter());
  }

  private Condition filter() {
    keyword("SELECT", "SELECT");
    if (!current().isSymbol("*")) {
      throw expected("\"*\"");
    }
    index++;
    keyword("FROM", "FROM");
    keyword("devices", "devices");
    if (current().kind() == Token.Kind.END) {
      return new Condition.MatchAll();
    }
    keyword("WHERE", "WHERE or end of input");
    Condition condition = or(0);
    if (current().kind() != Token.Kind.END) {
      throw expected("AND, OR or end of input");
    }
    return condition;
  }

  private Condition or(int depth) {
    List<Condition> terms = new ArrayList<>();
    addFlattened(terms, and(depth), Condition.Or.class);
    while (current().isKeyword("OR")) {
      index++;
      addFlattened(terms, and(depth), Condition.Or.class);
    }
    return terms.size() == 1 ? terms.get(0) : new Condition.Or(terms);
  }

  private Condition and(int depth) {
    List<Condition> terms = new ArrayList<>();
    addFlattened(terms, primary(depth), Condition.And.class);
    while (current().isKeyword("AND")) {
      index++;
      addFlattened(terms, primary(depth), Condition.And.class);
    }
    return terms.size() == 1 ? terms.get(0) : new Condition.And(terms);
  }

  private static void addFlattened(List<Condition> terms, Condition term, Class<? extends Condition> kind) {
    if (term instanceof Condition.And and && kind == Condition.And.class) {
      terms.addAll(and.conditions());
    } else if (term instanceof Condition.Or or && kind == Condition.Or.class) {
      terms.addAll(or.conditions());
    } else {
      terms.add(term);
    }
  }

  private Condition primary(int depth) {
    Token start = current();
    if (start.isSymbol("(")) {
      if (depth >= MAX_NESTING) {
        throw FilterError.at(start.position(), "parentheses are nested more than " + MAX_NESTING + " deep");
      }
      index++;
      Condition inner = or(depth + 1);
      symbol(")");
      return inner;
    }
    if (++conditions > MAX_CONDITIONS) {
      throw FilterError.at(start.position(), "a filter has at most " + MAX_CONDITIONS + " conditions");
    }
    if (start.kind() != Token.Kind.WORD && start.kind() != Token.Kind.SYSTEM_FIELD) {
      throw expected("a condition");
    }
    if (start.isKeyword("contains") && peek().isSymbol("(")) {
      return contains();
    }
    Field field = field();
    Token operator = current();
    if (operator.isKeyword("IN")) {
      index++;
      return inList(field, operator);
    }
    Operator op = operator(operator);
    index++;
    Token value = current();
    Literal literal = literal();
    rules.checkComparison(field, op, operator, literal, value);
    return new Condition.Comparison(field, op, literal);
  }

  private Condition contains() {
    index++;
    symbol("(");
    Token fieldToken = current();
    Field field = field();
    rules.checkContains(field, fieldToken);
    symbol(",");
    Token text = current();
    if (text.kind() != Token.Kind.STRING) {
      throw expected("a string");
    }
    index++;
    symbol(")");
    return new Condition.Contains(field, text.value());
  }

  private Condition inList(Field field, Token in) {
    rules.checkIn(field, in);
    symbol("[");
    List<Literal> literals = new ArrayList<>();
    literals.add(inValue(field));
    while (current().isSymbol(",")) {
      index++;
      literals.add(inValue(field));
    }
    symbol("]");
    return new Condition.InList(field, literals);
  }

  private Literal inValue(Field field) {
    Token value = current();
    Literal literal = literal();
    rules.checkInValue(field, literal, value);
    return literal;
  }

  private Field field() {
    Token token = current();
    if (token.kind() == Token.Kind.SYSTEM_FIELD) {
      index++;
      return SystemField.named(token.text())
          .orElseThrow(() -> FilterError.at(token.position(), "unknown field " + Token.quoted(token.text())));
    }
    if (token.kind() != Token.Kind.WORD || RESERVED.contains(token.text().toLowerCase())) {
      throw expected("a field");
    }
    String[] parts = token.text().split("\\.", -1);
    if (parts.length > 2 || parts[parts.length - 1].isEmpty()) {
      throw FilterError.at(token.position(), "invalid property name " + Token.quoted(token.text())
          + " (use name or component.name)");
    }
    index++;
    return new PropertyField(token.text());
  }

  private Operator operator(Token token) {
    if (token.kind() == Token.Kind.SYMBOL) {
      switch (token.text()) {
        case "=": return Operator.EQUAL;
        case "!=", "<>": return Operator.NOT_EQUAL;
        case "<": return Operator.LESS;
        case "<=": return Operator.LESS_OR_EQUAL;
        case ">": return Operator.GREATER;
        case ">=": return Operator.GREATER_OR_EQUAL;
        default: break;
      }
    }
    throw expected("an operator (=, !=, <, <=, >, >=, IN)");
  }

  private Literal literal() {
    Token token = current();
    Literal literal;
    if (token.kind() == Token.Kind.STRING) {
      literal = new Literal.Text(token.value());
    } else if (token.kind() == Token.Kind.NUMBER) {
      literal = new Literal.Numeric(new BigDecimal(token.text()));
    } else if (token.isKeyword("true") || token.isKeyword("false")) {
      literal = new Literal.Bool(token.isKeyword("true"));
    } else {
      throw expected("a value");
    }
    index++;
    return literal;
  }

  private void keyword(String keyword, String what) {
    if (!current().isKeyword(keyword)) {
      throw expected(what);
    }
    index++;
  }

  private void symbol(String symbol) {
    if (!current().isSymbol(symbol)) {
      throw expected(Token.quoted(symbol));
    }
    index++;
  }

  private FlotillaException.Invalid expected(String what) {
    Token found = current();
    String after = index == 0 ? "" : " after " + tokens.get(index - 1).describe();
    return FilterError.at(found.position(), "expected " + what + after + " but found " + found.describe());
  }

  private Token current() {
    return tokens.get(index);
  }

  private Token peek() {
    return tokens.get(Math.min(index + 1, tokens.size() - 1));
  }
}
