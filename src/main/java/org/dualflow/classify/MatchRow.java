package org.dualflow.classify;

import java.io.Serializable;

/**
 * One row of the match table: a record reported in {@code hsEdition} whose code starts with
 * {@code prefix} matches entry {@code listCode} of list {@code listId@listVersion}.
 *
 * @param hsMapped true when the prefix is the entry translated into another edition under a
 *     different code
 * @param exactLength true when the row matches only codes of exactly the prefix's length (what
 *     remains of an entry split into longer cells, see {@link MatchTable#prefixFree})
 */
public record MatchRow(String hsEdition, String prefix, String listId, String listVersion,
    String listCode, String tier, boolean hsMapped, boolean exactLength) implements Serializable {

  MatchRow withPrefix(String newPrefix, boolean exact) {
    return new MatchRow(hsEdition, newPrefix, listId, listVersion, listCode, tier, hsMapped,
        exact);
  }
}
