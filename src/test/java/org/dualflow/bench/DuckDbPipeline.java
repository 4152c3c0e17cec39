package org.dualflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written DuckDB equivalent of the job's pipeline from Comtrade CSV to
 * {@code flows_monthly}, for the benchmark: the same CSV read with explicit types, the same
 * filters (monthly exports and imports, 6-digit lines, no break-downs, known countries, a
 * numeric value), the same prefix-free match table (so the longest prefix wins, as in the job),
 * the same grouping, written as Parquet partitioned by month.
 *
 * <p>Run in its own JVM by {@link Benchmark}, so that its wall time and peak memory are its
 * own: {@code DuckDbPipeline <input dir> <match table csv> <countries csv> <output dir>
 * [flows|tables]}. {@code flows} (the default) writes {@code flows_monthly} only; {@code tables}
 * writes what the job writes besides: every record the CSV reader parsed, with its columns and
 * whether the flows count it ({@code trade_records}: World, aggregate and break-down lines
 * included, as the job keeps them), the lines the CSV reader refused with their error
 * ({@code rejected_records}), every match ({@code dual_use_flows}) and {@code flows_monthly},
 * the records parsed once into a DuckDB table on disk (so that it can spill, as the job can).
 */
public final class DuckDbPipeline {

  /** The columns of a Comtrade final-data file and the types the job reads them as. */
  static String columns(List<String> header) {
    List<String> out = new ArrayList<>();
    for (String h : header) {
      String type = switch (h) {
        case "refYear", "refMonth", "reporterCode", "partnerCode", "partner2Code",
            "aggrLevel" -> "INTEGER";
        case "netWgt" -> "DECIMAL(20,3)";
        case "primaryValue" -> "DECIMAL(18,2)";
        default -> "VARCHAR";
      };
      out.add("'" + h + "': '" + type + "'");
    }
    return "{" + String.join(", ", out) + "}";
  }

  public static void main(String[] args) throws Exception {
    Path input = Path.of(args[0]);
    String matches = args[1];
    String countries = args[2];
    String output = args[3];
    boolean tables = args.length > 4 && args[4].equals("tables");
    List<String> header;
    try (var files = Files.list(input)) {
      Path first = files.filter(p -> p.toString().endsWith(".csv")).sorted().findFirst()
          .orElseThrow();
      header = List.of(Files.newBufferedReader(first).readLine().split(","));
    }
    if (tables) {
      writeTables(input, matches, countries, output, header);
      return;
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      loadReference(st, countries, matches);
      String sql = """
          COPY (
            WITH raw AS (
              SELECT * FROM read_csv('%s/*.csv', header = true, delim = ',', quote = '"',
                  escape = '"', ignore_errors = true, columns = %s)
            ),
            rec AS (
              SELECT make_date(refYear, refMonth, 1) AS period, flowCode,
                  CASE classificationCode WHEN 'H5' THEN 'HS2017' ELSE 'HS2022' END AS edition,
                  cmdCode AS code, substr(cmdCode, 1, 6) AS hs6_reported,
                  r.iso3 AS reporter, p.iso3 AS partner, primaryValue AS value_usd,
                  netWgt AS net_kg
              FROM raw
              JOIN countries r ON raw.reporterCode = r.code
              JOIN countries p ON raw.partnerCode = p.code
              WHERE freqCode = 'M' AND refMonth BETWEEN 1 AND 12
                AND flowCode IN ('X', 'M') AND classificationCode IN ('H5', 'H6')
                AND regexp_full_match(cmdCode, '[0-9]{6,12}') AND p.iso3 <> 'WLD'
                AND coalesce(partner2Code, 0) = 0 AND coalesce(customsCode, 'C00') = 'C00'
                AND coalesce(motCode, '0') = '0' AND coalesce(mosCode, '0') = '0'
                AND primaryValue IS NOT NULL
            ),
            keyed AS (
              SELECT *, unnest([%s]) AS m_key FROM rec
            ),
            matched AS (
              SELECT k.*, m.list_id, m.list_version, m.list_code, m.tier, m.is_hs_mapped
              FROM keyed k JOIN matches m
                ON m.prefix = k.m_key AND m.hs_edition = k.edition
               AND (NOT m.exact OR length(k.code) = length(m.prefix))
            )
            SELECT period, 'comtrade' AS source,
                CASE flowCode WHEN 'X' THEN reporter ELSE partner END AS exporter_iso3,
                CASE flowCode WHEN 'X' THEN partner ELSE reporter END AS importer_iso3,
                CASE flowCode WHEN 'X' THEN 'exporter' ELSE 'importer' END AS reported_by,
                list_id, list_version, tier,
                CASE WHEN length(list_code) >= 6 THEN substr(list_code, 1, 6)
                     ELSE hs6_reported END AS hs6,
                sum(value_usd) AS value_usd, sum(net_kg) AS net_kg, count(*) AS records,
                count(*) FILTER (WHERE is_hs_mapped) AS hs_mapped_records
            FROM matched
            GROUP BY ALL
          ) TO '%s' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (period), OVERWRITE_OR_IGNORE)
          """.formatted(input, columns(header), prefixes(st), output);
      st.execute(sql);
    }
  }

  /**
   * The four tables: the CSV parsed once into a table of typed records (rejects kept with
   * their error), then each table written from it as Parquet partitioned by month.
   */
  private static void writeTables(Path input, String matches, String countries, String output,
      List<String> header) throws Exception {
    Files.createDirectories(Path.of(output));
    String database = Path.of(output, "work.duckdb").toString();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + database);
        Statement st = db.createStatement()) {
      st.execute("SET preserve_insertion_order = false");
      loadReference(st, countries, matches);
      // Every column of the file, typed, with the file and line of each record (the job's
      // trade_records carries its source file and line too).
      st.execute("""
          CREATE TABLE raw AS
          SELECT *, filename AS source_file FROM read_csv('%s/*.csv', header = true,
              delim = ',', quote = '"', escape = '"', columns = %s, filename = true,
              store_rejects = true, rejects_table = 'csv_rejects')
          """.formatted(input, columns(header)));
      st.execute("""
          CREATE TABLE rec AS
          SELECT raw.* EXCLUDE (period), make_date(refYear, refMonth, 1) AS period,
              CASE classificationCode WHEN 'H5' THEN 'HS2017' ELSE 'HS2022' END AS edition,
              cmdCode AS code, substr(cmdCode, 1, 6) AS hs6_reported,
              r.iso3 AS reporter, p.iso3 AS partner, primaryValue AS value_usd,
              netWgt AS net_kg,
              CASE flowCode WHEN 'X' THEN r.iso3 ELSE p.iso3 END AS exporter_iso3,
              CASE flowCode WHEN 'X' THEN p.iso3 ELSE r.iso3 END AS importer_iso3,
              CASE flowCode WHEN 'X' THEN 'exporter' ELSE 'importer' END AS reported_by
              , (freqCode = 'M' AND refMonth BETWEEN 1 AND 12
                AND flowCode IN ('X', 'M') AND classificationCode IN ('H5', 'H6')
                AND regexp_full_match(cmdCode, '[0-9]{6,12}') AND p.iso3 <> 'WLD'
                AND coalesce(partner2Code, 0) = 0 AND coalesce(customsCode, 'C00') = 'C00'
                AND coalesce(motCode, '0') = '0' AND coalesce(mosCode, '0') = '0'
                AND primaryValue IS NOT NULL) IS TRUE AS is_countable
          FROM raw
          LEFT JOIN countries r ON raw.reporterCode = r.code
          LEFT JOIN countries p ON raw.partnerCode = p.code
          """);
      String parquet = "(FORMAT parquet, COMPRESSION snappy, PARTITION_BY (period), "
          + "OVERWRITE_OR_IGNORE)";
      st.execute("COPY rec TO '" + output + "/trade_records' " + parquet);
      st.execute("COPY (SELECT * FROM csv_rejects) TO '" + output
          + "/rejected_records.parquet' (FORMAT parquet)");
      st.execute("""
          CREATE TABLE matched AS
          WITH keyed AS (SELECT *, unnest([%s]) AS m_key FROM rec WHERE is_countable)
          SELECT k.*, m.list_id, m.list_version, m.list_code, m.tier, m.is_hs_mapped,
              CASE WHEN length(m.list_code) >= 6 THEN substr(m.list_code, 1, 6)
                   ELSE k.hs6_reported END AS hs6
          FROM keyed k JOIN matches m
            ON m.prefix = k.m_key AND m.hs_edition = k.edition
           AND (NOT m.exact OR length(k.code) = length(m.prefix))
          """.formatted(prefixes(st)));
      st.execute("COPY matched TO '" + output + "/dual_use_flows' " + parquet);
      st.execute("""
          COPY (
            SELECT period, 'comtrade' AS source, exporter_iso3, importer_iso3, reported_by,
                list_id, list_version, tier, hs6,
                sum(value_usd) AS value_usd, sum(net_kg) AS net_kg, count(*) AS records,
                count(*) FILTER (WHERE is_hs_mapped) AS hs_mapped_records
            FROM matched
            GROUP BY ALL
          ) TO '%s/flows_monthly' %s
          """.formatted(output, parquet));
    }
    Files.deleteIfExists(Path.of(database));
  }

  /** The country codes and the match table, as tables {@code countries} and {@code matches}. */
  private static void loadReference(Statement st, String countries, String matches)
      throws Exception {
      st.execute("CREATE TABLE countries AS SELECT * FROM read_csv('" + countries
          + "', header = true, columns = {'code': 'INTEGER', 'iso3': 'VARCHAR'})");
      st.execute("CREATE TABLE matches AS SELECT * FROM read_csv('" + matches
          + "', header = true, columns = {'hs_edition': 'VARCHAR', 'prefix': 'VARCHAR', "
          + "'list_id': 'VARCHAR', 'list_version': 'VARCHAR', 'list_code': 'VARCHAR', "
          + "'tier': 'VARCHAR', 'is_hs_mapped': 'BOOLEAN', 'exact': 'BOOLEAN'})");
  }

  /** One substr() per prefix length in the match table: the candidate keys of a code. */
  private static String prefixes(Statement st) throws Exception {
    List<String> out = new ArrayList<>();
    try (var rs = st.executeQuery(
        "SELECT DISTINCT length(prefix) FROM matches ORDER BY 1")) {
      while (rs.next()) {
        int n = rs.getInt(1);
        out.add("CASE WHEN length(code) >= " + n + " THEN substr(code, 1, " + n + ") END");
      }
    }
    return String.join(", ", out);
  }
}
