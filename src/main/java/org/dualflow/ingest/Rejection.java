package org.dualflow.ingest;

/**
 * Why a record was quarantined: a code from the fixed set in {@code rejected_records.reason_code}
 * and a sentence naming the field and value. Thrown inside parsers only, without a stack trace.
 */
public final class Rejection extends Exception {

  public static final String FIELD_COUNT = "field_count";
  public static final String MALFORMED_CSV = "malformed_csv";
  public static final String NOT_NUMERIC = "not_numeric";
  public static final String NEGATIVE_VALUE = "negative_value";
  public static final String VALUE_OVERFLOW = "value_overflow";
  public static final String MISSING_VALUE = "missing_value";
  public static final String MISSING_COMMODITY_CODE = "missing_commodity_code";
  public static final String BAD_COMMODITY_CODE = "bad_commodity_code";
  public static final String UNKNOWN_COUNTRY = "unknown_country";
  /** An aggregate of countries (EU-27, euro area): not a defect, and never summed. */
  public static final String AGGREGATE_AREA = "aggregate_area";
  /** A product code a reporter withheld (Eurostat's 85RRR100, 39XXXXXX): not a defect. */
  public static final String CONFIDENTIAL_CODE = "confidential_code";
  /**
   * A partner that is no country (Eurostat's QU "not specified", QQ stores and provisions, XC
   * Ceuta): not a defect, and no country's trade.
   */
  public static final String SPECIAL_PARTNER = "special_partner";
  /**
   * A row of another measure than the value a source reads (SDMX-CSV's QUANTITY_IN_100KG beside
   * VALUE_IN_EUROS): not a defect, and never added to values.
   */
  public static final String OTHER_MEASURE = "other_measure";
  public static final String INCONSISTENT_COUNTRY = "inconsistent_country";
  public static final String UNSUPPORTED_FLOW = "unsupported_flow";
  public static final String UNSUPPORTED_CLASSIFICATION = "unsupported_classification";
  public static final String BAD_PERIOD = "bad_period";
  public static final String UNSUPPORTED_VALUE = "unsupported_value";
  public static final String MISSING_FX_RATE = "missing_fx_rate";
  public static final String DUPLICATE = "duplicate";
  public static final String CONFLICTING_DUPLICATE = "conflicting_duplicate";

  /** Reasons that are no defect of a file: never held against it by the quality gate. */
  public static final java.util.Set<String> BY_DESIGN = java.util.Set.of(DUPLICATE,
      CONFLICTING_DUPLICATE, AGGREGATE_AREA, CONFIDENTIAL_CODE, SPECIAL_PARTNER, OTHER_MEASURE);

  private final String code;

  public Rejection(String code, String reason) {
    super(reason, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
