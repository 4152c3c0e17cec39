package org.dualflow.ingest;

import java.util.Arrays;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dualflow.schema.TableSchema;

/**
 * The row shape that readers emit: the columns of {@code trade_records} (all nullable, without
 * {@code run_id}) plus what quarantine and the manifest need. One row per input record
 * ({@link #ACCEPTED} or {@link #REJECTED}) and one {@link #FILE} row per input file with its
 * digest and record count.
 */
public final class Ingested {

  public static final String ACCEPTED = "accepted";
  public static final String REJECTED = "rejected";
  public static final String FILE = "file";

  public static final StructType SCHEMA = build();

  public static final int RECORD_ID = index("record_id");
  public static final int SOURCE = index("source");
  public static final int SOURCE_FILE = index("source_file");
  public static final int SOURCE_LINE = index("source_line");
  public static final int FREQ = index("freq");
  public static final int FLOW = index("flow");
  public static final int REPORTED_BY = index("reported_by");
  public static final int REPORTER = index("reporter_iso3");
  public static final int PARTNER = index("partner_iso3");
  public static final int EXPORTER = index("exporter_iso3");
  public static final int IMPORTER = index("importer_iso3");
  public static final int PARTNER2 = index("partner2_iso3");
  public static final int ORIGIN = index("origin_iso3");
  public static final int TRADING = index("trading_iso3");
  public static final int HS_CODE = index("hs_code");
  public static final int HS_LEVEL = index("hs_level");
  public static final int HS6 = index("hs6");
  public static final int HS_EDITION = index("hs_edition");
  public static final int VALUE_USD = index("value_usd");
  public static final int VALUE_BASIS = index("value_basis");
  public static final int VALUE_ORIG = index("value_orig");
  public static final int CURRENCY_ORIG = index("currency_orig");
  public static final int NET_KG = index("net_kg");
  public static final int QTY = index("qty");
  public static final int QTY_UNIT = index("qty_unit");
  public static final int CUSTOMS_CODE = index("customs_code");
  public static final int TRANSPORT_MODE = index("transport_mode");
  public static final int SUPPLY_MODE = index("supply_mode");
  public static final int SHIPPER = index("shipper");
  public static final int CONSIGNEE = index("consignee");
  public static final int CONSIGNEE_ID = index("consignee_id");
  public static final int MANUFACTURER = index("manufacturer");
  public static final int DESCRIPTION = index("description");
  public static final int DOCUMENT_ID = index("document_id");
  public static final int IS_BREAKDOWN = index("is_breakdown");
  public static final int IS_COUNTABLE = index("is_countable");
  public static final int EXCLUSION_REASON = index("exclusion_reason");
  public static final int PERIOD = index("period");
  public static final int ROW_STATUS = index("row_status");
  public static final int REASON_CODE = index("reason_code");
  public static final int REASON = index("reason");
  public static final int RAW_LINE = index("raw_line");
  public static final int PERIOD_KEY = index("period_key");
  public static final int FILE_SHA256 = index("file_sha256");
  public static final int FILE_RECORDS = index("file_records");
  public static final int SOURCE_KEY = index("source_key");

  private Ingested() {
  }

  private static StructType build() {
    StructType trade = TableSchema.load("trade_records").schema();
    StructField[] fields = Arrays.stream(trade.fields())
        .filter(f -> !f.name().equals("run_id"))
        .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata()))
        .toArray(StructField[]::new);
    return new StructType(fields)
        .add("row_status", DataTypes.StringType, false)
        .add("reason_code", DataTypes.StringType, true)
        .add("reason", DataTypes.StringType, true)
        .add("raw_line", DataTypes.StringType, true)
        .add("period_key", DataTypes.StringType, true)
        .add("file_sha256", DataTypes.StringType, true)
        .add("file_records", DataTypes.LongType, true)
        .add("source_key", DataTypes.StringType, true);
  }

  private static int index(String name) {
    return SCHEMA.fieldIndex(name);
  }

  /**
   * Sets flow, direction and value basis: exports and re-exports run from reporter to partner
   * and are FOB as the exporter reports them; imports and re-imports run from partner to
   * reporter, CIF, as the importer reports them.
   *
   * @param flow export, import, re-export or re-import
   * @return false for any other flow
   */
  public static boolean setDirection(Object[] row, String flow, String reporter, String partner) {
    boolean exporter = flow.equals("export") || flow.equals("re-export");
    boolean importer = flow.equals("import") || flow.equals("re-import");
    if (!exporter && !importer) {
      return false;
    }
    row[FLOW] = flow;
    row[REPORTER] = reporter;
    row[PARTNER] = partner;
    row[REPORTED_BY] = exporter ? "exporter" : "importer";
    row[EXPORTER] = exporter ? reporter : partner;
    row[IMPORTER] = exporter ? partner : reporter;
    row[VALUE_BASIS] = exporter ? "FOB" : "CIF";
    return true;
  }

  /**
   * Marks a row rejected with its reason and the raw text of its line; a line whose month was
   * not read goes to the {@code unknown} partition of rejected_records.
   */
  public static void setRejected(Object[] row, Rejection rejection, String rawText) {
    row[ROW_STATUS] = REJECTED;
    row[REASON_CODE] = rejection.code();
    row[REASON] = rejection.getMessage();
    row[RAW_LINE] = rawText;
    if (row[PERIOD_KEY] == null) {
      row[PERIOD_KEY] = "unknown";
    }
  }

  /**
   * Sets is_breakdown, is_countable and exclusion_reason: only 6-digit-or-deeper lines that are
   * not break-downs and whose partner is not the World may be summed.
   */
  public static void setCountable(Object[] row, int hsLevel, boolean breakdown, String partner) {
    String exclusion = null;
    if (hsLevel == 0) {
      exclusion = "TOTAL line (all commodities)";
    } else if (hsLevel < 6) {
      exclusion = hsLevel + "-digit aggregate line";
    } else if (breakdown) {
      exclusion = "break-down row (partner2, customs, transport or supply mode)";
    } else if (org.dualflow.reference.Countries.WORLD.equals(partner)) {
      exclusion = "partner is World (total over partners)";
    }
    row[IS_BREAKDOWN] = breakdown;
    row[IS_COUNTABLE] = exclusion == null;
    row[EXCLUSION_REASON] = exclusion;
  }

  private static final UTF8String RECORD_SALT = UTF8String.fromString("dualflow:record");
  private static final long SPARK_HASH_SEED = 42;

  /**
   * The two halves of {@code record_id}: Spark's {@code xxhash64(source, source_key)} and
   * {@code xxhash64('dualflow:record', source, source_key)}, computed while reading. The same
   * function as the Spark expressions earlier versions used, so ids stay what they were (a test
   * compares them).
   */
  public static long[] keyHash(String source, String sourceKey) {
    long hi = hash(sourceKey, hash(source, SPARK_HASH_SEED));
    long lo = hash(sourceKey, hash(source, XXH64.hashUTF8String(RECORD_SALT, SPARK_HASH_SEED)));
    return new long[] {hi, lo};
  }

  /** As Spark hashes one string column: a null leaves the running hash as it is. */
  private static long hash(String value, long seed) {
    return value == null ? seed : XXH64.hashUTF8String(UTF8String.fromString(value), seed);
  }

  /** {@code record_id}: the key hash as 32 lower-case hex digits. */
  public static String recordId(long[] keyHash) {
    return hex16(keyHash[0]) + hex16(keyHash[1]);
  }

  private static String hex16(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }

  /** Sets what the reader adds to an accepted row: {@code record_id}. */
  public static void setIds(Object[] row) {
    row[RECORD_ID] = recordId(keyHash((String) row[SOURCE], (String) row[SOURCE_KEY]));
  }

  /** A fresh, all-null row of this shape. */
  public static Object[] newRow() {
    return new Object[SCHEMA.size()];
  }
}
