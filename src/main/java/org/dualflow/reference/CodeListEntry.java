package org.dualflow.reference;

import java.io.Serializable;

/** One entry of a versioned code list: a commodity-code prefix of 2 to 10 digits and its tier. */
public record CodeListEntry(String listId, String listVersion, String hsEdition, String code,
    String tier, String description) implements Serializable {
}
