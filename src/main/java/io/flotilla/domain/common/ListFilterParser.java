package io.flotilla.domain.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the {@code filter} of a list (2022-10-31-preview): {@code field eq|ne|lt|le|gt|ge literal},
 * {@code contains(field, 'text')}, {@code startswith(field, 'text')}, {@code and}, {@code or} ({@code and} binds
 * tighter) and parentheses. Literals are single-quoted strings ({@code ''} is a quote) or {@code true}/{@code false};
 * operators and functions are not case-sensitive, field names are. Every error is an {@code Invalid} naming the
 * 1-based position: {@code Invalid filter at position 9: unknown field "colour"}.
 */
public final class ListFilterParser {
  /** Longest filter text accepted. */
  public static final int MAX_LENGTH = 2048;
  private static final int MAX_DEPTH = 16;
  private static final int MAX_TERMS = 64;

  private final String text;
  private final List<ListField> fields;
  private int pos;
  private int depth;
  private int terms;

  private ListFilterParser(String text, List<ListField> fields) {
    this.text = text;
    this.fields = fields;
  }

  /** The filter over {@code fields}; fails with {@code Invalid} for anything else. */
  public static ListFilter parse(String text, List<ListField> fields) {
    if (text.length() > MAX_LENGTH) {
      throw new FlotillaException.Invalid("Invalid filter: longer than " + MAX_LENGTH + " characters.");
    }
    ListFilterParser p = new ListFilterParser(text, fields);
    ListFilter f = p.or();
    p.skipSpaces();
    if (p.pos < text.length()) {
      throw p.error("unexpected \"" + p.word() + "\"");
    }
    return f;
  }

  private ListFilter or() {
    List<ListFilter> parts = new ArrayList<>(List.of(and()));
    while (keyword("or")) {
      parts.add(and());
    }
    return parts.size() == 1 ? parts.get(0) : new ListFilter.Or(parts);
  }

  private ListFilter and() {
    List<ListFilter> parts = new ArrayList<>(List.of(primary()));
    while (keyword("and")) {
      parts.add(primary());
    }
    return parts.size() == 1 ? parts.get(0) : new ListFilter.And(parts);
  }

  private ListFilter primary() {
    skipSpaces();
    if (peek('(')) {
      if (++depth > MAX_DEPTH) {
        throw error("parentheses nested deeper than " + MAX_DEPTH);
      }
      pos++;
      ListFilter inner = or();
      expect(')');
      depth--;
      return inner;
    }
    if (++terms > MAX_TERMS) {
      throw error("more than " + MAX_TERMS + " conditions");
    }
    int start = pos;
    String name = identifier();
    skipSpaces();
    String lower = name.toLowerCase(Locale.ROOT);
    if (peek('(') && (lower.equals("contains") || lower.equals("startswith"))) {
      pos++;
      ListField field = field();
      expect(',');
      int at = skipSpaces();
      Object value = literal();
      if (!(value instanceof String s)) {
        throw error(at, lower + " needs a quoted string");
      }
      if (field.kind() != ListField.Kind.STRING) {
        throw error(start, lower + " needs a string field, \"" + field.name() + "\" is boolean");
      }
      expect(')');
      return lower.equals("contains") ? new ListFilter.Contains(field, s) : new ListFilter.StartsWith(field, s);
    }
    ListField field = resolve(name, start);
    int opAt = skipSpaces();
    String opWord = identifier().toLowerCase(Locale.ROOT);
    ListFilter.Operator op;
    try {
      op = ListFilter.Operator.valueOf(opWord.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw error(opAt, "expected eq, ne, lt, le, gt or ge, found \"" + opWord + "\"");
    }
    int valueAt = skipSpaces();
    Object value = literal();
    if (field.kind() == ListField.Kind.BOOLEAN) {
      if (!(value instanceof Boolean)) {
        throw error(valueAt, "\"" + field.name() + "\" is boolean: compare it with true or false");
      }
      if (op.isOrdering()) {
        throw error(opAt, "\"" + field.name() + "\" is boolean: only eq and ne apply");
      }
    } else if (!(value instanceof String)) {
      throw error(valueAt, "\"" + field.name() + "\" is a string: compare it with a quoted string");
    }
    return new ListFilter.Compare(field, op, value);
  }

  private ListField field() {
    int at = skipSpaces();
    return resolve(identifier(), at);
  }

  private ListField resolve(String name, int at) {
    return ListField.named(fields, name).orElseThrow(() -> error(at, "unknown field \"" + name
        + "\" (fields: " + String.join(", ", fields.stream().map(ListField::name).toList()) + ")"));
  }

  private Object literal() {
    if (peek('\'')) {
      StringBuilder sb = new StringBuilder();
      int start = pos++;
      while (true) {
        if (pos >= text.length()) {
          throw error(start, "unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '\'') {
          if (peek('\'')) {
            sb.append('\'');
            pos++;
            continue;
          }
          return sb.toString();
        }
        sb.append(c);
      }
    }
    int at = pos;
    String word = identifier();
    if (word.equals("true") || word.equals("false")) {
      return Boolean.valueOf(word);
    }
    throw error(at, "expected a quoted string, true or false, found \"" + word + "\"");
  }

  private String identifier() {
    int start = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
        || text.charAt(pos) == '@' || text.charAt(pos) == '$')) {
      pos++;
    }
    if (start == pos) {
      throw error(pos >= text.length() ? "unexpected end of filter" : "unexpected \"" + text.charAt(pos) + "\"");
    }
    return text.substring(start, pos);
  }

  private boolean keyword(String word) {
    int save = skipSpaces();
    int end = save + word.length();
    if (end <= text.length() && text.substring(save, end).equalsIgnoreCase(word)
        && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
      pos = end;
      return true;
    }
    pos = save;
    return false;
  }

  private void expect(char c) {
    skipSpaces();
    if (!peek(c)) {
      throw error(pos >= text.length() ? "expected \"" + c + "\" before the end"
          : "expected \"" + c + "\", found \"" + text.charAt(pos) + "\"");
    }
    pos++;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private int skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private String word() {
    int end = pos;
    while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && end - pos < 40) {
      end++;
    }
    return text.substring(pos, end);
  }

  private FlotillaException.Invalid error(String message) {
    return error(pos, message);
  }

  private FlotillaException.Invalid error(int at, String message) {
    return new FlotillaException.Invalid("Invalid filter at position " + (at + 1) + ": " + message + ".");
  }
}
