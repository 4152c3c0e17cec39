package org.dualflow.ingest;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dualflow.ingest.SourceMapping.Expr;
import org.dualflow.reference.Countries;
import org.dualflow.reference.Fx;

/**
 * Reads any source declared by a {@link SourceMapping}: one generic path for China customs,
 * declarations, Comext and whatever comes next.
 *
 * <p>Converters a mapping can use:
 * <dl>
 *   <dt>{@code text(c)}</dt><dd>the trimmed text, null when empty</dd>
 *   <dt>{@code hs_code(c)}</dt><dd>a commodity code: dots and spaces dropped, 2 to 12 digits</dd>
 *   <dt>{@code decimal(c)} / {@code decimal(c, '1 234,5')} / {@code decimal(c,
 *       option('number'))}</dt><dd>a number written in the given {@link NumberLayout} (by
 *       default {@code 1234.5}); {@code 'grouping'} is {@code 1,234.5}. A value written
 *       otherwise is rejected, never read as another number</dd>
 *   <dt>{@code country(c, 'iso2|name')}</dt><dd>an alpha-3 code, trying the schemes in order:
 *       iso2, iso3, gacc, m49, comtrade, name</dd>
 *   <dt>{@code month(c, 'yyyyMM|MMM yyyy|dd.MM.yyyy')}</dt><dd>the month, trying the patterns
 *       in order (English month names, dots ignored; a date pattern gives its month)</dd>
 *   <dt>{@code year(c, 'yyyy52|Jan.-Dec. yyyy|yyyy')}</dt><dd>a year: the record is annual
 *       ({@code freq} A, period January of the year). In the patterns {@code yyyy} is the year,
 *       everything else literal (dots and spaces as in month)</dd>
 *   <dt>{@code lookup(c, 'X=export', 'M=import')}</dt><dd>a value from a fixed list; anything
 *       else is rejected</dd>
 *   <dt>{@code header_of(c, '美元=USD', '人民币=CNY')}</dt><dd>by which header the file names
 *       the column</dd>
 *   <dt>{@code kg(q1, u1, q2, u2)}</dt><dd>the quantity whose unit is kilograms (千克, kg, кг)</dd>
 *   <dt>{@code option('flow')}</dt><dd>a job setting, {@code input.<source>.flow}</dd>
 *   <dt>{@code filename_month()}, {@code filename_year()}, {@code filename_flow()}</dt><dd>what
 *       the file's name says. A month (2024-03 or 202403) only when it is the last number in
 *       the name: {@code export-2024-11_p1-123.csv} is a year's query of port 11, not
 *       November. A year: the first four-digit year in the name. A flow: 出口/export,
 *       进口/import</dd>
 *   <dt>{@code first(a, b, ...)}</dt><dd>the first of its arguments that gives a value</dd>
 *   <dt>{@code before_dash(c)}</dt><dd>the text before the first dash: the code of Eurostat's
 *       code-label mode ({@code 2-EXPORT}, {@code 202408-Aug. 2024})</dd>
 *   <dt>{@code when_absent(c, x)}</dt><dd>{@code x}, but only in files without column
 *       {@code c}: a fallback that must not stand in for a bad value of a column the file
 *       has</dd>
 *   <dt>{@code concat(a, b, ...)}</dt><dd>the texts joined; null if one is missing</dd>
 * </dl>
 * The reader then does what every source needs: direction and value basis from the flow, the
 * HS edition from the year (HS2017 for 2017-2021, HS2022 from 2022) unless mapped, US dollars
 * through the month's exchange rate (a month without a rate quarantines the record, naming the
 * currency and month), and the record's identity from the mapping's key.
 */
public final class MappedFormat implements SourceFormat {

  static final Set<String> FUNCTIONS = Set.of("text", "hs_code", "decimal", "country", "month",
      "year", "lookup", "header_of", "kg", "option", "filename_month", "filename_year",
      "filename_flow", "first", "concat", "when_absent", "before_dash");

  private static final Set<String> KG_UNITS = Set.of("千克", "公斤", "kg", "kgm", "кг",
      "килограмм", "kilogram", "kilograms");
  /** A year-month ending the name's numbers: nothing but non-digits after it. */
  private static final Pattern FILE_MONTH = Pattern.compile(
      "(?<!\\d)((?:19|20)\\d{2})[-_.]?(0[1-9]|1[0-2])(?!\\d)(?=\\D*$)");
  private static final Pattern FILE_YEAR = Pattern.compile("(?<!\\d)((?:19|20)\\d{2})(?!\\d)");
  /** A year-month anywhere in a name. */
  private static final Pattern ANY_MONTH = Pattern.compile(
      "(?<!\\d)(?:19|20)\\d{2}[-_.]?(?:0[1-9]|1[0-2])(?!\\d)");
  /** The names wuhulamb/customs-data's download.js gives: flow, year, port, page. */
  private static final Pattern QUERY_TOOL = Pattern.compile(
      "(?i)(import|export)-(19|20)\\d{2}-\\d+(_p\\d+-\\d+)?");

  private static final Set<String> COUNTRY_SCHEMES = Set.of("iso2", "iso3", "gacc", "m49",
      "comtrade", "name");

  /**
   * Checks a converter call's arguments when the mapping is read.
   *
   * @throws IllegalArgumentException saying what the converter expects
   */
  static void check(Expr e) {
    if (e.function() == null) {
      return;
    }
    List<Expr> a = e.args();
    String f = e.function();
    java.util.function.IntPredicate isLiteral = i -> i < a.size() && a.get(i).literal() != null;
    String problem = switch (f) {
      case "text", "hs_code", "before_dash" -> a.size() == 1 ? null : "takes one argument";
      case "decimal" -> a.size() == 1 || (a.size() == 2 && (isOption(a.get(1))
          || (isLiteral.test(1) && isNumberLayout(a.get(1).literal())))) ? null
          : "takes a column and optionally a number layout, one of " + NumberLayout.NAMES
              + ", or option('name')";
      case "country" -> a.size() == 2 && isLiteral.test(1) && java.util.Arrays.stream(
          a.get(1).literal().split("\\|")).map(String::trim).allMatch(COUNTRY_SCHEMES::contains)
          ? null : "takes a column and schemes like 'iso2|name' from " + COUNTRY_SCHEMES;
      case "month" -> a.size() == 2 && isLiteral.test(1) ? null
          : "takes a column and patterns like 'yyyyMM|MMM yyyy'";
      case "year" -> a.size() == 2 && isLiteral.test(1) && java.util.Arrays.stream(
          a.get(1).literal().split("\\|")).allMatch(p -> p.contains("yyyy")) ? null
          : "takes a column and patterns with yyyy like 'yyyy52|Jan.-Dec. yyyy'";
      case "lookup", "header_of" -> a.size() >= 2 && java.util.stream.IntStream
          .range(1, a.size()).allMatch(i -> isLiteral.test(i) && a.get(i).literal().contains("="))
          && (f.equals("lookup") || a.get(0).column() != null) ? null
          : "takes a column and 'value=result' pairs";
      case "kg" -> a.size() >= 2 && a.size() % 2 == 0 ? null
          : "takes (quantity, unit) pairs";
      case "option" -> a.size() == 1 && isLiteral.test(0) ? null : "takes one 'name'";
      case "filename_month", "filename_year", "filename_flow" -> a.isEmpty() ? null
          : "takes no argument";
      case "first", "concat" -> a.isEmpty() ? "takes at least one argument" : null;
      case "when_absent" -> a.size() == 2 && a.get(0).column() != null ? null
          : "takes a column and an expression";
      default -> "is unknown";
    };
    if (problem != null) {
      throw new IllegalArgumentException(f + "() " + problem + ": " + e);
    }
    a.forEach(MappedFormat::check);
  }

  /** What a converter gives: a number, a month, a year or text. */
  enum Kind { NUMBER, MONTH, YEAR, TEXT }

  /** Fields that hold numbers, and the period, which holds a month or a year. */
  private static final Set<String> NUMBER_FIELDS = Set.of("value_orig", "value_usd", "net_kg",
      "qty");

  /**
   * Checks, when the mapping is read, that a field is made of what it holds: a number field
   * of decimal() or kg(), the period of month() or year(), every other field of text. A
   * mapping that puts text into a number field is a mistake to name now, not a failure of every
   * record later.
   *
   * @throws IllegalArgumentException saying what the field gets and what it needs
   */
  static void checkType(String field, Expr e) {
    Set<Kind> gives = kinds(e);
    Set<Kind> allowed = NUMBER_FIELDS.contains(field) ? Set.of(Kind.NUMBER)
        : field.equals("period") ? Set.of(Kind.MONTH, Kind.YEAR) : Set.of(Kind.TEXT);
    if (!allowed.containsAll(gives)) {
      String need = NUMBER_FIELDS.contains(field) ? "a number: use decimal(column) or kg(...)"
          : field.equals("period") ? "a month or a year: use month(column, 'pattern') or "
              + "year(column, 'pattern')" : "text";
      throw new IllegalArgumentException(e + " gives " + gives.stream().map(k -> k.name()
          .toLowerCase(Locale.ROOT)).sorted().toList() + ", but " + field + " needs " + need);
    }
  }

  /** The kinds of value an expression may give. */
  private static Set<Kind> kinds(Expr e) {
    if (e.literal() != null) {
      return Set.of(isNumber(e.literal()) ? Kind.NUMBER : Kind.TEXT);
    }
    if (e.column() != null) {
      return Set.of(Kind.TEXT);
    }
    return switch (e.function()) {
      case "decimal", "kg" -> Set.of(Kind.NUMBER);
      case "month", "filename_month" -> Set.of(Kind.MONTH);
      case "year", "filename_year" -> Set.of(Kind.YEAR);
      case "first" -> {
        Set<Kind> all = java.util.EnumSet.noneOf(Kind.class);
        e.args().forEach(x -> all.addAll(kinds(x)));
        yield all;
      }
      case "when_absent" -> kinds(e.args().get(1));
      default -> Set.of(Kind.TEXT);
    };
  }

  private static boolean isNumber(String s) {
    try {
      new BigDecimal(s.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isOption(Expr e) {
    return "option".equals(e.function());
  }

  private static boolean isNumberLayout(String name) {
    try {
      NumberLayout.of(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** What a commodity code may be written with: 8542.31.00, 8542 31 are 85423100, 854231. */
  private static final Pattern CODE_SEPARATORS = Pattern.compile("[.\\s]");
  private static final Pattern CODE = Pattern.compile("\\d{2,12}");
  /** Eurostat's confidential (85RRR100) and masked (39XXXXXX) product codes. */
  private static final Pattern CONFIDENTIAL_CODE = Pattern.compile("\\d{0,6}[RX]{2,}\\d*");

  /** True when some month() or year() of the mapping that reads an option reads {@code v}. */
  private boolean readsAsPeriod(String v) {
    List<Expr> uses = new ArrayList<>();
    mapping.fields.values().forEach(f -> collectPeriodUses(f, uses));
    return uses.stream().anyMatch(u -> u.function().equals("month")
        ? parseMonth(v, u.args().get(1).literal()) != null
        : parseYear(v, u.args().get(1).literal()) != null);
  }

  private String periodForms(String option) {
    List<Expr> uses = new ArrayList<>();
    mapping.fields.values().forEach(f -> collectPeriodUses(f, uses));
    return String.join(" or ", uses.stream().filter(u -> u.args().get(0).args().get(0).literal()
        .equals(option)).map(u -> (u.function().equals("month") ? "a month like " : "a year "
        + "like ") + u.args().get(1).literal().replace("yyyy", "2024").replace("MM", "03"))
        .toList());
  }

  private static void collectPeriodUses(Expr e, List<Expr> uses) {
    if (e == null || e.function() == null) {
      return;
    }
    if ((e.function().equals("month") || e.function().equals("year")) && e.args().size() == 2
        && isOption(e.args().get(0))) {
      uses.add(e);
    }
    e.args().forEach(x -> collectPeriodUses(x, uses));
  }

  /** Number layouts by name, made once. */
  private static final Map<String, NumberLayout> NUMBER_LAYOUTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Month formatters by pattern, made once: building one per record was most of the parse. */
  private static final Map<String, DateTimeFormatter> MONTH_FORMATS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Year patterns ({@code yyyy} and literal text) as regular expressions, made once. */
  private static final Map<String, Pattern> YEAR_FORMATS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final SourceMapping mapping;
  private final Map<String, String> options;
  private final Countries countries;
  private final Fx fx;

  /**
   * @param jobOptions values a job set for this source's options (others keep their default)
   */
  public MappedFormat(SourceMapping mapping, Map<String, String> jobOptions, Countries countries,
      Fx fx) {
    this.mapping = mapping;
    Map<String, String> o = new LinkedHashMap<>(mapping.options);
    o.putAll(jobOptions);
    this.options = o;
    this.countries = countries;
    this.fx = fx;
    mapping.fields.values().forEach(this::checkOptionValues);
  }

  /**
   * A job's value for an option must be what its converters read: a number layout, or a month
   * or year in one of the patterns that read it ({@code input.gacc.period=202403} is neither
   * 2024-03 nor 2024, and is said so before the run, not taken for missing).
   */
  private void checkOptionValues(Expr e) {
    if (e == null || e.function() == null) {
      return;
    }
    if ((e.function().equals("month") || e.function().equals("year")) && e.args().size() == 2
        && isOption(e.args().get(0))) {
      String name = e.args().get(0).args().get(0).literal();
      String value = options.get(name);
      if (value != null && !value.isBlank() && !readsAsPeriod(value.trim())) {
        throw new IllegalArgumentException("input." + mapping.source + "." + name + ": '"
            + value + "' is not " + periodForms(name));
      }
    }
    if (e.function().equals("decimal") && e.args().size() == 2 && isOption(e.args().get(1))) {
      String name = e.args().get(1).args().get(0).literal();
      String value = options.get(name);
      try {
        NumberLayout.of(value == null ? "" : value);
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("input." + mapping.source + "." + name + ": "
            + bad.getMessage());
      }
    }
    e.args().forEach(this::checkOptionValues);
  }

  @Override
  public String name() {
    return mapping.source;
  }

  @Override
  public String encoding() {
    return options.getOrDefault("encoding", mapping.encoding);
  }

  @Override
  public char delimiter() {
    return mapping.delimiter;
  }

  /** A layout with total rows refuses a file that has totals and single values anywhere in it. */
  @Override
  public boolean splittable() {
    return mapping.totals.isEmpty();
  }

  @Override
  public RecordParser parserFor(List<String> header, String file) {
    Map<String, Integer> byHeader = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      byHeader.putIfAbsent(normalizeHeader(header.get(i)), i);
    }
    Map<String, Integer> index = new HashMap<>();
    Map<String, String> matched = new HashMap<>();
    for (Map.Entry<String, List<String>> c : mapping.columns.entrySet()) {
      for (String h : c.getValue()) {
        Integer i = byHeader.get(normalizeHeader(h));
        if (i != null) {
          index.put(c.getKey(), i);
          matched.put(c.getKey(), header.get(i).trim());
          break;
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String c : mapping.required) {
      if (!index.containsKey(c)) {
        missing.add(String.join(" or ", mapping.columns.get(c)));
      }
    }
    if (!missing.isEmpty()) {
      throw InputFileException.headerMismatch("Cannot read " + file + " as " + mapping.source
          + (mapping.description.isEmpty() ? "" : " (" + mapping.description + ")")
          + ": the header lacks " + String.join(", ", missing) + " (first line: "
          + FieldValues.abbreviate(String.join(",", header)) + "); if the file is right, check "
          + "its encoding (input." + mapping.source + ".encoding, now " + encoding() + ")");
    }
    checkMeasureColumns(index, matched, file);
    Parser parser = new Parser(header.size(), index, matched, file);
    parser.checkDatable();
    return parser;
  }

  /**
   * A file whose value comes from a generic column ({@code OBS_VALUE}) must have the column that
   * says which measure each row holds (see SourceMapping's measure lines): without it, its
   * quantities would be read as values. Refused before any record is read.
   */
  private void checkMeasureColumns(Map<String, Integer> index, Map<String, String> matched,
      String file) {
    for (Map.Entry<String, SourceMapping.Measure> m : mapping.measures.entrySet()) {
      if (index.containsKey(m.getKey())) {
        continue;
      }
      for (String generic : m.getValue().requiredWith()) {
        String found = matched.values().stream()
            .filter(h -> normalizeHeader(h).equals(normalizeHeader(generic)))
            .findFirst().orElse(null);
        if (found != null) {
          String column = String.join(" or ", mapping.columns.get(m.getKey()));
          throw new InputFileException("Cannot read " + file + " as " + mapping.source + ": its "
              + found + " may be a quantity as well as " + String.join(" or ",
              m.getValue().values()) + " (one row per measure) and it has no " + column
              + " column to say which; quantities are never added to values: download it "
              + "again with the " + column + " dimension");
        }
      }
    }
  }

  private static String normalizeHeader(String h) {
    return h.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /**
   * The name without its extensions (.csv, .csv.gz) and a download's copy marker ("name
   * (1).csv"): only the name's own numbers.
   */
  private static String baseName(String name) {
    return name.replaceFirst("(\\.[A-Za-z][A-Za-z0-9]{0,3})+$", "")
        .replaceFirst("\\s*\\(\\d+\\)$", "");
  }

  /** The month {@code s} is in one of the patterns ({@code yyyyMM|MMM yyyy}), or null. */
  static YearMonth parseMonth(String s, String patterns) {
    String cleaned = s.replace(".", " ").replaceAll("\\s+", " ").trim();
    for (String pattern : patterns.split("\\|")) {
      String p = pattern.replace(".", " ").replaceAll("\\s+", " ").trim();
      try {
        DateTimeFormatter f = MONTH_FORMATS.computeIfAbsent(p, x ->
            new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive()
                .appendPattern(x).toFormatter(Locale.ENGLISH));
        return p.contains("d") ? YearMonth.from(LocalDate.parse(cleaned, f))
            : YearMonth.parse(cleaned, f);
      } catch (DateTimeParseException ex) {
        // try the next pattern
      }
    }
    return null;
  }

  /** The year {@code s} is in one of the patterns ({@code yyyy52|Jan.-Dec. yyyy}), or null. */
  static java.time.Year parseYear(String s, String patterns) {
    String cleaned = s.replace(".", " ").replaceAll("\\s+", " ").trim();
    for (String pattern : patterns.split("\\|")) {
      Matcher m = YEAR_FORMATS.computeIfAbsent(pattern, MappedFormat::yearPattern)
          .matcher(cleaned);
      if (m.matches()) {
        return java.time.Year.of(Integer.parseInt(m.group(1)));
      }
    }
    return null;
  }

  /** A year pattern as a regular expression: yyyy a year, the rest literal. */
  private static Pattern yearPattern(String pattern) {
    String p = pattern.replace(".", " ").replaceAll("\\s+", " ").trim();
    String[] parts = p.split("yyyy", -1);
    StringBuilder re = new StringBuilder(Pattern.quote(parts[0]));
    for (int i = 1; i < parts.length; i++) {
      re.append("((?:19|20)\\d{2})").append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
  }

  private static String fileName(String uri) {
    int slash = uri.lastIndexOf('/');
    return slash < 0 ? uri : uri.substring(slash + 1);
  }

  /** Parses one file's records; knows where each logical column is in that file. */
  final class Parser implements RecordParser {
    private final int fieldCount;
    private final Map<String, Integer> index;
    private final Map<String, String> matchedHeader;
    private final String file;
    private final String fileName;
    /** Per decimal() call (its argument list, by identity), the file's number layout. */
    private final Map<List<Expr>, NumberLayout> layouts = new java.util.IdentityHashMap<>();
    /** Per totals column: whether a total row and whether another row was seen. */
    private final Map<String, boolean[]> totalsSeen = new HashMap<>();
    /** The countable 6-digit codes read, with the first line of each. */
    private final Map<String, Long> sixDigitLines = new HashMap<>();
    /** The first six digits of the countable longer codes read, with the first such line. */
    private final Map<String, Long> longerCodeLines = new HashMap<>();
    private RecordReader record;

    Parser(int fieldCount, Map<String, Integer> index, Map<String, String> matchedHeader,
        String file) {
      this.fieldCount = fieldCount;
      this.index = index;
      this.matchedHeader = matchedHeader;
      this.file = file;
      this.fileName = fileName(file);
    }

    /**
     * A file that has none of the columns its period is read from must be dated by itself (a
     * job option, its name), or no line of it can be: refused before it is read.
     */
    void checkDatable() {
      Expr period = mapping.fields.get("period");
      if (period.columns().stream().anyMatch(index::containsKey)) {
        return;
      }
      Object p;
      try {
        p = eval(period);
      } catch (Rejection e) {
        p = null;
      }
      if (p == null) {
        List<String> columns = period.columns().stream()
            .map(c -> String.join(" or ", mapping.columns.get(c))).toList();
        String option = period.options().stream().findFirst().orElse(null);
        throw new InputFileException("Cannot read " + file + ": nothing says which month or "
            + "year it covers (it has no " + String.join(", ", columns) + " column"
            + (option == null ? "" : ", input." + mapping.source + "." + option + " is not set")
            + " and its name gives no month or year)" + (option == null ? ""
                : "; set input." + mapping.source + "." + option + "=2024 for a year's figures "
                    + "or 2024-03 for a month's"));
      }
    }

    /**
     * A file with both total rows and the rows they total would count its trade twice: it is
     * refused whole (see SourceMapping's totals lines).
     */
    private void checkTotals() {
      for (Map.Entry<String, java.util.Set<String>> t : mapping.totals.entrySet()) {
        String v = raw(t.getKey());
        if (v == null || v.isEmpty()) {
          continue;
        }
        boolean[] seen = totalsSeen.computeIfAbsent(t.getKey(), k -> new boolean[2]);
        seen[t.getValue().contains(v.toLowerCase(Locale.ROOT)) ? 0 : 1] = true;
        if (seen[0] && seen[1]) {
          throw new InputFileException("Cannot read " + file + ": its " + header(t.getKey())
              + " column has both totals and the single values they add up (line "
              + record.lineNumber() + " has '" + v + "'); adding both would count the same "
              + "trade twice: export either the totals or the single values");
        }
      }
    }

    /**
     * A 6-digit line and the longer lines under it (HS6 854231 and CN8 85423190, as Eurostat's
     * relational view gives them when several product levels are chosen) are the same trade
     * twice, and both would count: the file is refused whole, as for totals. A longer code
     * that refines no 6-digit line of the file, and the reverse, is fine. Only for sources of
     * statistics ({@code levels = one}: Comext, China customs), not shipment-level data, where
     * a 6-digit item and a 10-digit item are different goods. A file read in splits is checked
     * within each split (Comext's layouts, which have totals, are always read whole).
     */
    private void checkLevels(Object[] row) {
      if (!mapping.oneLevel || !Boolean.TRUE.equals(row[Ingested.IS_COUNTABLE])) {
        return;
      }
      String code = (String) row[Ingested.HS_CODE];
      String head = code.substring(0, 6);
      long line = record.lineNumber();
      boolean six = code.length() == 6;
      (six ? sixDigitLines : longerCodeLines).putIfAbsent(head, line);
      Long other = (six ? longerCodeLines : sixDigitLines).get(head);
      if (other != null) {
        throw new InputFileException("Cannot read " + file + ": it has the 6-digit code " + head
            + " and longer codes under it (lines " + Math.min(line, other) + " and "
            + Math.max(line, other) + "); adding both would count the same trade twice: "
            + "export the codes of one length (6 or 8 digits), not both");
      }
    }

    /**
     * A row of another measure than the one read (a quantity beside the value in euros) is set
     * aside with its own reason, after the period so that it is dated like any other row.
     */
    private void checkMeasures() throws Rejection {
      for (Map.Entry<String, SourceMapping.Measure> m : mapping.measures.entrySet()) {
        String v = raw(m.getKey());
        if (v == null) {
          continue;                         // a layout without the column (checked per file)
        }
        List<String> wanted = m.getValue().values();
        if (v.isEmpty()) {
          throw new Rejection(Rejection.MISSING_VALUE, header(m.getKey()) + " is empty: "
              + "nothing says whether the row's value is " + String.join(" or ", wanted));
        }
        if (!m.getValue().accepts(v)) {
          throw new Rejection(Rejection.OTHER_MEASURE, header(m.getKey()) + " '"
              + FieldValues.abbreviate(v) + "' is not the value this source reads ("
              + String.join(" or ", wanted) + "); quantities are never added to values");
        }
      }
    }

    @Override
    public Map<String, String> columns() {
      return new java.util.TreeMap<>(matchedHeader);
    }

    @Override
    public void parse(RecordReader r, Object[] row) {
      record = r;
      try {
        if (r.problem() != null) {
          throw new Rejection(Rejection.MALFORMED_CSV, r.problem());
        }
        if (r.fieldCount() != fieldCount) {
          throw new Rejection(Rejection.FIELD_COUNT, "expected " + fieldCount
              + " fields as in the header, found " + r.fieldCount());
        }
        checkTotals();
        Map<String, Object> values = new HashMap<>();
        // The period first, so that a record rejected later still says which month it is.
        Object period = eval(mapping.fields.get("period"));
        YearMonth month;
        if (period instanceof YearMonth m) {
          month = m;
        } else if (period instanceof java.time.Year y) {
          month = y.atMonth(1);             // an annual record belongs to January of its year
          values.put("freq", "A");
        } else {
          throw new Rejection(Rejection.BAD_PERIOD, "no month: " + describe("period"));
        }
        row[Ingested.PERIOD] = Date.valueOf(month.atDay(1));
        row[Ingested.PERIOD_KEY] = month.toString();
        checkMeasures();
        values.put("period", month);
        for (Map.Entry<String, Expr> f : mapping.fields.entrySet()) {
          if (!f.getKey().equals("period") && !values.containsKey(f.getKey())) {
            values.put(f.getKey(), eval(f.getValue()));
          }
        }
        fill(row, values, month);
        checkLevels(row);
        row[Ingested.SOURCE_KEY] = sourceKey(values);
        row[Ingested.ROW_STATUS] = Ingested.ACCEPTED;
      } catch (Rejection e) {
        Ingested.setRejected(row, e, r.rawText());
      }
    }

    /** What a field is made of, in the file's own header names, for messages. */
    private String describe(String field) {
      Expr e = mapping.fields.get(field);
      String text = e.toString();
      for (Map.Entry<String, String> m : matchedHeader.entrySet()) {
        text = text.replaceAll("\\b" + Pattern.quote(m.getKey()) + "\\b",
            Matcher.quoteReplacement(m.getValue()));
      }
      return field + " = " + text;
    }

    private void fill(Object[] row, Map<String, Object> v, YearMonth month) throws Rejection {
      String freq = string(v, "freq", "M");
      if (!freq.equals("M") && !freq.equals("A")) {
        throw new Rejection(Rejection.BAD_PERIOD, "freq '" + freq + "' is not M or A");
      }
      row[Ingested.FREQ] = freq;
      String code = string(v, "hs_code", null);
      if (code == null) {
        throw new Rejection(Rejection.MISSING_COMMODITY_CODE, "no commodity code: "
            + describe("hs_code"));
      }
      String reporter = required(v, "reporter_iso3");
      String partner = required(v, "partner_iso3");
      String flow = required(v, "flow");
      if (!Ingested.setDirection(row, flow, reporter, partner)) {
        throw new Rejection(Rejection.UNSUPPORTED_FLOW, "flow '" + flow + "' is not export, "
            + "import, re-export or re-import");
      }
      String edition = string(v, "hs_edition", null);
      if (edition == null) {
        if (month.getYear() < 2017) {
          throw new Rejection(Rejection.UNSUPPORTED_CLASSIFICATION, month
              + " predates HS 2017: only HS2017 and HS2022 codes can be bridged to the lists");
        }
        edition = month.getYear() >= 2022 ? "HS2022" : "HS2017";
      } else if (!edition.equals("HS2017") && !edition.equals("HS2022")) {
        throw new Rejection(Rejection.UNSUPPORTED_CLASSIFICATION, "hs_edition '" + edition
            + "' is not HS2017 or HS2022");
      }
      String currency = required(v, "currency_orig").toUpperCase(Locale.ROOT);
      if (!currency.matches("[A-Z]{3}")) {
        throw new Rejection(Rejection.UNSUPPORTED_VALUE, "currency '" + currency
            + "' is not an ISO 4217 code");
      }
      BigDecimal valueOrig = amount(v, "value_orig", 20, 2);
      BigDecimal valueUsd = amount(v, "value_usd", 18, 2);
      if (valueUsd == null) {
        if (valueOrig == null) {
          throw new Rejection(Rejection.MISSING_VALUE, "no value: " + describe(
              mapping.fields.containsKey("value_orig") ? "value_orig" : "value_usd"));
        }
        boolean annual = freq.equals("A");
        valueUsd = annual ? fx.toUsd(valueOrig, currency, java.time.Year.of(month.getYear()))
            : fx.toUsd(valueOrig, currency, month);
        if (valueUsd == null) {
          throw new Rejection(Rejection.MISSING_FX_RATE, "no " + currency + " rate for "
              + (annual ? "every month of " + month.getYear() : month)
              + " in fx-monthly.csv (rates: " + fx.coverage().getOrDefault(currency, "none")
              + "); add the rate to reference.dir/fx-monthly.csv");
        }
        if (valueUsd.precision() - valueUsd.scale() > 16) {
          throw new Rejection(Rejection.VALUE_OVERFLOW, "value " + valueOrig + " " + currency
              + " is " + valueUsd + " USD, which does not fit DECIMAL(18,2)");
        }
      }
      int level = code.equals("TOTAL") ? 0 : code.length();
      row[Ingested.HS_CODE] = code;
      row[Ingested.HS_LEVEL] = level;
      row[Ingested.HS6] = level >= 6 ? code.substring(0, 6) : null;
      row[Ingested.HS_EDITION] = edition;
      row[Ingested.VALUE_USD] = valueUsd;
      row[Ingested.VALUE_ORIG] = valueOrig != null ? valueOrig : valueUsd;
      row[Ingested.CURRENCY_ORIG] = valueOrig != null ? currency : "USD";
      row[Ingested.NET_KG] = amount(v, "net_kg", 20, 3);
      row[Ingested.QTY] = amount(v, "qty", 20, 3);
      row[Ingested.QTY_UNIT] = string(v, "qty_unit", null);
      row[Ingested.PARTNER2] = string(v, "partner2_iso3", null);
      row[Ingested.ORIGIN] = string(v, "origin_iso3", null);
      row[Ingested.TRADING] = string(v, "trading_iso3", null);
      row[Ingested.CUSTOMS_CODE] = string(v, "customs_code", null);
      row[Ingested.TRANSPORT_MODE] = string(v, "transport_mode", null);
      row[Ingested.SHIPPER] = string(v, "shipper", null);
      row[Ingested.CONSIGNEE] = string(v, "consignee", null);
      row[Ingested.CONSIGNEE_ID] = string(v, "consignee_id", null);
      row[Ingested.MANUFACTURER] = string(v, "manufacturer", null);
      row[Ingested.DESCRIPTION] = string(v, "description", null);
      row[Ingested.DOCUMENT_ID] = string(v, "document_id", null);
      Ingested.setCountable(row, level, false, partner);
    }

    private String required(Map<String, Object> v, String field) throws Rejection {
      String s = string(v, field, null);
      if (s == null) {
        throw new Rejection(field.endsWith("_iso3") ? Rejection.UNKNOWN_COUNTRY
            : Rejection.MISSING_VALUE, "no " + field + ": " + describe(field));
      }
      return s;
    }

    private String string(Map<String, Object> v, String field, String fallback) {
      Object o = v.get(field);
      return o == null ? fallback : o.toString();
    }

    private BigDecimal amount(Map<String, Object> v, String field, int precision, int scale)
        throws Rejection {
      Object o = v.get(field);
      if (o == null) {
        return null;
      }
      return FieldValues.decimal(field, ((BigDecimal) o).toPlainString(), precision, scale);
    }

    private String sourceKey(Map<String, Object> values) {
      StringBuilder sb = new StringBuilder();
      if ("A".equals(values.get("freq"))) {
        // A year's figure and its January's share the period January: the frequency keeps them
        // apart (monthly keys are as they always were).
        sb.append("A\u0001");
      }
      for (String k : mapping.key) {
        Object part = values.containsKey(k) || mapping.fields.containsKey(k) ? values.get(k)
            : raw(k);
        sb.append(part == null ? "" : part.toString()).append('\u0001');
      }
      return sb.toString();
    }

    private String raw(String column) {
      Integer i = index.get(column);
      return i == null || record == null ? null : record.field(i).trim();
    }

    private String header(String column) {
      return matchedHeader.getOrDefault(column, column);
    }

    // --- converters ----------------------------------------------------------------------------

    private Object eval(Expr e) throws Rejection {
      if (e == null) {
        return null;
      }
      if (e.literal() != null) {
        return e.literal();
      }
      if (e.column() != null) {
        String s = raw(e.column());
        // A lone dash is how exports write "none" (China customs' English interface).
        return s == null || s.isEmpty() || s.equals("-") ? null : s;
      }
      List<Expr> a = e.args();
      switch (e.function()) {
        case "text" -> {
          return eval(a.get(0));
        }
        case "option" -> {
          String o = options.get(literal(a, 0));
          return o == null || o.isBlank() ? null : o.trim();
        }
        case "hs_code" -> {
          String s = text(a.get(0));
          if (s == null) {
            return null;
          }
          if (s.equalsIgnoreCase("TOTAL")) {
            return "TOTAL";                  // all commodities: kept, never summed
          }
          String digits = CODE_SEPARATORS.matcher(s).replaceAll("");
          if (cellType(a.get(0)) == RecordReader.FieldType.NUMBER && s.indexOf('.') < 0
              && digits.length() % 2 == 1 && CODE.matcher(digits).matches()) {
            digits = "0" + digits;   // a code typed as a number lost its leading zero (0101)
          }
          if (!CODE.matcher(digits).matches()) {
            if (CONFIDENTIAL_CODE.matcher(digits).matches()) {
              throw new Rejection(Rejection.CONFIDENTIAL_CODE, label(a.get(0)) + " '"
                  + FieldValues.abbreviate(s) + "' is a confidential or masked code: its "
                  + "value is withheld below the chapter and cannot be placed in an HS6");
            }
            throw new Rejection(Rejection.BAD_COMMODITY_CODE, label(a.get(0)) + " '"
                + FieldValues.abbreviate(s) + "' is not a commodity code of 2 to 12 digits");
          }
          return digits;
        }
        case "decimal" -> {
          return decimal(a.get(0), numberLayout(a));
        }
        case "country" -> {
          String s = text(a.get(0));
          if (s == null) {
            return null;
          }
          String scheme = literal(a, 1);
          for (String sc : scheme.split("\\|")) {
            String iso3 = switch (sc.trim()) {
              case "iso2" -> countries.byIso2(s);
              case "iso3" -> countries.isKnown(s.toUpperCase(Locale.ROOT))
                  ? s.toUpperCase(Locale.ROOT) : null;
              case "gacc" -> countries.byGacc(s);
              case "name" -> countries.byName(s);
              case "m49", "comtrade" -> s.matches("\\d{1,3}")
                  ? countries.byComtradeCode(Integer.parseInt(s)) : null;
              default -> throw new IllegalStateException("unknown country scheme " + sc);
            };
            if (iso3 != null) {
              return iso3;
            }
          }
          String special = Countries.specialPartner(s);
          if (special != null) {
            throw new Rejection(Rejection.SPECIAL_PARTNER, label(a.get(0)) + " '"
                + FieldValues.abbreviate(s) + "' is Eurostat's code for " + special
                + ", not a country: its trade goes to no country the tables follow");
          }
          if (Countries.isAggregate(s)) {
            throw new Rejection(Rejection.AGGREGATE_AREA, label(a.get(0)) + " '"
                + FieldValues.abbreviate(s) + "' is an aggregate of countries: its rows repeat "
                + "its members' and are not counted");
          }
          throw new Rejection(Rejection.UNKNOWN_COUNTRY, label(a.get(0)) + " '"
              + FieldValues.abbreviate(s) + "' is not a known country (" + scheme + ")");
        }
        case "month" -> {
          String s = text(a.get(0));
          if (s == null) {
            return null;
          }
          YearMonth m = cellType(a.get(0)) == RecordReader.FieldType.DATE
              ? YearMonth.parse(s.substring(0, Math.min(7, s.length())))
              : parseMonth(s, literal(a, 1));
          if (m == null) {
            throw new Rejection(Rejection.BAD_PERIOD, label(a.get(0)) + " '"
                + FieldValues.abbreviate(s) + "' is not a month (" + literal(a, 1) + ")");
          }
          return m;
        }
        case "year" -> {
          String s = text(a.get(0));
          if (s == null) {
            return null;
          }
          java.time.Year y = parseYear(s, literal(a, 1));
          if (y == null) {
            throw new Rejection(Rejection.BAD_PERIOD, label(a.get(0)) + " '"
                + FieldValues.abbreviate(s) + "' is not a year (" + literal(a, 1) + ")");
          }
          return y;
        }
        case "before_dash" -> {
          String s = text(a.get(0));
          if (s == null) {
            return null;
          }
          int dash = s.indexOf('-');
          return dash <= 0 ? s : s.substring(0, dash).trim();
        }
        case "lookup" -> {
          String s = text(a.get(0));
          if (s == null) {
            return null;
          }
          List<String> keys = new ArrayList<>();
          for (int i = 1; i < a.size(); i++) {
            String pair = literal(a, i);
            int eq = pair.indexOf('=');
            String k = pair.substring(0, eq).trim();
            keys.add(k);
            if (k.equalsIgnoreCase(s)) {
              return pair.substring(eq + 1).trim();
            }
          }
          throw new Rejection(Rejection.UNSUPPORTED_VALUE, label(a.get(0)) + " '"
              + FieldValues.abbreviate(s) + "' is not one of " + String.join(", ", keys));
        }
        case "header_of" -> {
          String h = matchedHeader.get(a.get(0).column());
          for (int i = 1; i < a.size() && h != null; i++) {
            String pair = literal(a, i);
            int eq = pair.indexOf('=');
            if (normalizeHeader(pair.substring(0, eq)).equals(normalizeHeader(h))) {
              return pair.substring(eq + 1).trim();
            }
          }
          return null;
        }
        case "kg" -> {
          for (int i = 0; i + 1 < a.size(); i += 2) {
            String unit = text(a.get(i + 1));
            if (unit != null && KG_UNITS.contains(unit.toLowerCase(Locale.ROOT))) {
              return decimal(a.get(i), NUMBER_LAYOUTS.computeIfAbsent("grouping",
                  NumberLayout::of));
            }
          }
          return null;
        }
        case "filename_month" -> {
          Matcher m = FILE_MONTH.matcher(baseName(fileName));
          return m.find() ? YearMonth.of(Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2))) : null;
        }
        case "filename_year" -> {
          // A year only where no month could be meant: a name with a year and no year-month
          // in it, or the query tool's own names (export-2024-11_p1-123: port 11).
          String base = baseName(fileName);
          Matcher m = FILE_YEAR.matcher(base);
          boolean clear = !ANY_MONTH.matcher(base).find() || QUERY_TOOL.matcher(base).matches();
          return clear && m.find() ? java.time.Year.of(Integer.parseInt(m.group(1))) : null;
        }
        case "filename_flow" -> {
          String n = fileName.toLowerCase(Locale.ROOT);
          if (n.contains("出口") || n.matches(".*\\bexports?\\b.*")) {
            return "export";
          }
          if (n.contains("进口") || n.matches(".*\\bimports?\\b.*")) {
            return "import";
          }
          // China customs' English interface: e or i, the partner code, the month (e344202403).
          if (n.matches("e\\d{7,}\\..*")) {
            return "export";
          }
          if (n.matches("i\\d{7,}\\..*")) {
            return "import";
          }
          return null;
        }
        case "first" -> {
          Rejection firstFailure = null;
          for (Expr x : a) {
            try {
              Object o = eval(x);
              if (o != null) {
                return o;
              }
            } catch (Rejection r) {
              firstFailure = firstFailure == null ? r : firstFailure;
            }
          }
          if (firstFailure != null) {
            throw firstFailure;
          }
          return null;
        }
        case "when_absent" -> {
          return index.containsKey(a.get(0).column()) ? null : eval(a.get(1));
        }
        case "concat" -> {
          StringBuilder sb = new StringBuilder();
          for (Expr x : a) {
            Object o = eval(x);
            if (o == null) {
              return null;
            }
            sb.append(o);
          }
          return sb.toString();
        }
        default -> throw new IllegalStateException("unknown converter " + e.function());
      }
    }

    /**
     * A number written in {@code layout}; a workbook's number cell is a number already,
     * whatever layout the text files of the source use.
     */
    private BigDecimal decimal(Expr e, NumberLayout layout) throws Rejection {
      String s = text(e);
      if (s == null) {
        return null;
      }
      BigDecimal v = cellType(e) == RecordReader.FieldType.NUMBER
          ? NUMBER_LAYOUTS.computeIfAbsent("1234.5", NumberLayout::of).parse(s) : layout.parse(s);
      if (v == null) {
        throw new Rejection(Rejection.NOT_NUMERIC, label(e) + " '"
            + FieldValues.abbreviate(s) + "' is not a number"
            + (layout.name().equals("1234.5") ? "" : " written as " + layout.name()));
      }
      return v;
    }

    /** What a workbook cell a column expression reads held (text, for anything else). */
    private RecordReader.FieldType cellType(Expr e) {
      Integer i = e.column() == null ? null : index.get(e.column());
      return i == null || record == null ? RecordReader.FieldType.TEXT : record.type(i);
    }

    private String text(Expr e) throws Rejection {
      Object o = eval(e);
      return o == null ? null : o.toString().trim();
    }

    /**
     * The number layout a decimal() call names, itself or through a job option: decided once
     * per file (auto goes by the file's delimiter), not per record.
     */
    private NumberLayout numberLayout(List<Expr> a) {
      return layouts.computeIfAbsent(a, x -> {
        String name = x.size() < 2 ? "1234.5" : isOption(x.get(1))
            ? options.get(x.get(1).args().get(0).literal()) : x.get(1).literal();
        if (name.equals("auto")) {
          name = NumberLayout.forDelimiter(record.delimiter());
        }
        return NUMBER_LAYOUTS.computeIfAbsent(name, NumberLayout::of);
      });
    }

    private String literal(List<Expr> args, int i) {
      if (i >= args.size() || args.get(i).literal() == null) {
        throw new IllegalStateException("argument " + (i + 1) + " must be a quoted literal");
      }
      return args.get(i).literal();
    }

    /** A value's name in messages: the file's header of the column it comes from. */
    private String label(Expr e) {
      if (e.column() != null) {
        return header(e.column());
      }
      if (e.function() != null && !e.function().equals("option") && !e.args().isEmpty()
          && (e.args().get(0).column() != null || e.args().get(0).function() != null)) {
        return label(e.args().get(0));
      }
      return e.toString();
    }
  }
}
