/**
 * Pure transformations from the record tables to the summary tables: {@code flows_monthly},
 * the shared flow views, corridors, mirror gaps, baselines, supplier shares, transit signals,
 * unit-value outliers, entities, and the headline figures of a run's summary. Datasets and
 * reference data come in as parameters; nothing here reads or writes files.
 */
package org.dualflow.analytics;
