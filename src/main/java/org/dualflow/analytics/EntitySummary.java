package org.dualflow.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code entity_summary} and {@code entity_concentration}, from shipment-level records: who
 * ships, who receives, whose goods.
 *
 * <p>One row per (role, firm, list): the firm is its tax id when the source gives one (a
 * consignee's INN), else its normalised name: upper case, punctuation gone, legal-form words
 * gone (LLC, LTD, CO, INC, GMBH, LLP, JSC, FZE, ООО, АО, ЗАО, ПАО, ТОО, ИП, 有限公司, 公司...), so
 * "Shenzhen Junda Electronics Co Ltd" and "SHENZHEN JUNDA ELECTRONICS CO., LTD" are one firm.
 * Names in different scripts (深圳市骏达电子有限公司) stay apart: no transliteration guesses.
 * "New since the invasion" means first seen in March 2022 or later (months, not days, are what
 * the records keep).
 */
public final class EntitySummary {

  static final Date INVASION_MONTH_AFTER = Date.valueOf("2022-03-01");
  private static final String LEGAL_FORMS = "(?U)\\b(LLC|L L C|LTD|LIMITED|CO|COMPANY|CORP|"
      + "CORPORATION|INC|GMBH|AG|LLP|JSC|PJSC|OJSC|FZE|FZCO|FZ|OOO|ООО|ОАО|ЗАО|ПАО|АО|ТОО|ИП)\\b";

  private EntitySummary() {
  }

  /** The firm's key from its name: see the class comment. */
  static Column normalizedName(Column name) {
    Column s = upper(name);
    s = regexp_replace(s, "(?U)[\\p{Punct}«»“”„‘’]", " ");
    s = regexp_replace(s, "有限责任公司|股份有限公司|有限公司|公司", " ");
    s = regexp_replace(s, LEGAL_FORMS, " ");
    return trim(regexp_replace(s, "\\s+", " "));
  }

  /** One row per (record, list match, role) of shipment-level records that name a firm. */
  public static Dataset<Row> roles(Dataset<Row> dualUseFlows) {
    Column none = lit(null).cast(DataTypes.StringType);
    return dualUseFlows.filter(col("freq").equalTo("M"))
        .select(col("record_id"), col("list_id"), col("list_version"), col("tier"), col("hs6"),
            col("period"), col("exporter_iso3"), col("importer_iso3"), col("value_usd"),
            explode(array(
                struct(lit("shipper").as("role"), col("shipper").as("name"), none.as("id")),
                struct(lit("consignee").as("role"), col("consignee").as("name"),
                    col("consignee_id").as("id")),
                struct(lit("manufacturer").as("role"), col("manufacturer").as("name"),
                    none.as("id")))).as("e"))
        .filter(col("e.name").isNotNull())
        .select(col("*"), col("e.role").as("role"), col("e.name").as("name"),
            col("e.id").as("entity_id"))
        .drop("e")
        .withColumn("entity_key", coalesce(concat(lit("id:"), col("entity_id")),
            concat(lit("name:"), normalizedName(col("name")))));
  }

  public static Dataset<Row> summary(Dataset<Row> dualUseFlows) {
    return summaryOfRoles(roles(dualUseFlows));
  }

  /** {@code entity_summary} from {@link #roles}. */
  public static Dataset<Row> summaryOfRoles(Dataset<Row> roles) {
    String[] firm = {"role", "entity_key", "list_id", "list_version"};
    Dataset<Row> byTier = roles.groupBy("role", "entity_key", "list_id", "list_version", "tier")
        .agg(sum("value_usd").as("v"))
        .groupBy("role", "entity_key", "list_id", "list_version")
        .agg(map_from_entries(array_sort(collect_list(struct(col("tier"), col("v")))))
            .as("value_by_tier"));
    Dataset<Row> perHs6 = roles.groupBy("role", "entity_key", "list_id", "list_version", "hs6")
        .agg(sum("value_usd").as("v"));
    Dataset<Row> hs6Totals = perHs6.groupBy("role", "list_id", "list_version", "hs6")
        .agg(sum("v").as("hs6_total"));
    Dataset<Row> shares = perHs6.join(hs6Totals, new String[] {"role", "list_id",
            "list_version", "hs6"})
        .groupBy("role", "entity_key", "list_id", "list_version")
        .agg(map_from_entries(array_sort(collect_list(struct(col("hs6"),
            TransitSignals.ratio(col("v"), col("hs6_total")))))).as("hs6_share"));
    // A firm first seen after the invasion is new only if the records reach back before it:
    // declarations that start in 2023 make every firm look new.
    Dataset<Row> recordsStart = roles.agg(min("period").as("records_start"));
    return roles.groupBy("role", "entity_key", "list_id", "list_version")
        .agg(array_sort(collect_set("name")).as("names"), max("entity_id").as("entity_id"),
            sum("value_usd").as("value_usd"), countDistinct("record_id").as("records"),
            min("period").as("first_period"), max("period").as("last_period"))
        .crossJoin(broadcast(recordsStart))
        .withColumn("entity_name", element_at(col("names"), 1))
        .withColumn("is_new_since_invasion", when(col("records_start").lt(INVASION_MONTH_AFTER),
            col("first_period").geq(INVASION_MONTH_AFTER)))
        .drop("records_start")
        .join(byTier, firm)
        .join(shares, firm);
  }

  /**
   * Herfindahl-Hirschman index (shares in percent, squared and summed: 10,000 for one firm) of
   * each HS6 and each exporter-to-importer route, per role and list.
   */
  public static Dataset<Row> concentration(Dataset<Row> dualUseFlows) {
    return concentrationOfRoles(roles(dualUseFlows));
  }

  /** {@code entity_concentration} from {@link #roles}. */
  public static Dataset<Row> concentrationOfRoles(Dataset<Row> entityRoles) {
    Dataset<Row> roles = entityRoles
        .withColumn("route", concat(col("exporter_iso3"), lit(">"), col("importer_iso3")));
    Dataset<Row> byHs6 = hhi(roles, "hs6", "hs6");
    Dataset<Row> byRoute = hhi(roles, "route", "route");
    return byHs6.unionByName(byRoute);
  }

  private static Dataset<Row> hhi(Dataset<Row> roles, String column, String dimension) {
    Dataset<Row> perFirm = roles.groupBy(col("role"), col("list_id"), col("list_version"),
            col(column).as("key"), col("entity_key"))
        .agg(sum("value_usd").as("v"));
    return perFirm.groupBy("role", "list_id", "list_version", "key")
        .agg(sum("v").as("value_usd"), countDistinct("entity_key").as("entities"),
            // Sorted, so that the double sum below adds in the same order on any cluster layout.
            array_sort(collect_list(col("v"))).as("values"))
        .withColumn("hhi", org.apache.spark.sql.functions.aggregate(col("values"),
            lit(0.0), (acc, v) -> acc.plus(pow(TransitSignals.ratio(v, col("value_usd"))
                .multiply(100), 2))))
        .withColumn("dimension", lit(dimension))
        .drop("values");
  }
}
