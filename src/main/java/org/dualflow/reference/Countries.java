package org.dualflow.reference;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Country and area codes: resolves the numeric codes trade sources use to one alpha-3 code.
 *
 * <p>Comtrade codes are looked up first among the codes Comtrade itself uses, then among its
 * alternative codes, then as UN M49 (Comtrade reporters and partners mostly equal M49, but not
 * always: the USA is 842, France 251, India 699). Areas without an ISO code get {@code X} and
 * their three digits; the World total is {@value #WORLD}.
 */
public final class Countries implements Serializable {

  public static final String WORLD = "WLD";
  static final String FILE = "countries.csv";

  private final Map<Integer, String> byComtradeCode;
  private final Map<String, String> names;

  private Countries(Map<Integer, String> byComtradeCode, Map<String, String> names) {
    this.byComtradeCode = byComtradeCode;
    this.names = names;
  }

  public static Countries load(ReferenceFiles files) {
    Map<Integer, String> primary = new HashMap<>();
    Map<Integer, String> alternative = new HashMap<>();
    Map<Integer, String> m49 = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    files.readCsv(FILE, List.of("iso3", "m49", "name_en", "comtrade_code", "comtrade_alt_codes"),
        r -> {
          String comtrade = r.get("comtrade_code").trim();
          String iso3 = r.get("iso3").trim();
          if (iso3.isEmpty()) {
            if (comtrade.isEmpty()) {
              throw new IllegalArgumentException("a row needs iso3 or comtrade_code");
            }
            int code = Integer.parseInt(comtrade);
            iso3 = code == 0 ? WORLD : String.format("X%03d", code);
          } else if (!iso3.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("iso3 '" + iso3 + "' is not three capital letters");
          }
          names.put(iso3, r.get("name_en"));
          if (!comtrade.isEmpty()) {
            put(primary, Integer.parseInt(comtrade), iso3);
          }
          for (String alt : r.get("comtrade_alt_codes").split("[|;, ]+")) {
            if (!alt.isBlank()) {
              put(alternative, Integer.parseInt(alt.trim()), iso3);
            }
          }
          if (!r.get("m49").isBlank()) {
            put(m49, Integer.parseInt(r.get("m49").trim()), iso3);
          }
        });
    Map<Integer, String> resolved = new HashMap<>(m49);
    resolved.putAll(alternative);
    resolved.putAll(primary);
    return new Countries(Collections.unmodifiableMap(resolved), Collections.unmodifiableMap(names));
  }

  private static void put(Map<Integer, String> map, int code, String iso3) {
    String before = map.putIfAbsent(code, iso3);
    if (before != null && !before.equals(iso3)) {
      throw new IllegalArgumentException("code " + code + " is claimed by both " + before
          + " and " + iso3);
    }
  }

  /** Alpha-3 (or pseudo) code for a Comtrade or M49 numeric code; null when unknown. */
  public String byComtradeCode(int code) {
    return byComtradeCode.get(code);
  }

  /** True when {@code iso3} is a code this table knows (including WLD and X-codes). */
  public boolean isKnown(String iso3) {
    return names.containsKey(iso3);
  }

  public String name(String iso3) {
    return names.getOrDefault(iso3, iso3);
  }
}
