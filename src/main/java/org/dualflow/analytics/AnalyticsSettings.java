package org.dualflow.analytics;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import org.dualflow.Periods;

/**
 * The choices behind the analytics tables, each with its default and its reason.
 *
 * @param baseline months whose mean is the pre-war baseline (default 2021-03..2022-02: the
 *     twelve months before the full-scale invasion of 24 February 2022)
 * @param sourcePriority when several sources report the same side of the same flow in a month,
 *     the first in this list is used (default comtrade, gacc, comext, declarations)
 * @param transitThreshold how many times its baseline a hub's imports from greater China and
 *     its exports to Russia must both reach to be flagged (default 2: both doubled)
 * @param defaultCifFob CIF/FOB factor for pairs too thin to estimate one (default 1.10, the IMF
 *     Direction of Trade Statistics convention)
 * @param minCellsForFactor cells both sides must report before a pair's own factor is used
 * @param mirrorWeight weight of the exporter side in a reconciled value when the two sides
 *     agree within a factor of two (default 0.5: no side preferred)
 * @param outlierScore robust z-score above which a unit value is flagged (default 3.5,
 *     Iglewicz and Hoaglin)
 * @param minOutlierGroup records an HS6-month group needs before its records are scored
 */
public record AnalyticsSettings(Periods baseline, List<String> sourcePriority,
    double transitThreshold, BigDecimal defaultCifFob, int minCellsForFactor,
    double mirrorWeight, double outlierScore, int minOutlierGroup) implements Serializable {

  public static final String DEFAULT_BASELINE = "2021-03..2022-02";
  public static final String DEFAULT_PRIORITY = "comtrade,gacc,comext,declarations";
  public static final String DEFAULT_THRESHOLD = "2";

  public static AnalyticsSettings of(Periods baseline, List<String> sourcePriority,
      double transitThreshold) {
    return new AnalyticsSettings(baseline, sourcePriority, transitThreshold,
        new BigDecimal("1.10"), 6, 0.5, 3.5, 5);
  }
}
