/**
 * The run: a job file becomes a checked {@link org.dualflow.pipeline.JobConfig}; {@link
 * org.dualflow.pipeline.Pipeline#prepare} checks everything that can be checked before Spark
 * starts (reference data, input files and their headers); {@link
 * org.dualflow.pipeline.Pipeline#run} runs the stages on a session (survey and trade_records, per-file
 * accounting, quality gate, record tables, classification, flows_monthly, analytics, publish,
 * catalog, headline figures), holding the warehouse lock throughout. The only package that
 * orchestrates; the per-file accounting and the quality gate are pure functions.
 */
package org.dualflow.pipeline;
