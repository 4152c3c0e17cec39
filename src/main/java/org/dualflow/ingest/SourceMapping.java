package org.dualflow.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A source format declared as data: a Java properties file in {@code schemas/sources/}.
 *
 * <pre>
 * source      = gacc                          name, used in input.&lt;source&gt; and the source column
 * description = China customs statistics export
 * encoding    = auto                          a charset name, or auto (UTF-8 if valid, else GB18030)
 * delimiter   = ,                             or tab, or auto (read off each file's header)
 * column.code = 商品编码 | HS编码              logical column = header names it may have
 * required    = code, partner_code             logical columns a file must have
 * option.flow = export                         a setting a job may change: input.gacc.flow
 * key         = period, code, partner_code     what identifies a record (fields or columns)
 * field.hs_code = hs_code(code)                each canonical field as an expression
 * totals.procedure = T | Total                 values of a column that mark total rows
 * levels      = one                           statistics at one product level per file
 * measure.indicators = VALUE_IN_EUROS          the measure the value column must hold
 * measure.indicators.required_with = OBS_VALUE  value headers that need that column
 * </pre>
 *
 * A {@code totals.<column>} line says that rows with those values are the totals of the rows
 * with other values (Eurostat's statistical procedure {@code T} of procedures 1, 2, 3, 9). A
 * file holding both kinds would count the same trade twice: it is refused, naming the column.
 *
 * <p>{@code levels = one} says that the source's files are statistics: a 6-digit code and the
 * longer codes under it (HS6 854231 and CN8 85423190) are the same trade at two levels, and a
 * file holding both would count it twice: it is refused, naming the code. Without it (the
 * default, {@code any}) codes of any length count, as shipment-level items do.
 *
 * <p>A {@code measure.<column>} line is for long layouts, where one generic column holds every
 * measure, one row each, and another column says which (Eurostat's SDMX-CSV: {@code OBS_VALUE}
 * beside {@code indicators} {@code VALUE_IN_EUROS}, {@code QUANTITY_IN_100KG},
 * {@code SUPPLEMENTARY_QUANTITY}). Rows whose column holds none of the listed values (any case)
 * are set aside as {@code other_measure}, by design and not held against the file: a quantity
 * is never added to values. Its {@code measure.<column>.required_with} line lists the headers
 * that are such generic columns: a file with one of them and without the measure column is
 * refused before it is read, since nothing would tell its values from its quantities. Files of
 * other layouts (a {@code VALUE_IN_EUR} column) need no measure column.
 *
 * Expressions are converter calls over logical columns and quoted literals, nested freely; the
 * converters are listed in {@link MappedFormat}. Anything the mapping does not set keeps the
 * canonical default (for example {@code freq} M).
 */
public final class SourceMapping implements Serializable {

  /** Canonical fields a mapping may set, in trade_records' terms. */
  static final Set<String> FIELDS = Set.of("freq", "period", "flow", "reporter_iso3",
      "partner_iso3", "partner2_iso3", "origin_iso3", "trading_iso3", "hs_code", "hs_edition",
      "value_orig", "currency_orig", "value_usd", "net_kg", "qty", "qty_unit", "customs_code",
      "transport_mode", "shipper", "consignee", "consignee_id", "manufacturer", "description",
      "document_id");
  /** Fields every record needs; a mapping must say how each is made. */
  static final List<String> REQUIRED_FIELDS = List.of("period", "flow", "reporter_iso3",
      "partner_iso3", "hs_code", "value_orig", "currency_orig");

  final String source;
  final String description;
  final String encoding;
  final char delimiter;
  final Map<String, List<String>> columns;
  final List<String> required;
  final Map<String, String> options;
  final List<String> key;
  final Map<String, Expr> fields;
  /** Per column, the values (lower case) that mark a total row. */
  final Map<String, Set<String>> totals;
  /** Per column, the measure rows must hold there and the headers that need the column. */
  final Map<String, Measure> measures;
  /** Whether a file's codes are one product level of statistics ({@code levels = one}). */
  final boolean oneLevel;

  /**
   * What a {@code measure.<column>} line asks of a column: one of {@code values} (any case),
   * and its presence in files with one of the {@code requiredWith} headers.
   */
  record Measure(List<String> values, List<String> requiredWith) implements Serializable {

    boolean accepts(String value) {
      return values.stream().anyMatch(v -> v.equalsIgnoreCase(value));
    }
  }

  private SourceMapping(String source, String description, String encoding, char delimiter,
      Map<String, List<String>> columns, List<String> required, Map<String, String> options,
      List<String> key, Map<String, Expr> fields, Map<String, Set<String>> totals,
      Map<String, Measure> measures, boolean oneLevel) {
    this.source = source;
    this.description = description;
    this.encoding = encoding;
    this.delimiter = delimiter;
    this.columns = columns;
    this.required = required;
    this.options = options;
    this.key = key;
    this.fields = fields;
    this.totals = totals;
    this.measures = measures;
    this.oneLevel = oneLevel;
  }

  /**
   * Parses a mapping.
   *
   * @param where the file's name, for messages
   * @throws IllegalArgumentException naming the key and what is wrong
   */
  public static SourceMapping parse(Reader text, String where) {
    Properties p = new Properties();
    try {
      p.load(text);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot read mapping " + where + ": " + e.getMessage());
    }
    String source = require(p, "source", where);
    if (!source.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("Invalid mapping " + where + ": source '" + source
          + "' must be lower-case letters, digits or _");
    }
    String delimiter = p.getProperty("delimiter", ",").trim();
    if (delimiter.equals("\\t") || delimiter.equalsIgnoreCase("tab")) {
      delimiter = "\t";
    } else if (delimiter.equalsIgnoreCase("auto")) {
      delimiter = String.valueOf(SourceFormat.AUTO_DELIMITER);
    }
    if (delimiter.length() != 1) {
      throw new IllegalArgumentException("Invalid mapping " + where + ": delimiter must be one "
          + "character");
    }
    Map<String, List<String>> columns = new LinkedHashMap<>();
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, Expr> fields = new LinkedHashMap<>();
    Map<String, Set<String>> totals = new LinkedHashMap<>();
    Map<String, List<String>> measureValues = new LinkedHashMap<>();
    Map<String, List<String>> requiredWith = new LinkedHashMap<>();
    for (String name : new TreeSet<>(p.stringPropertyNames())) {
      String value = p.getProperty(name).trim();
      if (name.startsWith("column.")) {
        List<String> headers = new ArrayList<>();
        for (String h : value.split("\\|")) {
          if (!h.isBlank()) {
            headers.add(h.trim());
          }
        }
        columns.put(name.substring(7), Collections.unmodifiableList(headers));
      } else if (name.startsWith("option.")) {
        options.put(name.substring(7), value);
      } else if (name.startsWith("totals.")) {
        Set<String> values = new java.util.HashSet<>();
        for (String v : value.split("\\|")) {
          if (!v.isBlank()) {
            values.add(v.trim().toLowerCase(java.util.Locale.ROOT));
          }
        }
        totals.put(name.substring(7), Collections.unmodifiableSet(values));
      } else if (name.startsWith("measure.") && name.endsWith(".required_with")) {
        requiredWith.put(name.substring(8, name.length() - 14), alternatives(value));
      } else if (name.startsWith("measure.")) {
        measureValues.put(name.substring(8), alternatives(value));
      } else if (name.startsWith("field.")) {
        String field = name.substring(6);
        if (!FIELDS.contains(field)) {
          throw new IllegalArgumentException("Invalid mapping " + where + ": field." + field
              + " is not a canonical field; known: " + new TreeSet<>(FIELDS));
        }
        try {
          Expr expr = Expr.parse(value);
          MappedFormat.check(expr);
          MappedFormat.checkType(field, expr);
          fields.put(field, expr);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("Invalid mapping " + where + ": field." + field
              + ": " + e.getMessage());
        }
      } else if (!Set.of("source", "description", "encoding", "delimiter", "required", "key",
          "levels").contains(name)) {
        throw new IllegalArgumentException("Invalid mapping " + where + ": unknown key " + name);
      }
    }
    for (String f : REQUIRED_FIELDS) {
      if (!fields.containsKey(f) && !(f.equals("value_orig") && fields.containsKey("value_usd"))) {
        throw new IllegalArgumentException("Invalid mapping " + where + ": field." + f
            + " is missing; every record needs it");
      }
    }
    String levels = p.getProperty("levels", "any").trim();
    if (!levels.equals("one") && !levels.equals("any")) {
      throw new IllegalArgumentException("Invalid mapping " + where + ": levels '" + levels
          + "' must be one (statistics, one product level per file) or any");
    }
    List<String> required = list(p.getProperty("required", ""));
    List<String> key = list(p.getProperty("key", ""));
    if (key.isEmpty()) {
      throw new IllegalArgumentException("Invalid mapping " + where + ": key is missing; list "
          + "the fields or columns that identify a record");
    }
    for (String c : required) {
      if (!columns.containsKey(c)) {
        throw new IllegalArgumentException("Invalid mapping " + where + ": required column " + c
            + " has no column." + c + " line");
      }
    }
    for (String k : key) {
      if (!columns.containsKey(k) && !fields.containsKey(k)) {
        throw new IllegalArgumentException("Invalid mapping " + where + ": key part " + k
            + " is neither a column nor a field");
      }
    }
    for (String c : totals.keySet()) {
      if (!columns.containsKey(c)) {
        throw new IllegalArgumentException("Invalid mapping " + where + ": totals." + c
            + " names a column that has no column." + c + " line");
      }
    }
    Map<String, Measure> measures = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> m : measureValues.entrySet()) {
      if (!columns.containsKey(m.getKey())) {
        throw new IllegalArgumentException("Invalid mapping " + where + ": measure." + m.getKey()
            + " names a column that has no column." + m.getKey() + " line");
      }
      if (m.getValue().isEmpty()) {
        throw new IllegalArgumentException("Invalid mapping " + where + ": measure." + m.getKey()
            + " lists no value; name the measure the value column must hold");
      }
      List<String> headers = requiredWith.getOrDefault(m.getKey(), List.of());
      for (String h : headers) {
        if (columns.values().stream().flatMap(List::stream).noneMatch(h::equalsIgnoreCase)) {
          throw new IllegalArgumentException("Invalid mapping " + where + ": measure."
              + m.getKey() + ".required_with names header " + h + ", which no column.* line lists");
        }
      }
      measures.put(m.getKey(), new Measure(m.getValue(), headers));
    }
    for (String c : requiredWith.keySet()) {
      if (!measureValues.containsKey(c)) {
        throw new IllegalArgumentException("Invalid mapping " + where + ": measure." + c
            + ".required_with has no measure." + c + " line saying which measure to read");
      }
    }
    for (Expr e : fields.values()) {
      for (String c : e.columns()) {
        if (!columns.containsKey(c)) {
          throw new IllegalArgumentException("Invalid mapping " + where + ": column " + c
              + " is used but has no column." + c + " line");
        }
      }
      for (String o : e.options()) {
        if (!options.containsKey(o)) {
          throw new IllegalArgumentException("Invalid mapping " + where + ": option '" + o
              + "' is used but has no option." + o + " line");
        }
      }
    }
    return new SourceMapping(source, p.getProperty("description", "").trim(),
        p.getProperty("encoding", "UTF-8").trim(), delimiter.charAt(0),
        Collections.unmodifiableMap(columns), required, Collections.unmodifiableMap(options),
        key, Collections.unmodifiableMap(fields), Collections.unmodifiableMap(totals),
        Collections.unmodifiableMap(measures), levels.equals("one"));
  }

  /** The non-blank parts of {@code a | b | c}, trimmed. */
  private static List<String> alternatives(String value) {
    return Arrays.stream(value.split("\\|")).map(String::trim).filter(x -> !x.isEmpty())
        .toList();
  }

  private static String require(Properties p, String key, String where) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("Invalid mapping " + where + ": " + key + " is missing");
    }
    return v.trim();
  }

  private static List<String> list(String s) {
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  public String source() {
    return source;
  }

  /** Options a job may set as {@code input.<source>.<option>}, with their defaults. */
  public Map<String, String> options() {
    return options;
  }

  public String encoding() {
    return encoding;
  }

  /**
   * An expression of a mapping: a quoted literal, a logical column, or a converter call.
   * Immutable and serialisable; evaluated by {@link MappedFormat}.
   */
  public record Expr(String function, String literal, String column, List<Expr> args)
      implements Serializable {

    static Expr parse(String text) {
      Parser p = new Parser(text);
      Expr e = p.expr();
      p.skipSpaces();
      if (p.pos != text.length()) {
        throw new IllegalArgumentException("unexpected '" + text.substring(p.pos) + "' in '"
            + text + "'");
      }
      return e;
    }

    /** Logical columns this expression reads. */
    Set<String> columns() {
      Set<String> out = new TreeSet<>();
      if (column != null) {
        out.add(column);
      }
      if (args != null) {
        args.forEach(a -> out.addAll(a.columns()));
      }
      return out;
    }

    /** Options this expression reads through option('name'). */
    Set<String> options() {
      Set<String> out = new TreeSet<>();
      if ("option".equals(function) && !args.isEmpty() && args.get(0).literal() != null) {
        out.add(args.get(0).literal());
      }
      if (args != null) {
        args.forEach(a -> out.addAll(a.options()));
      }
      return out;
    }

    @Override
    public String toString() {
      if (literal != null) {
        return "'" + literal + "'";
      }
      if (column != null) {
        return column;
      }
      return function + "(" + String.join(", ", args.stream().map(Expr::toString).toList())
          + ")";
    }
  }

  /** Recursive-descent parser for expressions. */
  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    Expr expr() {
      skipSpaces();
      if (pos >= text.length()) {
        throw new IllegalArgumentException("expression expected in '" + text + "'");
      }
      if (text.charAt(pos) == '\'') {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
          if (pos >= text.length()) {
            throw new IllegalArgumentException("unclosed quote in '" + text + "'");
          }
          char c = text.charAt(pos++);
          if (c == '\'') {
            if (pos < text.length() && text.charAt(pos) == '\'') {
              sb.append('\'');
              pos++;
              continue;
            }
            break;
          }
          sb.append(c);
        }
        return new Expr(null, sb.toString(), null, null);
      }
      int start = pos;
      while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos))
          || text.charAt(pos) == '_')) {
        pos++;
      }
      if (start == pos) {
        throw new IllegalArgumentException("unexpected '" + text.charAt(pos) + "' in '" + text
            + "'");
      }
      String name = text.substring(start, pos);
      skipSpaces();
      if (pos < text.length() && text.charAt(pos) == '(') {
        pos++;
        List<Expr> args = new ArrayList<>();
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == ')') {
          pos++;
        } else {
          while (true) {
            args.add(expr());
            skipSpaces();
            if (pos < text.length() && text.charAt(pos) == ',') {
              pos++;
            } else if (pos < text.length() && text.charAt(pos) == ')') {
              pos++;
              break;
            } else {
              throw new IllegalArgumentException("',' or ')' expected in '" + text + "'");
            }
          }
        }
        String function = name.toLowerCase(Locale.ROOT);
        if (!MappedFormat.FUNCTIONS.contains(function)) {
          throw new IllegalArgumentException("unknown converter " + name + "(); known: "
              + new TreeSet<>(MappedFormat.FUNCTIONS));
        }
        return new Expr(function, null, null, List.copyOf(args));
      }
      return new Expr(null, null, name, null);
    }
  }
}
