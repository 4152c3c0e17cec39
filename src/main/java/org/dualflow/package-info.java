/**
 * dualflow: Spark jobs that trace dual-use goods into Russia from customs data. Data flows down
 * the packages and never back up: {@link org.dualflow.cli} (the command line) calls {@link
 * org.dualflow.pipeline} (the run), which reads with {@link org.dualflow.ingest}, classifies
 * with {@link org.dualflow.classify}, aggregates with {@link org.dualflow.analytics} and writes
 * with {@link org.dualflow.publish}; {@link org.dualflow.reference} and {@link
 * org.dualflow.schema} are the data they all look up. {@link org.dualflow.Periods} is the months
 * a run covers.
 */
package org.dualflow;
