/**
 * Reading input files: one generic CSV reader, the Comtrade format and the mapped formats
 * (China customs, declarations, Comext), validation and quarantine with a reason, record ids,
 * the survey (counts, months and duplicate keys without keeping wide rows) and the duplicate
 * check. Knows nothing of code lists or output tables beyond the record layout.
 */
package org.dualflow.ingest;
