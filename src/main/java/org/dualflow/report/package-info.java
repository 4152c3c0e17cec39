/**
 * The report: a self-contained HTML page of the figures analysts ask for first, read from a
 * published warehouse with the same SQL a reader can run, each chart drawn as SVG beside its
 * numbers. It reads the warehouse and writes one file; it computes no figure the tables do not
 * hold, except which months the coverage rule says were reported where a table has no row.
 */
package org.dualflow.report;
