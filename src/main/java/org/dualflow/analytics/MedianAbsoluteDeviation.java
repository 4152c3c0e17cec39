package org.dualflow.analytics;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.functions;

/**
 * The median of a group's values, their median absolute deviation from it and their number,
 * in one aggregate (nulls are not values). As two window aggregates ({@code median} over the
 * group, then {@code median(abs(x - median))} over it again) the records went through two more
 * window operators, each copying every row, and Spark's percentile keeps its values in a hash
 * map of counts; here a group's values are an array of doubles, sorted twice.
 *
 * <p>Medians interpolate as Spark's {@code median} does (its {@code percentile} at 0.5), so
 * the results are the same to the last bit.
 */
public final class MedianAbsoluteDeviation
    extends Aggregator<Double, MedianAbsoluteDeviation.Values, MedianAbsoluteDeviation.Stats> {

  /** The aggregate as a column function: a struct {@code median}, {@code mad}, {@code count}. */
  public static Column of(Column values) {
    return functions.udaf(new MedianAbsoluteDeviation(), Encoders.DOUBLE()).apply(values);
  }

  /** The values of a group so far. */
  public static final class Values implements Serializable {
    private double[] values = new double[16];
    private int size;

    void add(double v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }
  }

  /** A group's statistics: median and MAD null when it has no values. */
  public static final class Stats implements Serializable {
    private Double median;
    private Double mad;
    private long count;

    public Double getMedian() {
      return median;
    }

    public void setMedian(Double median) {
      this.median = median;
    }

    public Double getMad() {
      return mad;
    }

    public void setMad(Double mad) {
      this.mad = mad;
    }

    public long getCount() {
      return count;
    }

    public void setCount(long count) {
      this.count = count;
    }
  }

  @Override
  public Values zero() {
    return new Values();
  }

  @Override
  public Values reduce(Values group, Double value) {
    if (value != null) {
      group.add(value);
    }
    return group;
  }

  @Override
  public Values merge(Values a, Values b) {
    for (int i = 0; i < b.size; i++) {
      a.add(b.values[i]);
    }
    return a;
  }

  @Override
  public Stats finish(Values group) {
    Stats stats = new Stats();
    stats.count = group.size;
    if (group.size > 0) {
      double[] x = Arrays.copyOf(group.values, group.size);
      Arrays.sort(x);
      double median = median(x);
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.abs(x[i] - median);
      }
      Arrays.sort(x);
      stats.median = median;
      stats.mad = median(x);
    }
    return stats;
  }

  /**
   * The median of sorted values as Spark's percentile at 0.5 computes it: at position
   * (n - 1) / 2, interpolating linearly between the two values around it.
   */
  static double median(double[] sorted) {
    double position = (sorted.length - 1) * 0.5;
    int lower = (int) Math.floor(position);
    int higher = (int) Math.ceil(position);
    if (lower == higher || sorted[lower] == sorted[higher]) {
      return sorted[lower];
    }
    return (higher - position) * sorted[lower] + (position - lower) * sorted[higher];
  }

  @Override
  public Encoder<Values> bufferEncoder() {
    return Encoders.javaSerialization(Values.class);
  }

  @Override
  public Encoder<Stats> outputEncoder() {
    return Encoders.bean(Stats.class);
  }
}
