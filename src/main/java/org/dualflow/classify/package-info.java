/**
 * Classification: the code lists made prefix-free per list and HS edition (the match table),
 * and the join of countable trade records against it, longest prefix winning, HS 2017 codes
 * bridged to the lists' HS 2022 edition.
 */
package org.dualflow.classify;
