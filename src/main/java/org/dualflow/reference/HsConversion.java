package org.dualflow.reference;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The UN one-to-one conversion from HS 2022 six-digit subheadings to HS 2017. Codes absent from
 * the table are unchanged between the editions.
 */
public final class HsConversion implements Serializable {

  static final String FILE = "hs2022-hs2017-conversion.csv";

  private final Map<String, String> hs2022ToHs2017;

  HsConversion(Map<String, String> hs2022ToHs2017) {
    this.hs2022ToHs2017 = Collections.unmodifiableMap(hs2022ToHs2017);
  }

  public static HsConversion load(ReferenceFiles files) {
    Map<String, String> map = new HashMap<>();
    files.readCsv(FILE, List.of("hs2022", "hs2017"), r -> {
      String from = r.get("hs2022").trim();
      String to = r.get("hs2017").trim();
      if (!from.matches("\\d{6}") || !to.matches("\\d{6}")) {
        throw new IllegalArgumentException("codes must be six digits: '" + from + "' -> '" + to
            + "'");
      }
      if (map.put(from, to) != null) {
        throw new IllegalArgumentException("hs2022 " + from + " appears twice");
      }
    });
    return new HsConversion(map);
  }

  /** The HS 2017 subheading for an HS 2022 six-digit code. */
  public String toHs2017(String hs2022six) {
    return hs2022ToHs2017.getOrDefault(hs2022six, hs2022six);
  }

  /** All HS 2022 codes of the table starting with {@code prefix}. */
  public List<String> hs2022CodesStartingWith(String prefix) {
    return hs2022ToHs2017.keySet().stream().filter(c -> c.startsWith(prefix)).sorted().toList();
  }
}
