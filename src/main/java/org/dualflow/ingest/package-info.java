/**
 * Reading input files: one generic CSV reader, the Comtrade format and the mapped formats
 * (China customs, declarations, Comext), validation and quarantine with a reason, record ids,
 * the survey (per-file counts and rejected lines, tallied in the reading tasks) and the
 * duplicate check over the written records. Knows nothing of code lists or output tables
 * beyond the record layout.
 */
package org.dualflow.ingest;
