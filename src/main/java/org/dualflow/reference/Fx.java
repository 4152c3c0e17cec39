package org.dualflow.reference;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Year;
import java.time.YearMonth;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Monthly average exchange rates to US dollars. Each rate is applied in the form it was
 * published, to keep its precision: "CNY per USD" divides, "USD per EUR" multiplies. A month
 * without a rate is never a zero: {@link #toUsd} returns null and the caller quarantines the
 * record, naming the currency and month.
 */
public final class Fx implements Serializable {

  static final String FILE = "fx-monthly.csv";

  /** A published rate: {@code rate} is USD per unit when {@code usdPerUnit}, else units per USD. */
  record Rate(BigDecimal rate, boolean usdPerUnit) implements Serializable {
  }

  private final Map<String, Rate> rates;   // "CNY 2024-03" -> rate

  Fx(Map<String, Rate> rates) {
    this.rates = Collections.unmodifiableMap(rates);
  }

  public static Fx load(ReferenceFiles files) {
    Map<String, Rate> rates = new HashMap<>();
    files.readCsv(FILE, List.of("currency", "period", "usd_per_unit", "units_per_usd", "quote"),
        r -> {
          String currency = r.get("currency").trim();
          YearMonth month = YearMonth.parse(r.get("period").trim());
          String quote = r.get("quote").trim();
          Rate rate;
          if (quote.equals("USD per " + currency)) {
            rate = new Rate(new BigDecimal(r.get("usd_per_unit").trim()), true);
          } else if (quote.equals(currency + " per USD")) {
            rate = new Rate(new BigDecimal(r.get("units_per_usd").trim()), false);
          } else {
            throw new IllegalArgumentException("quote '" + quote + "' is neither 'USD per "
                + currency + "' nor '" + currency + " per USD'");
          }
          if (rate.rate().signum() <= 0) {
            throw new IllegalArgumentException("rate for " + currency + " " + month
                + " is not positive");
          }
          if (rates.put(currency + " " + month, rate) != null) {
            throw new IllegalArgumentException(currency + " " + month + " appears twice");
          }
        });
    return new Fx(rates);
  }

  /**
   * {@code amount} in {@code currency} converted to USD at the month's average, rounded to
   * cents; null when there is no rate for that currency and month.
   */
  public BigDecimal toUsd(BigDecimal amount, String currency, YearMonth month) {
    if (currency.equals("USD")) {
      return amount.setScale(2, RoundingMode.HALF_UP);
    }
    Rate r = rates.get(currency + " " + month);
    if (r == null) {
      return null;
    }
    BigDecimal usd = r.usdPerUnit() ? amount.multiply(r.rate())
        : amount.divide(r.rate(), MathContext.DECIMAL128);
    return usd.setScale(2, RoundingMode.HALF_UP);
  }

  /**
   * {@code amount} in {@code currency}, a year's figure, converted to USD at the mean of the
   * year's twelve monthly rates (in their published form), rounded to cents; null unless all
   * twelve months have a rate. A January rate for a whole year's trade would be off by the
   * year's drift.
   */
  public BigDecimal toUsd(BigDecimal amount, String currency, Year year) {
    if (currency.equals("USD")) {
      return amount.setScale(2, RoundingMode.HALF_UP);
    }
    BigDecimal sum = BigDecimal.ZERO;
    Boolean usdPerUnit = null;
    for (int m = 1; m <= 12; m++) {
      Rate r = rates.get(currency + " " + year.atMonth(m));
      if (r == null || (usdPerUnit != null && usdPerUnit != r.usdPerUnit())) {
        return null;
      }
      usdPerUnit = r.usdPerUnit();
      sum = sum.add(r.rate());
    }
    BigDecimal mean = sum.divide(BigDecimal.valueOf(12), MathContext.DECIMAL128);
    BigDecimal usd = usdPerUnit ? amount.multiply(mean)
        : amount.divide(mean, MathContext.DECIMAL128);
    return usd.setScale(2, RoundingMode.HALF_UP);
  }

  /** Months with a rate, per currency, for messages ("CNY 2019-01..2025-08"). */
  public Map<String, String> coverage() {
    Map<String, TreeSet<YearMonth>> byCurrency = new TreeMap<>();
    rates.keySet().forEach(k -> byCurrency.computeIfAbsent(k.substring(0, 3), c -> new TreeSet<>())
        .add(YearMonth.parse(k.substring(4))));
    Map<String, String> out = new TreeMap<>();
    byCurrency.forEach((c, months) -> out.put(c, months.first() + ".." + months.last()));
    return out;
  }
}
