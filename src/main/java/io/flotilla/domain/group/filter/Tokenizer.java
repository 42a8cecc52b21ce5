package io.flotilla.domain.group.filter;

import java.util.ArrayList;
import java.util.List;

/** Splits a filter into tokens; the list always ends with one {@link Token.Kind#END}. */
final class Tokenizer {

  private final String input;
  private int index;

  private Tokenizer(String input) {
    this.input = input;
  }

  static List<Token> tokenize(String input) {
    return new Tokenizer(input).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      while (index < input.length() && Character.isWhitespace(input.charAt(index))) {
        index++;
      }
      if (index >= input.length()) {
        tokens.add(new Token(Token.Kind.END, "", null, input.length() + 1));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private Token next() {
    int start = index;
    char c = input.charAt(index);
    if (c == '"' || c == '\'') {
      return string(c);
    }
    if (isDigit(c) || (c == '-' && index + 1 < input.length() && isDigit(input.charAt(index + 1)))) {
      return number();
    }
    if (c == '$') {
      index++;
      skipWord();
      return token(Token.Kind.SYSTEM_FIELD, start);
    }
    if (isWordStart(c)) {
      skipWord();
      return token(Token.Kind.WORD, start);
    }
    String two = input.substring(index, Math.min(index + 2, input.length()));
    if (two.equals("!=") || two.equals("<>") || two.equals("<=") || two.equals(">=")) {
      index += 2;
      return token(Token.Kind.SYMBOL, start);
    }
    if ("=<>()[],*".indexOf(c) >= 0) {
      index++;
      return token(Token.Kind.SYMBOL, start);
    }
    throw FilterError.at(start + 1, "unexpected character " + Token.quoted(String.valueOf(c)));
  }

  private Token string(char quote) {
    int start = index;
    StringBuilder value = new StringBuilder();
    index++;
    while (index < input.length()) {
      char c = input.charAt(index);
      if (c == quote) {
        index++;
        return new Token(Token.Kind.STRING, input.substring(start, index), value.toString(), start + 1);
      }
      if (c == '\\') {
        if (index + 1 >= input.length()) {
          break;
        }
        char escaped = input.charAt(index + 1);
        if (escaped != '"' && escaped != '\'' && escaped != '\\') {
          throw FilterError.at(index + 1, "unknown escape " + Token.quoted("\\" + escaped)
              + " (only \\\", \\' and \\\\ are allowed)");
        }
        value.append(escaped);
        index += 2;
      } else {
        value.append(c);
        index++;
      }
    }
    throw FilterError.at(start + 1, "unterminated string");
  }

  private Token number() {
    int start = index;
    if (input.charAt(index) == '-') {
      index++;
    }
    skipDigits();
    if (index + 1 < input.length() && input.charAt(index) == '.' && isDigit(input.charAt(index + 1))) {
      index++;
      skipDigits();
    }
    if (index < input.length() && (isWordPart(input.charAt(index)) || input.charAt(index) == '$')) {
      skipWord();
      throw FilterError.at(start + 1, "invalid number " + Token.quoted(input.substring(start, index)));
    }
    return token(Token.Kind.NUMBER, start);
  }

  private Token token(Token.Kind kind, int start) {
    return new Token(kind, input.substring(start, index), null, start + 1);
  }

  private void skipDigits() {
    while (index < input.length() && isDigit(input.charAt(index))) {
      index++;
    }
  }

  private void skipWord() {
    while (index < input.length() && isWordPart(input.charAt(index))) {
      index++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isWordPart(char c) {
    return isWordStart(c) || isDigit(c) || c == '.';
  }
}
