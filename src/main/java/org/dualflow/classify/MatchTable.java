package org.dualflow.classify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.dualflow.reference.CodeListEntry;
import org.dualflow.reference.HsConversion;

/**
 * Builds, on the driver, the table that classification joins against.
 *
 * <p>Two transformations make a single equi-join give "longest prefix wins within a list":
 * <ol>
 *   <li>Edition bridging: each HS 2022 entry is also written in HS 2017 terms through the UN
 *       conversion, so HS 2017 records match it directly (flagged {@code hsMapped} when the code
 *       differs: 854140 for 854149, 880330 for 880730).</li>
 *   <li>Prefix-free expansion: when a list holds an entry and a longer one inside it (8542 and
 *       854231), the shorter entry is replaced by the digit cells it keeps (85420, 85421, 85422,
 *       854230, 854232, ...). Every code then matches at most one row per list and edition.</li>
 * </ol>
 * The table stays small (tens to a few thousand rows) and is broadcast.
 */
public final class MatchTable {

  private static final Logger LOG = LogManager.getLogger(MatchTable.class);

  public static final String HS2022 = "HS2022";
  public static final String HS2017 = "HS2017";

  private MatchTable() {
  }

  /** Match rows for every selected list (key {@code id@version}) in both editions. */
  public static List<MatchRow> build(Map<String, List<CodeListEntry>> selected,
      HsConversion conversion) {
    List<MatchRow> rows = new ArrayList<>();
    for (List<CodeListEntry> entries : selected.values()) {
      List<MatchRow> hs2022 = new ArrayList<>();
      List<MatchRow> hs2017 = new ArrayList<>();
      for (CodeListEntry e : entries) {
        hs2022.add(row(HS2022, e.code(), e, false));
        for (String code17 : toHs2017(e.code(), conversion)) {
          hs2017.add(row(HS2017, code17, e, !code17.equals(e.code())));
        }
      }
      rows.addAll(prefixFree(resolveCollisions(hs2022)));
      rows.addAll(prefixFree(resolveCollisions(hs2017)));
    }
    return rows;
  }

  private static MatchRow row(String edition, String prefix, CodeListEntry e, boolean mapped) {
    return new MatchRow(edition, prefix, e.listId(), e.listVersion(), e.code(), e.tier(), mapped,
        false);
  }

  /**
   * HS 2017 prefixes covering an HS 2022 entry. Six digits: its conversion. Longer (national)
   * codes keep their digits when the subheading did not change, and are widened to the HS 2017
   * subheading when it did. Shorter prefixes stay, plus the HS 2017 subheadings that codes under
   * them came from when those lie outside the prefix.
   */
  static Set<String> toHs2017(String code, HsConversion conversion) {
    Set<String> out = new LinkedHashSet<>();
    if (code.length() >= 6) {
      String six = code.substring(0, 6);
      String six17 = conversion.toHs2017(six);
      out.add(six17.equals(six) ? code : six17);
    } else {
      out.add(code);
      for (String c22 : conversion.hs2022CodesStartingWith(code)) {
        String c17 = conversion.toHs2017(c22);
        if (!c17.startsWith(code)) {
          out.add(c17);
        }
      }
    }
    return out;
  }

  /**
   * Two entries of one list may land on the same prefix once bridged (HS 2022 854151 and 854159
   * both come from HS 2017 854150). A record cannot be split between them, so the entry with
   * the first tier takes the prefix, and among equal tiers the highest code: when the HS splits
   * a subheading, the residual "other" code (854159) continues the old one, while the lower
   * codes carve out new goods (854151, transducers).
   */
  static List<MatchRow> resolveCollisions(List<MatchRow> rows) {
    Map<String, MatchRow> byPrefix = new TreeMap<>();
    Comparator<MatchRow> preference = Comparator.comparing(MatchRow::tier)
        .thenComparing(MatchRow::listCode, Comparator.reverseOrder());
    for (MatchRow r : rows) {
      MatchRow other = byPrefix.get(r.prefix());
      if (other == null) {
        byPrefix.put(r.prefix(), r);
      } else {
        MatchRow keep = preference.compare(r, other) < 0 ? r : other;
        MatchRow drop = keep == r ? other : r;
        byPrefix.put(r.prefix(), keep);
        LOG.debug("{} {}@{}: {} code {} counts as entry {} (also covers {})", r.hsEdition(),
            r.listId(), r.listVersion(), r.hsEdition(), r.prefix(), keep.listCode(),
            drop.listCode());
      }
    }
    return new ArrayList<>(byPrefix.values());
  }

  /**
   * Replaces each entry that contains longer entries by the digit cells not covered by them, so
   * that a code meets at most one row. The entry, and every node the split passes through, also
   * keeps an exact-length row: a code of exactly that length (8542 itself, or 85423 when 854231
   * is an entry) still belongs to it.
   */
  static List<MatchRow> prefixFree(List<MatchRow> rows) {
    List<MatchRow> out = new ArrayList<>();
    for (MatchRow r : rows) {
      List<String> inside = rows.stream().map(MatchRow::prefix)
          .filter(p -> p.length() > r.prefix().length() && p.startsWith(r.prefix()))
          .toList();
      if (inside.isEmpty()) {
        out.add(r);
      } else {
        expand(r, r.prefix(), inside, out);
      }
    }
    return out;
  }

  private static void expand(MatchRow r, String prefix, List<String> inside, List<MatchRow> out) {
    out.add(r.withPrefix(prefix, true));
    for (char d = '0'; d <= '9'; d++) {
      String cell = prefix + d;
      if (inside.contains(cell)) {
        continue;                      // that entry stands for itself
      }
      List<String> deeper = inside.stream().filter(p -> p.startsWith(cell)).toList();
      if (deeper.isEmpty()) {
        out.add(r.withPrefix(cell, false));
      } else {
        expand(r, cell, deeper, out);
      }
    }
  }
}
