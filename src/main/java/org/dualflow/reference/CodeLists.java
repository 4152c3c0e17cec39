package org.dualflow.reference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * All code lists available to a run, keyed by list id and version. A list's versions sort as
 * strings; {@code 2024-02} is newer than {@code 2023-09}.
 */
public final class CodeLists {

  /** Editions a list may be written in; records in other editions are bridged to it. */
  public static final Set<String> EDITIONS = Set.of("HS2022");

  private final Map<String, Map<String, List<CodeListEntry>>> lists;

  private CodeLists(Map<String, Map<String, List<CodeListEntry>>> lists) {
    this.lists = lists;
  }

  public static CodeLists load(ReferenceFiles files) {
    Map<String, Map<String, List<CodeListEntry>>> lists = new LinkedHashMap<>();
    for (String file : files.codeListFiles()) {
      Set<String> seen = new HashSet<>();
      files.readCsv(file, List.of("list_id", "list_version", "hs_edition", "code", "tier",
          "description"), r -> {
            CodeListEntry e = new CodeListEntry(r.get("list_id").trim(),
                r.get("list_version").trim(), r.get("hs_edition").trim(), r.get("code").trim(),
                r.get("tier").trim(), r.get("description").trim());
            if (!e.listId().matches("[a-z0-9_-]+")) {
              throw new IllegalArgumentException("list_id '" + e.listId()
                  + "' must be lower-case letters, digits, - or _");
            }
            if (e.listVersion().isEmpty() || e.listVersion().contains("@")) {
              throw new IllegalArgumentException("list_version must be set and contain no @");
            }
            if (!EDITIONS.contains(e.hsEdition())) {
              throw new IllegalArgumentException("hs_edition '" + e.hsEdition()
                  + "' is not supported; lists must be in " + EDITIONS);
            }
            if (!e.code().matches("\\d{2,10}")) {
              throw new IllegalArgumentException("code '" + e.code()
                  + "' must be a prefix of 2 to 10 digits");
            }
            if (e.tier().isEmpty()) {
              throw new IllegalArgumentException("tier is empty for code " + e.code());
            }
            if (!seen.add(e.listId() + "@" + e.listVersion() + "/" + e.code())) {
              throw new IllegalArgumentException("code " + e.code() + " appears twice in "
                  + e.listId() + "@" + e.listVersion());
            }
            lists.computeIfAbsent(e.listId(), k -> new LinkedHashMap<>())
                .computeIfAbsent(e.listVersion(), k -> new ArrayList<>()).add(e);
          });
    }
    return new CodeLists(lists);
  }

  /** For tests: lists from entries in memory. */
  public static CodeLists of(List<CodeListEntry> entries) {
    Map<String, Map<String, List<CodeListEntry>>> lists = new LinkedHashMap<>();
    for (CodeListEntry e : entries) {
      lists.computeIfAbsent(e.listId(), k -> new LinkedHashMap<>())
          .computeIfAbsent(e.listVersion(), k -> new ArrayList<>()).add(e);
    }
    return new CodeLists(lists);
  }

  /**
   * Resolves a {@code lists} setting: comma-separated {@code id} (newest version),
   * {@code id@version} or {@code id@all}. Returns the selected entries grouped by list version.
   *
   * @throws IllegalArgumentException naming the unknown list or version and what exists
   */
  public Map<String, List<CodeListEntry>> select(String spec) {
    Map<String, List<CodeListEntry>> selected = new LinkedHashMap<>();
    for (String item : spec.split(",")) {
      String s = item.trim();
      if (s.isEmpty()) {
        continue;
      }
      String id = s.contains("@") ? s.substring(0, s.indexOf('@')) : s;
      String version = s.contains("@") ? s.substring(s.indexOf('@') + 1) : null;
      Map<String, List<CodeListEntry>> versions = lists.get(id);
      if (versions == null) {
        throw new IllegalArgumentException("unknown list '" + id + "'; available: "
            + lists.keySet());
      }
      TreeSet<String> known = new TreeSet<>(versions.keySet());
      List<String> chosen = new ArrayList<>();
      if (version == null) {
        chosen.add(known.last());
      } else if (version.equals("all")) {
        chosen.addAll(known);
      } else if (known.contains(version)) {
        chosen.add(version);
      } else {
        throw new IllegalArgumentException("unknown version '" + version + "' of list '" + id
            + "'; available: " + known + " (or all)");
      }
      for (String v : chosen) {
        selected.put(id + "@" + v, versions.get(v));
      }
    }
    if (selected.isEmpty()) {
      throw new IllegalArgumentException("no list selected");
    }
    return Collections.unmodifiableMap(selected);
  }
}
