package org.dualflow.ingest;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.dualflow.reference.Countries;

/**
 * UN Comtrade "final data" CSV (API v1 and bulk downloads, 47 columns). Columns are found by
 * header name, case-insensitively, so their order does not matter.
 *
 * <p>What it knows about the format:
 * <ul>
 *   <li>{@code freqCode} M rows have {@code refMonth} 1-12; A rows have {@code refMonth} 52 and
 *       get period 1 January of {@code refYear}.</li>
 *   <li>Reporter and partner codes may have lost their leading zeros ({@code 51} is Armenia);
 *       they are looked up as numbers. When the ISO column names a known country that differs
 *       from the code's, the row is rejected as inconsistent.</li>
 *   <li>{@code cmdCode} loses leading zeros too when a tool read it as a number: it is padded
 *       to {@code aggrLevel} digits, or to an even length. TOTAL and 2- and 4-digit lines are
 *       kept but not countable, since their 6-digit children carry the same value.</li>
 *   <li>Rows broken down by second partner, customs procedure, transport or supply mode are
 *       kept but not countable: the total row already holds their value.</li>
 *   <li>{@code primaryValue} is FOB for exports and re-exports, CIF for imports and
 *       re-imports, unless {@code fobvalue}/{@code cifvalue} say otherwise: an import whose CIF
 *       value is empty and whose FOB value is the primary value is FOB (an export likewise
 *       CIF).</li>
 * </ul>
 *
 * <p>Layouts read as they come: the API's CSV (47 columns, ISO codes and descriptions), the
 * bulk files ({@code COMTRADE-FINAL-…[date].gz}: tab-separated, codes only, {@code CIFValue},
 * {@code FOBValue}, {@code qtyUnitCode}), the API data saved with pandas (a leading unnamed
 * index column, NaN as empty, {@code 1763.0}) and with R's comtradr ({@code ref_year},
 * {@code primary_value}, … and {@code NA} for missing), and the web portal's download
 * ({@code TradeData_2_20_2025_10_30_9.csv}: the API's 47 columns in windows-1252, a comma
 * after the last field of every data line). Header names match whatever their case and
 * underscores; the delimiter is read off the header line.
 *
 * <p>The encoding is UTF-8 when the bytes are valid UTF-8, else windows-1252: the portal writes
 * its descriptions ({@code Türkiye}, {@code Côte d'Ivoire}) in a Windows code page, which
 * users read with pandas' {@code encoding='ISO-8859-1'} or {@code 'cp1252'}. No number depends
 * on that text: descriptions are never read.
 */
public final class ComtradeFormat implements SourceFormat {

  // Compiled once: String.matches compiles its pattern on every call, once per record here.
  private static final Pattern DIGITS = Pattern.compile("\\d{1,12}");
  private static final Pattern ISO3 = Pattern.compile("[A-Z]{3}");

  public static final String NAME = "comtrade";

  private static final List<String> REQUIRED = List.of("freqCode", "refYear", "refMonth",
      "reporterCode", "flowCode", "partnerCode", "classificationCode", "cmdCode", "primaryValue");
  private static final List<String> OPTIONAL = List.of("period", "reporterISO", "partnerISO",
      "partner2Code", "partner2ISO", "aggrLevel", "customsCode", "motCode", "mosCode",
      "qtyUnitAbbr", "qtyUnitCode", "qty", "netWgt", "cifvalue", "fobvalue");

  private final Countries countries;

  public ComtradeFormat(Countries countries) {
    this.countries = countries;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String encoding() {
    // windows-1252 rather than ISO-8859-1: the same letters, and its 0x80-0x9F are the
    // typographic quotes and dashes a Windows export writes there, not control codes.
    return "auto:windows-1252";
  }

  @Override
  public char delimiter() {
    return AUTO_DELIMITER;
  }

  /** A header name as matched: case, underscores and spaces ignored (ref_year is refYear). */
  private static String key(String header) {
    return header.trim().toLowerCase(Locale.ROOT).replace("_", "").replace(" ", "");
  }

  @Override
  public RecordParser parserFor(List<String> header, String file) {
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      byName.putIfAbsent(key(header.get(i)), i);
    }
    List<String> missing = new ArrayList<>();
    for (String column : REQUIRED) {
      if (!byName.containsKey(key(column))) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw InputFileException.headerMismatch("Cannot read " + file + " as UN Comtrade final "
          + "data: the "
          + "header lacks " + String.join(", ", missing) + " (first line: "
          + FieldValues.abbreviate(String.join(",", header)) + "); download the CSV with "
          + "column headers, or point the file at the right input key");
    }
    Map<String, Integer> columns = new HashMap<>();
    for (String column : REQUIRED) {
      columns.put(column, byName.get(key(column)));
    }
    for (String column : OPTIONAL) {
      columns.put(column, byName.getOrDefault(key(column), -1));
    }
    Map<String, String> found = new java.util.TreeMap<>();
    columns.forEach((name, i) -> {
      if (i >= 0) {
        found.put(name, header.get(i).trim());
      }
    });
    return new Parser(header.size(), columns, countries, found);
  }

  static final class Parser implements RecordParser {
    private final int fieldCount;
    private final Countries countries;
    private final int freqCode;
    private final int refYear;
    private final int refMonth;
    private final int period;
    private final int reporterCode;
    private final int reporterIso;
    private final int flowCode;
    private final int partnerCode;
    private final int partnerIso;
    private final int partner2Code;
    private final int partner2Iso;
    private final int classificationCode;
    private final int cmdCode;
    private final int aggrLevel;
    private final int customsCode;
    private final int motCode;
    private final int mosCode;
    private final int qtyUnitAbbr;
    private final int qtyUnitCode;
    private final int cifValue;
    private final int fobValue;
    private final int qty;
    private final int netWgt;
    private final int primaryValue;

    private final Map<String, String> found;

    Parser(int fieldCount, Map<String, Integer> c, Countries countries,
        Map<String, String> found) {
      this.fieldCount = fieldCount;
      this.countries = countries;
      this.found = found;
      freqCode = c.get("freqCode");
      refYear = c.get("refYear");
      refMonth = c.get("refMonth");
      period = c.get("period");
      reporterCode = c.get("reporterCode");
      reporterIso = c.get("reporterISO");
      flowCode = c.get("flowCode");
      partnerCode = c.get("partnerCode");
      partnerIso = c.get("partnerISO");
      partner2Code = c.get("partner2Code");
      partner2Iso = c.get("partner2ISO");
      classificationCode = c.get("classificationCode");
      cmdCode = c.get("cmdCode");
      aggrLevel = c.get("aggrLevel");
      customsCode = c.get("customsCode");
      motCode = c.get("motCode");
      mosCode = c.get("mosCode");
      qtyUnitAbbr = c.get("qtyUnitAbbr");
      qtyUnitCode = c.get("qtyUnitCode");
      cifValue = c.get("cifvalue");
      fobValue = c.get("fobvalue");
      qty = c.get("qty");
      netWgt = c.get("netWgt");
      primaryValue = c.get("primaryValue");
    }

    @Override
    public Map<String, String> columns() {
      return found;
    }

    @Override
    public void parse(RecordReader r, Object[] row) {
      try {
        if (r.problem() != null) {
          throw new Rejection(Rejection.MALFORMED_CSV, r.problem());
        }
        if (r.fieldCount() != fieldCount && !endsWithEmptyExtraField(r)) {
          throw new Rejection(Rejection.FIELD_COUNT, "expected " + fieldCount
              + " fields as in the header, found " + r.fieldCount());
        }
        readPeriod(r, row);
        readRecord(r, row);
        row[Ingested.ROW_STATUS] = Ingested.ACCEPTED;
      } catch (Rejection e) {
        Ingested.setRejected(row, e, r.rawText());
      }
    }

    /**
     * The portal's download ends every data line with a comma its header line lacks: one empty
     * field more than the header (pandas, seeing it, takes the first column for an index and
     * shifts every name by one unless told {@code index_col=False}). Only an empty one is
     * allowed: a value there has no column.
     */
    private boolean endsWithEmptyExtraField(RecordReader r) {
      return r.fieldCount() == fieldCount + 1 && r.field(fieldCount).isEmpty();
    }

    /** Sets period and period_key first, so that even a rejected row knows its month. */
    private void readPeriod(RecordReader r, Object[] row) throws Rejection {
      String freq = field(r, freqCode).trim();
      Integer year = FieldValues.integer("refYear", field(r, refYear));
      Integer month = FieldValues.integer("refMonth", field(r, refMonth));
      if (year == null || year < 1900 || year > 2100) {
        throw new Rejection(Rejection.BAD_PERIOD, "refYear '" + field(r, refYear)
            + "' is not a year");
      }
      String declared = period >= 0 ? field(r, period).trim() : "";
      LocalDate first;
      if (freq.equals("M")) {
        if (month == null || month < 1 || month > 12) {
          throw new Rejection(Rejection.BAD_PERIOD, "refMonth '" + field(r, refMonth)
              + "' is not a month 1-12 of a monthly (freqCode M) row");
        }
        String expected = year + (month < 10 ? "0" : "") + month;   // no String.format: hot path
        if (!declared.isEmpty() && !declared.equals(expected)) {
          throw new Rejection(Rejection.BAD_PERIOD, "period '" + declared
              + "' disagrees with refYear/refMonth " + expected);
        }
        first = LocalDate.of(year, month, 1);
      } else if (freq.equals("A")) {
        if (month != null && month != 52) {
          throw new Rejection(Rejection.BAD_PERIOD, "refMonth '" + field(r, refMonth)
              + "' of an annual (freqCode A) row should be 52");
        }
        if (!declared.isEmpty() && !declared.equals(String.valueOf(year))) {
          throw new Rejection(Rejection.BAD_PERIOD, "period '" + declared
              + "' disagrees with refYear " + year);
        }
        first = LocalDate.of(year, 1, 1);
      } else {
        throw new Rejection(Rejection.BAD_PERIOD, "freqCode '" + freq + "' is not M or A");
      }
      row[Ingested.FREQ] = freq;
      row[Ingested.PERIOD] = Date.valueOf(first);
      int m = first.getMonthValue();
      row[Ingested.PERIOD_KEY] = first.getYear() + (m < 10 ? "-0" : "-") + m;
    }

    private void readRecord(RecordReader r, Object[] row) throws Rejection {
      String classification = field(r, classificationCode).trim();
      String edition = switch (classification) {
        case "H5" -> "HS2017";
        case "H6" -> "HS2022";
        default -> throw new Rejection(Rejection.UNSUPPORTED_CLASSIFICATION,
            "classificationCode '" + classification + "' is not supported: only H5 (HS2017) "
                + "and H6 (HS2022) can be bridged to the code lists");
      };
      String flow = field(r, flowCode).trim();
      String reporter = country(r, "reporter", reporterCode, reporterIso, false);
      String partner = country(r, "partner", partnerCode, partnerIso, false);
      String partner2 = partner2Code >= 0
          ? country(r, "partner2", partner2Code, partner2Iso, true) : null;
      String flowWord = switch (flow) {
        case "X" -> "export";
        case "RX" -> "re-export";
        case "M" -> "import";
        case "RM" -> "re-import";
        default -> throw new Rejection(Rejection.UNSUPPORTED_FLOW, "flowCode '" + flow
            + "' is not supported: X, M, RX and RM are read");
      };
      Ingested.setDirection(row, flowWord, reporter, partner);
      String code = commodityCode(r);
      int level = code.equals("TOTAL") ? 0 : code.length();
      BigDecimal value = FieldValues.decimal("primaryValue", field(r, primaryValue), 18, 2);
      if (value == null) {
        throw new Rejection(Rejection.MISSING_VALUE, "primaryValue is empty");
      }
      BigDecimal kg = netWgt >= 0 ? FieldValues.decimal("netWgt", field(r, netWgt), 20, 3) : null;
      BigDecimal quantity = qty >= 0 ? FieldValues.decimal("qty", field(r, qty), 20, 3) : null;

      String customs = optional(r, customsCode);
      String transport = optional(r, motCode);
      String supply = optional(r, mosCode);
      // Bulk files write mosCode -1 for "not applicable" (a known defect of the bulk files;
      // the Growth Lab's downloader patches it): a total like 0, not a break-down.
      boolean breakdown = partner2 != null
          || (customs != null && !customs.equals("C00"))
          || (transport != null && !transport.equals("0"))
          || (supply != null && !supply.equals("0") && !supply.equals("-1"));
      row[Ingested.PARTNER2] = partner2;
      row[Ingested.HS_CODE] = code;
      row[Ingested.HS_LEVEL] = level;
      row[Ingested.HS6] = level >= 6 ? code.substring(0, 6) : null;
      row[Ingested.HS_EDITION] = edition;
      row[Ingested.VALUE_USD] = value;
      row[Ingested.VALUE_ORIG] = value;
      row[Ingested.CURRENCY_ORIG] = "USD";
      row[Ingested.NET_KG] = kg;
      row[Ingested.QTY] = quantity;
      row[Ingested.QTY_UNIT] = qtyUnitAbbr >= 0 ? optional(r, qtyUnitAbbr)
          : optional(r, qtyUnitCode);
      row[Ingested.VALUE_BASIS] = basis(r, (String) row[Ingested.VALUE_BASIS], value);
      row[Ingested.CUSTOMS_CODE] = customs;
      row[Ingested.TRANSPORT_MODE] = transport;
      row[Ingested.SUPPLY_MODE] = supply;
      Ingested.setCountable(row, level, breakdown, partner);
      // The natural key of a Comtrade record: one cell of reporter x partner x flow x period x
      // commodity, per break-down.
      row[Ingested.SOURCE_KEY] = String.join("\u0001", (String) row[Ingested.FREQ],
          row[Ingested.PERIOD_KEY].toString(), flow, reporter, partner,
          partner2 == null ? "" : partner2, edition, code, customs == null ? "" : customs,
          transport == null ? "" : transport, supply == null ? "" : supply);
    }

    private String commodityCode(RecordReader r) throws Rejection {
      String code = field(r, cmdCode).trim();
      if (code.isEmpty()) {
        throw new Rejection(Rejection.MISSING_COMMODITY_CODE, "cmdCode is empty");
      }
      if (code.equalsIgnoreCase("TOTAL")) {
        return "TOTAL";
      }
      if (!DIGITS.matcher(code).matches()) {
        throw new Rejection(Rejection.BAD_COMMODITY_CODE, "cmdCode '"
            + FieldValues.abbreviate(code) + "' is neither TOTAL nor digits");
      }
      Integer level = aggrLevel >= 0 ? FieldValues.integer("aggrLevel", field(r, aggrLevel)) : null;
      int digits = level != null && level >= code.length() && level <= 12 ? level
          : code.length() + (code.length() % 2);
      if (digits - code.length() > 1) {
        throw new Rejection(Rejection.BAD_COMMODITY_CODE, "cmdCode '" + code
            + "' is too short for aggrLevel " + level);
      }
      return "0".repeat(digits - code.length()) + code;
    }

    /**
     * Resolves a country from its numeric code (leading zeros optional), checked against the
     * ISO column when that names a known country.
     *
     * @param zeroIsNone true for partner2, where 0 means "no second partner"
     */
    private String country(RecordReader r, String role, int codeIndex, int isoIndex,
        boolean zeroIsNone) throws Rejection {
      String codeText = field(r, codeIndex).trim();
      String isoText = isoIndex >= 0 ? field(r, isoIndex).trim().toUpperCase(Locale.ROOT) : "";
      String column = role + "Code";
      if (codeText.isEmpty()) {
        if (zeroIsNone && isoText.isEmpty()) {
          return null;
        }
        if (ISO3.matcher(isoText).matches() && countries.isKnown(isoText)) {
          return isoText;
        }
        throw new Rejection(Rejection.UNKNOWN_COUNTRY, column + " is empty and " + role
            + "ISO '" + isoText + "' is not a known country code");
      }
      Integer code = FieldValues.integer(column, codeText);
      if (zeroIsNone && code == 0) {
        return null;
      }
      String iso3 = countries.byComtradeCode(code);
      if (iso3 == null) {
        throw new Rejection(Rejection.UNKNOWN_COUNTRY, column + " " + codeText
            + " is not a known Comtrade or M49 country code");
      }
      if (ISO3.matcher(isoText).matches() && countries.isKnown(isoText) && !isoText.equals(iso3)) {
        throw new Rejection(Rejection.INCONSISTENT_COUNTRY, column + " " + codeText + " is "
            + iso3 + " but " + role + "ISO says " + isoText);
      }
      return iso3;
    }

    /**
     * The primary value's basis: the flow's usual one, unless the file's CIF and FOB columns
     * show the other (the usual one empty, the other equal to the primary value).
     */
    private String basis(RecordReader r, String usual, BigDecimal primary) throws Rejection {
      if (cifValue < 0 || fobValue < 0) {
        return usual;
      }
      BigDecimal cif = FieldValues.decimal("cifvalue", field(r, cifValue), 18, 2);
      BigDecimal fob = FieldValues.decimal("fobvalue", field(r, fobValue), 18, 2);
      if (usual.equals("CIF") && cif == null && fob != null && fob.compareTo(primary) == 0) {
        return "FOB";
      }
      if (usual.equals("FOB") && fob == null && cif != null && cif.compareTo(primary) == 0) {
        return "CIF";
      }
      return usual;
    }

    /** A cell, trimmed; R's NA is an empty cell (the R client writes missing values so). */
    private static String field(RecordReader r, int index) {
      String s = r.field(index).trim();
      return s.equals("NA") ? "" : s;
    }

    private static String optional(RecordReader r, int index) {
      if (index < 0) {
        return null;
      }
      String s = field(r, index).trim();
      return s.isEmpty() ? null : s;
    }
  }
}
