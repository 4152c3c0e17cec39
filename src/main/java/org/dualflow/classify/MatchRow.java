package org.dualflow.classify;

import java.io.Serializable;

/**
 * One row of the match table: a record reported in {@code hsEdition} whose code starts with
 * {@code prefix} matches entry {@code listCode} of list {@code listId@listVersion}.
 *
 * @param hsMapped true when the prefix is the entry translated into another edition under a
 *     different code
 */
public record MatchRow(String hsEdition, String prefix, String listId, String listVersion,
    String listCode, String tier, boolean hsMapped) implements Serializable {
}
