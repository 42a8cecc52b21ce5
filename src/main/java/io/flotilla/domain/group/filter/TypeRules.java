package io.flotilla.domain.group.filter;

/**
 * Which literals and operators each field takes: flags ($simulated, $provisioned, $enabled) take true/false with
 * = and != only; $template, $id and $displayName take strings; {@code < <= > >=} need a number or a string;
 * properties take any literal.
 */
final class TypeRules {

  void checkComparison(Field field, Operator operator, Token operatorToken, Literal literal, Token literalToken) {
    if (field instanceof SystemField system && system.isFlag() && operator.isOrdering()) {
      throw FilterError.at(operatorToken.position(), "operator " + Token.quoted(operatorToken.text())
          + " cannot be used with " + system.text() + " (only = and !=)");
    }
    checkValue(field, literal, literalToken);
    if (operator.isOrdering() && literal instanceof Literal.Bool) {
      throw FilterError.at(literalToken.position(), "operator " + Token.quoted(operatorToken.text())
          + " needs a number or a string but found " + literalToken.describe());
    }
  }

  void checkIn(Field field, Token inToken) {
    if (field instanceof SystemField system && system.isFlag()) {
      throw FilterError.at(inToken.position(), "IN cannot be used with " + system.text() + " (use = or !=)");
    }
  }

  void checkInValue(Field field, Literal literal, Token literalToken) {
    checkValue(field, literal, literalToken);
  }

  void checkContains(Field field, Token fieldToken) {
    if (field instanceof SystemField system && system.isFlag()) {
      throw FilterError.at(fieldToken.position(), "contains() needs a string field but " + system.text()
          + " is true or false");
    }
  }

  private static void checkValue(Field field, Literal literal, Token literalToken) {
    if (!(field instanceof SystemField system)) {
      return;
    }
    if (system.isFlag() && !(literal instanceof Literal.Bool)) {
      throw FilterError.at(literalToken.position(), system.text() + " needs true or false but found "
          + literalToken.describe());
    }
    if (!system.isFlag() && !(literal instanceof Literal.Text)) {
      throw FilterError.at(literalToken.position(), system.text() + " needs a string but found "
          + literalToken.describe());
    }
  }
}
