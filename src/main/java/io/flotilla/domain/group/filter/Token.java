package io.flotilla.domain.group.filter;

/**
 * One lexical unit of a filter. {@code text} is the source text; {@code value} is the unescaped content of a
 * string. {@code position} is the 1-based offset of the first character (the input length + 1 for {@link Kind#END}).
 */
record Token(Kind kind, String text, String value, int position) {

  enum Kind {
    /** A bare word: keyword, property name or {@code contains}. May hold dots ({@code settings.targetTemp}). */
    WORD,
    /** {@code $} followed by a word. */
    SYSTEM_FIELD,
    STRING,
    NUMBER,
    /** {@code = != <> < <= > >= ( ) [ ] , *}. */
    SYMBOL,
    END
  }

  boolean isSymbol(String symbol) {
    return kind == Kind.SYMBOL && text.equals(symbol);
  }

  boolean isKeyword(String keyword) {
    return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
  }

  /** The token for an error message: {@code "AND"}, {@code string "abc"}, {@code end of input}. */
  String describe() {
    return switch (kind) {
      case END -> "end of input";
      case STRING -> "string " + quoted(value);
      default -> quoted(text);
    };
  }

  static String quoted(String text) {
    return '"' + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + '"';
  }
}
