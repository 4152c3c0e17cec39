package org.dualflow.reference;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The named trade corridors the analytics follow, as data ({@code corridors.csv}). A corridor
 * is a set of exporters and a set of importers, each an ISO3 code or an {@code @group}; with
 * {@code expand}, a group becomes one corridor per member ({@code hub_rus:KAZ}).
 */
public final class Corridors implements Serializable {

  static final String FILE = "corridors.csv";

  /** One corridor after expansion. */
  public record Corridor(String id, String family, String member, Set<String> exporters,
      Set<String> importers, String description) implements Serializable {
  }

  private final List<Corridor> corridors;

  Corridors(List<Corridor> corridors) {
    this.corridors = Collections.unmodifiableList(corridors);
  }

  public static Corridors load(ReferenceFiles files, CountryGroups groups, Countries countries) {
    List<Corridor> out = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    files.readCsv(FILE, List.of("corridor_id", "exporters", "importers", "expand",
        "description"), r -> {
          String id = r.get("corridor_id").trim();
          if (!id.matches("[a-z0-9_]+") || !ids.add(id)) {
            throw new IllegalArgumentException("corridor_id '" + id
                + "' must be unique lower-case letters, digits or _");
          }
          Set<String> exporters = resolve(r.get("exporters"), groups, countries);
          Set<String> importers = resolve(r.get("importers"), groups, countries);
          String expand = r.get("expand").trim();
          String description = r.get("description").trim();
          switch (expand) {
            case "" -> out.add(new Corridor(id, id, null, exporters, importers, description));
            case "exporters" -> exporters.forEach(e -> out.add(new Corridor(id + ":" + e, id, e,
                Set.of(e), importers, description)));
            case "importers" -> importers.forEach(i -> out.add(new Corridor(id + ":" + i, id, i,
                exporters, Set.of(i), description)));
            default -> throw new IllegalArgumentException("expand '" + expand
                + "' must be empty, exporters or importers");
          }
        });
    return new Corridors(out);
  }

  private static Set<String> resolve(String spec, CountryGroups groups, Countries countries) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : spec.split("[ |;]+")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.startsWith("@")) {
        out.addAll(groups.members(p.substring(1)));
      } else if (countries.isKnown(p)) {
        out.add(p);
      } else {
        throw new IllegalArgumentException("'" + p + "' is neither a known ISO3 code nor an "
            + "@group");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("a corridor needs exporters and importers");
    }
    return out;
  }

  public List<Corridor> all() {
    return corridors;
  }
}
