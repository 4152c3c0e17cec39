package org.dualflow.reference;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Named groups of countries (greater_china, transit_hubs, eu27, ...), as data. */
public final class CountryGroups implements Serializable {

  static final String FILE = "country-groups.csv";

  private final Map<String, Set<String>> groups;

  CountryGroups(Map<String, Set<String>> groups) {
    this.groups = Collections.unmodifiableMap(groups);
  }

  public static CountryGroups load(ReferenceFiles files, Countries countries) {
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    files.readCsv(FILE, List.of("group_id", "iso3"), r -> {
      String group = r.get("group_id").trim();
      String iso3 = r.get("iso3").trim();
      if (!group.matches("[a-z0-9_]+")) {
        throw new IllegalArgumentException("group_id '" + group
            + "' must be lower-case letters, digits or _");
      }
      if (!countries.isKnown(iso3)) {
        throw new IllegalArgumentException("iso3 '" + iso3 + "' is not in countries.csv");
      }
      groups.computeIfAbsent(group, g -> new TreeSet<>()).add(iso3);
    });
    return new CountryGroups(groups);
  }

  /** The members of {@code group}; throws naming the groups there are when it is unknown. */
  public Set<String> members(String group) {
    Set<String> m = groups.get(group);
    if (m == null) {
      throw new IllegalArgumentException("unknown country group '" + group + "'; known: "
          + groups.keySet());
    }
    return Collections.unmodifiableSet(m);
  }

  public Map<String, Set<String>> all() {
    return groups;
  }
}
