package org.dualflow.analytics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.median;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;
import org.dualflow.SparkTestSession;
import org.junit.jupiter.api.Test;

class MedianAbsoluteDeviationTest {

  private static final StructType SCHEMA = StructType.fromDDL("g STRING, x DOUBLE");

  @Test
  void anOddGroupAnEvenGroupANullAndAGroupWithoutValues() {
    // odd: 5 1 3, sorted 1 3 5: median 3; deviations 2 2 0, sorted 0 2 2: MAD 2.
    // even: 3 1 2 10 and a null, sorted 1 2 3 10: median (2 + 3) / 2 = 2.5; deviations
    // 0.5 1.5 0.5 7.5, sorted 0.5 0.5 1.5 7.5: MAD (0.5 + 1.5) / 2 = 1.
    // none: only a null: no median, no MAD, 0 values.
    Dataset<Row> rows = rows(new Object[][] {{"odd", 5.0}, {"odd", 1.0}, {"odd", 3.0},
        {"even", 3.0}, {"even", 1.0}, {"even", 2.0}, {"even", 10.0}, {"even", null},
        {"none", null}});
    List<String> stats = rows.groupBy("g")
        .agg(MedianAbsoluteDeviation.of(col("x")).as("s"))
        .orderBy("g")
        .selectExpr("concat_ws(' ', g, s.median, s.mad, s.count)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(stats).containsExactly("even 2.5 1.0 4", "none 0", "odd 3.0 2.0 3");
  }

  @Test
  void overAWindowItEqualsSparksMedianOfTheValuesAndOfTheirDeviations() {
    // Independent method: Spark's own median, twice, as unit_value_outliers computed it before.
    // Groups of 1 to 40 values, some repeated, some null, of 1e-3 to 1e3 in size.
    Random random = new Random(20261130);
    List<Object[]> values = new ArrayList<>();
    for (int g = 0; g < 60; g++) {
      int n = 1 + random.nextInt(40);
      for (int i = 0; i < n; i++) {
        Double x = random.nextInt(10) == 0 ? null
            : random.nextInt(5) == 0 ? Double.valueOf(g % 7)
            : Math.pow(10, 6 * random.nextDouble() - 3) * (random.nextBoolean() ? 1 : -1);
        values.add(new Object[] {"g" + g, x});
      }
    }
    var group = Window.partitionBy("g");
    Dataset<Row> both = rows(values.toArray(Object[][]::new))
        .withColumn("s", MedianAbsoluteDeviation.of(col("x")).over(group))
        .withColumn("spark_median", median(col("x")).over(group))
        .withColumn("spark_mad", median(abs(col("x").minus(col("spark_median")))).over(group))
        .withColumn("spark_count", org.apache.spark.sql.functions.count(col("x")).over(group));
    assertThat(both.count()).isEqualTo(values.size());
    assertThat(both.filter("NOT (s.median <=> spark_median) OR NOT (s.mad <=> spark_mad) "
        + "OR s.count <> spark_count").count()).isZero();
  }

  private static Dataset<Row> rows(Object[][] values) {
    List<Row> rows = new ArrayList<>();
    for (Object[] v : values) {
      rows.add(RowFactory.create(v));
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }
}
