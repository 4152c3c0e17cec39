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
 * @param sourcePriority when several sources report the same side of the same flow cell, the
 *     first in this list is used (default comtrade, gacc, comext, declarations)
 * @param transitThreshold how many times its baseline a hub's imports from the origin group and
 *     its exports to Russia must both reach to count as risen (default 2: both doubled)
 * @param minCoverage share of a window's months that must be covered for its mean to be a
 *     baseline (default 0.75: 9 of 12 months); below it the baseline is null, never a mean of
 *     the few months someone reported
 * @param persistMonths of the latest {@code persistOf} covered months, how many must be above
 *     the threshold for a re-export signal (default 3 of 4: one exceptional month is not a
 *     route)
 * @param transitMinValueUsd smallest value both series of a hub's HS6-month must reach to count
 *     as risen (default 10,000 USD: below it a doubling is a single shipment more)
 * @param originGroups country groups whose exports to the hubs transit_signals follows
 *     (default greater China and the sanctioning coalition)
 * @param factorWindow months the CIF/FOB factors are estimated over (default: the baseline
 *     window, so that post-war gaps are measured against pre-war freight, not absorbed by it)
 * @param factorMin smallest CIF/FOB factor an estimate may give (default 1.0: CIF includes FOB)
 * @param factorMax largest (default 1.2: the cap of the Harvard Growth Lab's mirror-trade
 *     cleaning; larger gaps are not freight and insurance)
 * @param defaultCifFob factor for pairs too thin to estimate one (default 1.10: the IMF's
 *     conventional CIF/FOB factor, used in its Direction of Trade Statistics to derive one side
 *     from the other)
 * @param minCellsForFactor cells both sides must report in the factor window before a pair's
 *     (or a pair and chapter's) own factor is used
 * @param mirrorWeight weight of the exporter side in a reconciled value when the two sides
 *     agree within a factor of two (default 0.5: no side preferred)
 * @param outlierScore robust z-score above which a unit value is flagged (default 3.5,
 *     Iglewicz and Hoaglin)
 * @param minOutlierGroup records a unit-value group (HS6, month and reporting side, and the
 *     unit for prices per unit) needs before its records are scored
 */
public record AnalyticsSettings(Periods baseline, List<String> sourcePriority,
    double transitThreshold, double minCoverage, int persistMonths, int persistOf,
    BigDecimal transitMinValueUsd, List<String> originGroups, Periods factorWindow,
    double factorMin, double factorMax, BigDecimal defaultCifFob, int minCellsForFactor,
    double mirrorWeight, double outlierScore, int minOutlierGroup) implements Serializable {

  public static final String DEFAULT_BASELINE = "2021-03..2022-02";
  public static final String DEFAULT_PRIORITY = "comtrade,gacc,comext,declarations";
  public static final String DEFAULT_THRESHOLD = "2";

  /** The defaults for everything but the baseline, the priority and the threshold. */
  public static AnalyticsSettings of(Periods baseline, List<String> sourcePriority,
      double transitThreshold) {
    return new AnalyticsSettings(baseline, sourcePriority, transitThreshold, 0.75, 3, 4,
        new BigDecimal("10000"), List.of("greater_china", "sanctioning_coalition"), baseline,
        1.0, 1.2, new BigDecimal("1.10"), 6, 0.5, 3.5, 5);
  }

  /** Months of {@code window} that must be covered: the share, rounded up, and at least one. */
  public int minCoveredMonths(Periods window) {
    return Math.max(1, (int) Math.ceil(minCoverage * window.months().size() - 1e-9));
  }

  public AnalyticsSettings withCoverage(double share) {
    return new AnalyticsSettings(baseline, sourcePriority, transitThreshold, share,
        persistMonths, persistOf, transitMinValueUsd, originGroups, factorWindow, factorMin,
        factorMax, defaultCifFob, minCellsForFactor, mirrorWeight, outlierScore,
        minOutlierGroup);
  }

  public AnalyticsSettings withTransit(int months, int of, BigDecimal minValueUsd,
      List<String> groups) {
    return new AnalyticsSettings(baseline, sourcePriority, transitThreshold, minCoverage,
        months, of, minValueUsd, groups, factorWindow, factorMin, factorMax, defaultCifFob,
        minCellsForFactor, mirrorWeight, outlierScore, minOutlierGroup);
  }

  public AnalyticsSettings withFactor(Periods window, double min, double max) {
    return new AnalyticsSettings(baseline, sourcePriority, transitThreshold, minCoverage,
        persistMonths, persistOf, transitMinValueUsd, originGroups, window, min, max,
        defaultCifFob, minCellsForFactor, mirrorWeight, outlierScore, minOutlierGroup);
  }
}
