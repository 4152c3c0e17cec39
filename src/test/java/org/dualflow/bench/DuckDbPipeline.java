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
 * own: {@code DuckDbPipeline <input dir> <match table csv> <countries csv> <output dir>}.
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
    List<String> header;
    try (var files = Files.list(input)) {
      Path first = files.filter(p -> p.toString().endsWith(".csv")).sorted().findFirst()
          .orElseThrow();
      header = List.of(Files.newBufferedReader(first).readLine().split(","));
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute("CREATE TABLE countries AS SELECT * FROM read_csv('" + countries
          + "', header = true, columns = {'code': 'INTEGER', 'iso3': 'VARCHAR'})");
      st.execute("CREATE TABLE matches AS SELECT * FROM read_csv('" + matches
          + "', header = true, columns = {'hs_edition': 'VARCHAR', 'prefix': 'VARCHAR', "
          + "'list_id': 'VARCHAR', 'list_version': 'VARCHAR', 'list_code': 'VARCHAR', "
          + "'tier': 'VARCHAR', 'is_hs_mapped': 'BOOLEAN', 'exact': 'BOOLEAN'})");
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
